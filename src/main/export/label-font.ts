import fs from 'node:fs';
import path from 'node:path';
import * as opentype from 'opentype.js';

export const LABEL_FONT_FILE = 'DejaVuSans-Bold.ttf';

/** A line of text as vector outlines: an SVG path, drawn with its baseline at y = 0. */
export interface TextOutline {
  /** SVG path data, origin at the start of the baseline. */
  d: string;
  width: number;
  /** Distance from the baseline up to the top of the tallest glyph the font has, and down. */
  ascent: number;
  descent: number;
}

/**
 * Labels are drawn from glyph outlines of a font shipped in resources/fonts, never from system
 * fonts, so an export looks the same on every machine. Glyphs are laid out one by one (advance +
 * kerning): opentype.js's text shaping stops on lookups DejaVu uses but it does not implement.
 */
export class LabelFont {
  constructor(private readonly font: opentype.Font) {}

  static load(file = resolveLabelFontFile()): LabelFont {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (error) {
      throw new Error(
        `Cannot read the label font ${file} (${(error as NodeJS.ErrnoException).code ?? error}). ` +
          'It ships with Kindred in resources/fonts; reinstall or restore that folder.',
      );
    }
    return new LabelFont(opentype.parse(new Uint8Array(bytes).buffer));
  }

  /** `text` at `size` px: outlines and metrics. */
  outline(text: string, size: number): TextOutline {
    const scale = size / this.font.unitsPerEm;
    const parts: string[] = [];
    let x = 0;
    let previous: opentype.Glyph | undefined;
    for (const character of text) {
      const glyph = this.font.charToGlyph(character);
      if (previous) x += this.font.getKerningValue(previous, glyph) * scale;
      const data = glyph.getPath(x, 0, size).toPathData(2);
      if (data) parts.push(data);
      x += (glyph.advanceWidth ?? this.font.unitsPerEm / 2) * scale;
      previous = glyph;
    }
    return {
      d: parts.join(''),
      width: x,
      ascent: this.font.ascender * scale,
      descent: -this.font.descender * scale,
    };
  }
}

/**
 * resources/fonts/<font>: KINDRED_RESOURCES_DIR, else the first `resources/` holding it found
 * walking up from this file (src/ under the test runner, out/ after a build, an app bundle).
 */
export function resolveLabelFontFile(start = __dirname, env: NodeJS.ProcessEnv = process.env): string {
  if (env.KINDRED_RESOURCES_DIR)
    return path.join(path.resolve(env.KINDRED_RESOURCES_DIR), 'fonts', LABEL_FONT_FILE);
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'resources', 'fonts', LABEL_FONT_FILE);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(
    `Kindred's label font was not found (looked for resources/fonts/${LABEL_FONT_FILE} above ${start}). ` +
      'Restore the resources/ folder of the Kindred checkout or set KINDRED_RESOURCES_DIR.',
  );
}
