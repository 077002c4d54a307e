import sharp from 'sharp';
import type { Box } from '../../common/api';
import { finishCopy, type DrawnFace } from './finish-copy';
import type { LabelFont, TextOutline } from './label-font';
import { overlapArea, placeLabels, type Rect } from './label-layout';

/** A face to box on a copy: its box in upright pixels of the original photo, and its label. */
export interface FaceToDraw {
  box: Box;
  /** The person's name, or null for an unnamed face (drawn as "?"). */
  name: string | null;
}

export interface CopyOptions {
  /** The longest side of the copy, in pixels; the photo's own size when absent (never enlarged). */
  maxSize?: number;
  /** JPEG quality, 1–100. */
  quality: number;
  /** Embed the named faces as XMP face regions (MWG and Microsoft Photo). */
  xmp?: boolean;
}

export interface AnnotatedCopy {
  jpeg: Buffer;
  width: number;
  height: number;
  faces: DrawnFace[];
}

export const UNNAMED_LABEL = '?';
const NAMED_COLOUR = '#ffd60a';
const UNNAMED_COLOUR = '#d9d9d9';
const TEXT_COLOUR = '#111111';
const HALO_COLOUR = '#000000';

/**
 * An upright JPEG copy of a photo with every given face boxed and labelled. Sizes scale with
 * the copy (so labels read the same on a thumbnail and a 40-MP photo); labels sit on a solid
 * background, inside the frame, clear of each other (see placeLabels). The capture date and
 * camera EXIF of the original are kept; Orientation becomes 1, as the pixels are upright.
 * The original is only read.
 */
export async function annotatePhoto(
  file: string,
  faces: readonly FaceToDraw[],
  font: LabelFont,
  options: CopyOptions,
): Promise<AnnotatedCopy> {
  const metadata = await sharp(file).metadata();
  if (!metadata.width || !metadata.height) throw new Error('the image has no size (not an image?)');
  // Orientations 5–8 turn the stored pixels a quarter turn: upright width is the stored height.
  const quarterTurn = (metadata.orientation ?? 1) >= 5;
  const uprightWidth = quarterTurn ? metadata.height : metadata.width;
  const uprightHeight = quarterTurn ? metadata.width : metadata.height;
  const scale = Math.min(1, (options.maxSize ?? Infinity) / Math.max(uprightWidth, uprightHeight));
  const width = Math.max(1, Math.round(uprightWidth * scale));
  const height = Math.max(1, Math.round(uprightHeight * scale));

  const scaled = faces.map((face) => ({
    name: face.name,
    box: {
      x: face.box.x * scale,
      y: face.box.y * scale,
      width: face.box.width * scale,
      height: face.box.height * scale,
    },
  }));
  const overlay = facesSvg({ width, height }, scaled, font);
  const encoded = await sharp(file)
    .rotate()
    .resize(width, height, { fit: 'fill' })
    .composite([{ input: Buffer.from(overlay), left: 0, top: 0 }])
    .toColourspace('srgb')
    .keepExif()
    .jpeg({ quality: options.quality, mozjpeg: false })
    .toBuffer();
  const drawn: DrawnFace[] = scaled.map((face) => ({
    name: face.name,
    box: {
      x: face.box.x / width,
      y: face.box.y / height,
      width: face.box.width / width,
      height: face.box.height / height,
    },
  }));
  const jpeg = await finishCopy(encoded, drawn, { xmp: options.xmp, width, height });
  return { jpeg, width, height, faces: drawn };
}

/** Sizes of the drawing for a copy of this size: everything scales with the longer side. */
export function drawingSizes(frame: { width: number; height: number }): {
  fontSize: number;
  lineWidth: number;
  padding: number;
} {
  const longSide = Math.max(frame.width, frame.height);
  const fontSize = Math.max(11, Math.round(longSide * 0.024));
  return {
    fontSize,
    lineWidth: Math.max(2, Math.round(longSide * 0.003)),
    padding: Math.max(2, Math.round(fontSize * 0.25)),
  };
}

