import fs from 'node:fs';
import path from 'node:path';
import { sidecarCandidates } from './read-regions';
import { readFaceRegions } from './xmp-regions';
import { escapeXml, faceRegionsXmp, regionsDescription, type ImageSize, type NamedRegion } from './xmp-write';
import {
  NS,
  parseXmp,
  qname,
  topLevelProperties,
  XmpRejected,
  type XmpStruct,
  type XmpValue,
} from './xmp-tree';

export interface SidecarWritten {
  /** The sidecar written (created or merged). */
  sidecar: string;
  /** The copy of the sidecar as it was before, or null when there was none. */
  backup: string | null;
  /** Face regions written. */
  regions: number;
  /** Regions of other kinds (pets, focus points…) kept from the existing sidecar. */
  keptRegions: number;
}

export class SidecarError extends Error {}

/**
 * Where Kindred writes a photo's sidecar: the existing one when there is one (`photo.jpg.xmp`
 * first, then `photo.xmp`), else a new `photo.jpg.xmp`.
 */
export function sidecarPathFor(photoPath: string): string {
  const candidates = sidecarCandidates(photoPath);
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? candidates[0];
}

/**
 * Writes the named faces of a photo into its XMP sidecar, never into the photo. A new sidecar
 * holds only the regions. An existing one is merged: every other property stays as it was, its
 * face regions (MWG and Microsoft Photo) are replaced by Kindred's, its MWG regions of other kinds
 * are kept, and the old file is first copied to `<sidecar>.<time>.bak`. Boxes are upright and
 * normalized; `orientation` is the original's EXIF orientation (regions describe stored pixels).
 * A sidecar that is not readable XMP is left alone: SidecarError says why.
 */
