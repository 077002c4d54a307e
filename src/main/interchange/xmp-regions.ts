import { storedToUpright, type NormalizedBox } from './orientation';
import {
  NS,
  parseXmp,
  qname,
  topLevelProperties,
  XmpRejected,
  type XmpStruct,
  type XmpValue,
} from './xmp-tree';

/** A named face region of a photo, in the upright image's normalized coordinates (top-left based). */
export interface FaceRegion {
  name: string;
  box: NormalizedBox;
}

export interface RegionsReading {
  regions: FaceRegion[];
  /** Why the packet (or some of its regions) was not read, naming `label`; null when all was fine. */
  warning: string | null;
}

/** Longest name kept (as in `kindred name`); longer ones are dropped with a warning. */
const MAX_NAME_LENGTH = 200;

const MWG = (local: string) => qname(NS.mwgRs, local);
const AREA = (local: string) => qname(NS.stArea, local);
const MPRI = (local: string) => qname(NS.mpri, local);
const MPREG = (local: string) => qname(NS.mpreg, local);

const asStruct = (value: XmpValue | undefined): XmpStruct | undefined =>
  value instanceof Map ? value : undefined;
const asArray = (value: XmpValue | undefined): XmpValue[] =>
  Array.isArray(value) ? value : value instanceof Map ? [value] : [];
const asString = (value: XmpValue | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;

/**
 * The named face regions of an XMP packet: MWG (`mwg-rs:Regions`, written by Lightroom, Picasa,
 * digiKam, Apple) and else Microsoft Photo (`MP:RegionInfo`). Both give boxes on the pixels as
 * stored, so the EXIF `orientation` of the photo turns them upright (see docs/xmp.md).
 * Never throws: a packet that is huge, declares entities or is broken XML gives no regions and a
 * warning naming `label` (for example "sidecar IMG_1.jpg.xmp").
 */
export function readFaceRegions(
  packet: string | Buffer,
  orientation: number | undefined,
  label: string,
): RegionsReading {
  let properties: XmpStruct;
  try {
    properties = topLevelProperties(parseXmp(packet));
  } catch (error) {
    const why = error instanceof XmpRejected ? error.message : `it could not be read (${String(error)})`;
    return { regions: [], warning: `face regions in the ${label} were ignored: ${why}` };
  }
  const skipped: string[] = [];
  let regions = mwgRegions(properties, skipped);
  if (regions.length === 0) regions = microsoftRegions(properties, skipped);
  const upright = regions.map((region) => ({ ...region, box: storedToUpright(region.box, orientation) }));
  return {
    regions: upright,
    warning:
      skipped.length > 0 ? `some face regions in the ${label} were ignored: ${skipped.join('; ')}` : null,
  };
}

function cleanName(raw: string | undefined, skipped: string[]): string | undefined {
  const name = raw?.trim().replace(/\s+/g, ' ');
  if (!name) return undefined;
  if (name.length > MAX_NAME_LENGTH) {
    skipped.push(`a name longer than ${MAX_NAME_LENGTH} characters`);
    return undefined;
  }
  // `kindred` reads a number as a person id: such a "name" could never be told apart from one.
  if (/^\d+$/.test(name)) {
    skipped.push(`"${name}" is a number, not a name`);
    return undefined;
  }
  return name;
}

function finiteNumber(value: string | undefined): number {
  return value === undefined || value.trim() === '' ? NaN : Number(value);
}

/** Inside the image and not empty, or undefined (the caller says why). */
function clampBox(box: NormalizedBox): NormalizedBox | undefined {
  if (![box.x, box.y, box.width, box.height].every(Number.isFinite)) return undefined;
  const x1 = Math.max(0, box.x);
  const y1 = Math.max(0, box.y);
  const x2 = Math.min(1, box.x + box.width);
  const y2 = Math.min(1, box.y + box.height);
  if (x2 - x1 <= 0 || y2 - y1 <= 0) return undefined;
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

function mwgRegions(properties: XmpStruct, skipped: string[]): FaceRegion[] {
  const info = asStruct(properties.get(MWG('Regions')));
  if (!info) return [];
  const regions: FaceRegion[] = [];
  for (const item of asArray(info.get(MWG('RegionList')))) {
    const region = asStruct(item);
    if (!region) continue;
    const type = asString(region.get(MWG('Type')));
    // MWG also describes pets, focus points and barcodes: only faces are people.
    if (type !== undefined && type !== 'Face') continue;
    const name = cleanName(asString(region.get(MWG('Name'))), skipped);
    if (!name) continue;
    const area = asStruct(region.get(MWG('Area')));
    const unit = asString(area?.get(AREA('unit'))) ?? 'normalized';
    if (!area || unit !== 'normalized') {
      skipped.push(`"${name}" has no normalized area`);
      continue;
    }
    const [x, y, w, h] = ['x', 'y', 'w', 'h'].map((key) => finiteNumber(asString(area.get(AREA(key)))));
    // MWG areas are centre-based.
    const box = clampBox({ x: x - w / 2, y: y - h / 2, width: w, height: h });
    if (!box) {
      skipped.push(`"${name}" has an area outside the image or with no size`);
      continue;
    }
    regions.push({ name, box });
  }
  return regions;
}

function microsoftRegions(properties: XmpStruct, skipped: string[]): FaceRegion[] {
  const info = asStruct(properties.get(qname(NS.mp, 'RegionInfo')));
  if (!info) return [];
  const regions: FaceRegion[] = [];
  for (const item of asArray(info.get(MPRI('Regions')))) {
    const region = asStruct(item);
    if (!region) continue;
    const name = cleanName(asString(region.get(MPREG('PersonDisplayName'))), skipped);
    if (!name) continue;
    const rectangle = asString(region.get(MPREG('Rectangle')));
    // A person tagged on the whole photo, with no rectangle, has no face to name.
    if (rectangle === undefined) continue;
    const parts = rectangle.split(',').map((part) => finiteNumber(part));
    const box =
      parts.length === 4
        ? clampBox({ x: parts[0], y: parts[1], width: parts[2], height: parts[3] })
        : undefined;
    if (!box) {
      skipped.push(`"${name}" has a rectangle Kindred cannot read ("${rectangle.slice(0, 60)}")`);
      continue;
    }
    regions.push({ name, box });
  }
  return regions;
}