/** A label: where it goes, its text, and the room around the text. */
export interface PlacedLabel {
  rect: Rect;
  text: TextOutline;
  padding: number;
}

/** Labels are never set smaller than this, even when a tiny copy has many faces. */
const MIN_FONT_SIZE = 6;

/**
 * Each face's label: its text outline and where it goes (see placeLabels). When a small copy
 * has too many faces for labels of the usual size to fit apart, the text is set smaller until
 * they do, since labels over each other could not be read at all.
 */
export function layoutLabels(
  frame: { width: number; height: number },
  faces: readonly FaceToDraw[],
  font: LabelFont,
): PlacedLabel[] {
  const sizes = drawingSizes(frame);
  for (let fontSize = sizes.fontSize; ; fontSize = Math.max(MIN_FONT_SIZE, fontSize * 0.85)) {
    const padding = Math.max(2, Math.round(fontSize * 0.25));
    const labels = layoutAt(frame, faces, font, fontSize, padding, sizes.lineWidth);
    if (fontSize <= MIN_FONT_SIZE || !anyOverlap(labels.map((label) => label.rect))) return labels;
  }
}

function layoutAt(
  frame: { width: number; height: number },
  faces: readonly FaceToDraw[],
  font: LabelFont,
  fontSize: number,
  padding: number,
  gap: number,
): PlacedLabel[] {
  const texts = faces.map((face) => {
    const text = face.name ?? UNNAMED_LABEL;
    let outline = font.outline(text, fontSize);
    // A name wider than the photo is set smaller, so it is never cut off.
    const room = frame.width - 2 * padding;
    if (outline.width > room && room > 0) outline = font.outline(text, (fontSize * room) / outline.width);
    return outline;
  });
  const rects = placeLabels(
    frame,
    faces.map((face, index) => ({
      box: face.box,
      width: Math.min(frame.width, texts[index].width + 2 * padding),
      height: Math.min(frame.height, texts[index].ascent + texts[index].descent + 2 * padding),
    })),
    gap,
  );
  return rects.map((rect, index) => ({ rect, text: texts[index], padding }));
}

function anyOverlap(rects: readonly Rect[]): boolean {
  return rects.some((a, i) => rects.slice(i + 1).some((b) => overlapArea(a, b) > 0));
}

/** The overlay: boxes (with a dark halo, so they show on light and dark photos), then labels. */
export function facesSvg(
  frame: { width: number; height: number },
  faces: readonly FaceToDraw[],
  font: LabelFont,
): string {
  const { lineWidth } = drawingSizes(frame);
  const labels = layoutLabels(frame, faces, font);
  const parts: string[] = [];
  const half = lineWidth / 2;
  for (const face of faces) {
    const { x, y, width, height } = face.box;
    const rect = `x="${n(x + half)}" y="${n(y + half)}" width="${n(Math.max(1, width - lineWidth))}" height="${n(Math.max(1, height - lineWidth))}"`;
    parts.push(
      `<rect ${rect} fill="none" stroke="${HALO_COLOUR}" stroke-opacity="0.55" stroke-width="${n(lineWidth * 2.5)}"/>`,
      `<rect ${rect} fill="none" stroke="${colour(face)}" stroke-width="${n(lineWidth)}"/>`,
    );
  }
  faces.forEach((face, index) => {
    const { rect: label, text, padding } = labels[index];
    parts.push(
      `<rect x="${n(label.x)}" y="${n(label.y)}" width="${n(label.width)}" height="${n(label.height)}" fill="${colour(face)}"/>`,
      `<path transform="translate(${n(label.x + padding)} ${n(label.y + padding + text.ascent)})" d="${text.d}" fill="${TEXT_COLOUR}"/>`,
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" ` +
    `viewBox="0 0 ${frame.width} ${frame.height}">${parts.join('')}</svg>`
  );
}

const colour = (face: FaceToDraw) => (face.name === null ? UNNAMED_COLOUR : NAMED_COLOUR);
const n = (value: number) => String(Math.round(value * 100) / 100);