export function writeSidecar(
  photoPath: string,
  regions: readonly NamedRegion[],
  uprightSize: ImageSize,
  orientation: number,
  now: Date,
): SidecarWritten {
  const sidecar = sidecarPathFor(photoPath);
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(sidecar, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SidecarError(`cannot read ${sidecar} (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
  }
  if (existing === undefined) {
    writeAtomically(sidecar, faceRegionsXmp(regions, uprightSize, orientation));
    return { sidecar, backup: null, regions: regions.length, keptRegions: 0 };
  }
  const { text, keptRegions } = mergeRegions(sidecar, existing, regions, uprightSize, orientation);
  const backup = `${sidecar}.${now.toISOString().replace(/[:.]/g, '-')}.bak`;
  fs.copyFileSync(sidecar, backup, fs.constants.COPYFILE_EXCL);
  writeAtomically(sidecar, text);
  return { sidecar, backup, regions: regions.length, keptRegions };
}

function mergeRegions(
  sidecar: string,
  existing: string,
  regions: readonly NamedRegion[],
  uprightSize: ImageSize,
  orientation: number,
): { text: string; keptRegions: number } {
  let properties: XmpStruct;
  try {
    properties = topLevelProperties(parseXmp(existing));
  } catch (error) {
    const why = error instanceof XmpRejected ? error.message : String(error);
    throw new SidecarError(
      `the existing sidecar ${sidecar} was left unchanged: ${why}. Fix it or move it away, then run again`,
    );
  }
  const others = otherRegions(properties);
  let text = existing;
  for (const [ns, local] of [
    [NS.mwgRs, 'Regions'],
    [NS.mp, 'RegionInfo'],
  ] as const) {
    for (const prefix of prefixesOf(text, ns)) text = removeElement(text, `${prefix}:${local}`);
  }
  text = removeEmptyDescriptions(text, prefixesOf(text, NS.rdf));
  const closing = prefixesOf(text, NS.rdf)
    .map((prefix) => text.lastIndexOf(`</${prefix}:RDF>`))
    .find((at) => at >= 0);
  if (closing === undefined) {
    throw new SidecarError(`the existing sidecar ${sidecar} has no rdf:RDF element; it was left unchanged`);
  }
  const description = regionsDescription(regions, uprightSize, orientation, others.join(''));
  text = `${text.slice(0, closing).trimEnd()}${description}\n ${text.slice(closing)}`;
  // What was written must read back as what was meant, or nothing is written.
  const check = readFaceRegions(text, orientation, `merged sidecar ${path.basename(sidecar)}`);
  if (check.warning || check.regions.length !== regions.length) {
    throw new SidecarError(
      `merging into ${sidecar} did not give readable regions (${check.warning ?? 'regions lost'}); it was left unchanged`,
    );
  }
  return { text, keptRegions: others.length };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The prefixes a document binds to namespace `uri` (usually one). */
function prefixesOf(text: string, uri: string): string[] {
  const pattern = new RegExp(`xmlns:([A-Za-z_][\\w.-]*)\\s*=\\s*["']${escapeRegExp(uri)}["']`, 'g');
  return [...new Set([...text.matchAll(pattern)].map((match) => match[1]))];
}

function removeElement(text: string, name: string): string {
  const tag = escapeRegExp(name);
  return text
    .replace(new RegExp(`[ \\t]*<${tag}\\b[^>]*/>[ \\t]*\\r?\\n?`, 'g'), '')
    .replace(new RegExp(`[ \\t]*<${tag}\\b[^>]*>[\\s\\S]*?</${tag}\\s*>[ \\t]*\\r?\\n?`, 'g'), '');
}

/** Descriptions left with nothing in them but namespace declarations (Kindred's own from a previous run). */
function removeEmptyDescriptions(text: string, rdfPrefixes: readonly string[]): string {
  let result = text;
  for (const prefix of rdfPrefixes) {
    const tag = escapeRegExp(`${prefix}:Description`);
    const attributes = `(?:\\s+(?:xmlns(?::[\\w.-]+)?|${escapeRegExp(prefix)}:about)\\s*=\\s*(?:"[^"]*"|'[^']*'))*`;
    result = result.replace(
      new RegExp(`[ \\t]*<${tag}${attributes}\\s*(?:/>|>\\s*</${tag}\\s*>)[ \\t]*\\r?\\n?`, 'g'),
      '',
    );
  }
  return result;
}

const str = (value: XmpValue | undefined) => (typeof value === 'string' ? value : undefined);

/** The existing MWG regions that are not faces, written again as rdf:li items. */
function otherRegions(properties: XmpStruct): string[] {
  const info = properties.get(qname(NS.mwgRs, 'Regions'));
  if (!(info instanceof Map)) return [];
  const list = info.get(qname(NS.mwgRs, 'RegionList'));
  const items = Array.isArray(list) ? list : [];
  const kept: string[] = [];
  for (const item of items) {
    if (!(item instanceof Map)) continue;
    const type = str(item.get(qname(NS.mwgRs, 'Type')));
    if (type === undefined || type === 'Face') continue;
    const area = item.get(qname(NS.mwgRs, 'Area'));
    const areaXml =
      area instanceof Map
        ? `
       <mwg-rs:Area rdf:parseType="Resource">${['x', 'y', 'w', 'h', 'unit']
         .map((key) => [key, str(area.get(qname(NS.stArea, key)))] as const)
         .filter(([, value]) => value !== undefined)
         .map(([key, value]) => `<stArea:${key}>${escapeXml(value!)}</stArea:${key}>`)
         .join('')}</mwg-rs:Area>`
        : '';
    const name = str(item.get(qname(NS.mwgRs, 'Name')));
    const description = str(item.get(qname(NS.mwgRs, 'Description')));
    kept.push(`
      <rdf:li rdf:parseType="Resource">${areaXml}${
        name
          ? `
       <mwg-rs:Name>${escapeXml(name)}</mwg-rs:Name>`
          : ''
      }${
        description
          ? `
       <mwg-rs:Description>${escapeXml(description)}</mwg-rs:Description>`
          : ''
      }
       <mwg-rs:Type>${escapeXml(type)}</mwg-rs:Type>
      </rdf:li>`);
  }
  return kept;
}

function writeAtomically(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.kindred-${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, text, { flag: 'wx' });
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new SidecarError(`cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
}
