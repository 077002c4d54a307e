import type { NormalizedBox } from './orientation';
import { swapsSides, uprightToStored } from './orientation';
import { NS } from './xmp-tree';

/** A named face to write, its box normalized in the upright image (as Kindred stores faces). */
export interface NamedRegion {
  name: string;
  box: NormalizedBox;
}

export interface ImageSize {
  width: number;
  height: number;
}

/** How to write numbers: enough digits for a pixel of a 100-MP photo, no more. */
const num = (value: number) => String(Number(value.toFixed(6)));

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .split('')
    .filter((char) => !isForbiddenInXml(char.charCodeAt(0)))
    .join('');
}

/** Control characters other than tab, line feed and carriage return cannot appear in XML 1.0. */
function isForbiddenInXml(code: number): boolean {
  return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
}

/**
 * The region properties (MWG and Microsoft Photo) as one `rdf:Description`, for the image
 * `orientation` applies to: boxes are turned onto the stored pixels, and AppliedToDimensions is
 * the stored size, so an exported upright copy (orientation 1) and a sidecar of a rotated
 * original are both read back upright (docs/xmp.md).
 */
export function regionsDescription(
  regions: readonly NamedRegion[],
  uprightSize: ImageSize,
  orientation = 1,
  /** MWG `rdf:li` items written as they are after Kindred's (regions that are not faces). */
  extraRegions = '',
): string {
  const stored = swapsSides(orientation)
    ? { width: uprightSize.height, height: uprightSize.width }
    : uprightSize;
  const boxes = regions.map((region) => ({
    name: escapeXml(region.name),
    box: uprightToStored(region.box, orientation),
  }));
  const mwg = boxes
    .map(
      ({ name, box }) => `
      <rdf:li rdf:parseType="Resource">
       <mwg-rs:Area rdf:parseType="Resource">
        <stArea:x>${num(box.x + box.width / 2)}</stArea:x>
        <stArea:y>${num(box.y + box.height / 2)}</stArea:y>
        <stArea:w>${num(box.width)}</stArea:w>
        <stArea:h>${num(box.height)}</stArea:h>
        <stArea:unit>normalized</stArea:unit>
       </mwg-rs:Area>
       <mwg-rs:Name>${name}</mwg-rs:Name>
       <mwg-rs:Type>Face</mwg-rs:Type>
      </rdf:li>`,
    )
    .join('');
  const mp = boxes
    .map(
      ({ name, box }) => `
      <rdf:li rdf:parseType="Resource">
       <MPReg:PersonDisplayName>${name}</MPReg:PersonDisplayName>
       <MPReg:Rectangle>${[box.x, box.y, box.width, box.height].map(num).join(', ')}</MPReg:Rectangle>
      </rdf:li>`,
    )
    .join('');
  return `
  <rdf:Description rdf:about=""
    xmlns:rdf="${NS.rdf}"
    xmlns:mwg-rs="${NS.mwgRs}"
    xmlns:stArea="${NS.stArea}"
    xmlns:stDim="${NS.stDim}"
    xmlns:MP="${NS.mp}"
    xmlns:MPRI="${NS.mpri}"
    xmlns:MPReg="${NS.mpreg}">
   <mwg-rs:Regions rdf:parseType="Resource">
    <mwg-rs:AppliedToDimensions rdf:parseType="Resource">
     <stDim:w>${stored.width}</stDim:w>
     <stDim:h>${stored.height}</stDim:h>
     <stDim:unit>pixel</stDim:unit>
    </mwg-rs:AppliedToDimensions>
    <mwg-rs:RegionList>
     <rdf:Bag>${mwg}${extraRegions}
     </rdf:Bag>
    </mwg-rs:RegionList>
   </mwg-rs:Regions>
   <MP:RegionInfo rdf:parseType="Resource">
    <MPRI:Regions>
     <rdf:Bag>${mp}
     </rdf:Bag>
    </MPRI:Regions>
   </MP:RegionInfo>
  </rdf:Description>`;
}

/**
 * An XMP packet with MWG regions (and the same as Microsoft Photo regions) for `regions`, boxes
 * normalized in the upright image of `size`. With the default orientation 1 it describes an
 * upright image, as `kindred export` writes them; pass the original's EXIF orientation to
 * describe a photo as stored.
 */
export function faceRegionsXmp(regions: readonly NamedRegion[], size: ImageSize, orientation = 1): string {
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Kindred">
 <rdf:RDF xmlns:rdf="${NS.rdf}">${regionsDescription(regions, size, orientation)}
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

const XMP_SIGNATURE = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const EXTENDED_XMP_SIGNATURE = Buffer.from('http://ns.adobe.com/xmp/extension/\0', 'latin1');
const EXIF_SIGNATURE = Buffer.from('Exif\0\0', 'latin1');
/** A segment's length field counts itself (2 bytes) and tops out at 65535. */
export const MAX_XMP_PACKET_BYTES = 65535 - 2 - XMP_SIGNATURE.length;

export class JpegFormatError extends Error {}

interface Segment {
  marker: number;
  /** The whole segment, marker included. */
  bytes: Buffer;
}

/** The marker segments before the scan data, and the rest of the file from the SOS marker on. */
function splitJpeg(jpeg: Buffer): { segments: Segment[]; rest: Buffer } {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) {
    throw new JpegFormatError('not a JPEG file (no start-of-image marker)');
  }
  const segments: Segment[] = [];
  let offset = 2;
  while (offset < jpeg.length) {
    if (jpeg[offset] !== 0xff) throw new JpegFormatError(`bad JPEG marker at byte ${offset}`);
    let markerAt = offset;
    while (jpeg[markerAt + 1] === 0xff) markerAt++; // fill bytes
    const marker = jpeg[markerAt + 1];
    if (marker === 0xda || marker === 0xd9) return { segments, rest: jpeg.subarray(offset) };
    if (markerAt + 4 > jpeg.length) throw new JpegFormatError('JPEG header ends inside a marker');
    const length = jpeg.readUInt16BE(markerAt + 2);
    const end = markerAt + 2 + length;
    if (length < 2 || end > jpeg.length)
      throw new JpegFormatError(`JPEG segment at byte ${offset} runs past the file`);
    segments.push({ marker, bytes: jpeg.subarray(offset, end) });
    offset = end;
  }
  throw new JpegFormatError('JPEG has no image data (no start-of-scan marker)');
}

const payloadStarts = (segment: Segment, signature: Buffer) =>
  segment.marker === 0xe1 && segment.bytes.subarray(4, 4 + signature.length).equals(signature);

/**
 * `jpeg` with `xmp` as its XMP packet: an APP1 "http://ns.adobe.com/xap/1.0/" segment placed after
 * the JFIF and EXIF segments, replacing any XMP the file had (extended XMP parts included, as they
 * belong to the replaced packet). EXIF, ICC profiles and the image data are kept byte for byte.
 * A packet too large for one segment is refused, never split or cut.
 */
export function embedXmpInJpeg(jpeg: Buffer, xmp: string): Buffer {
  const packet = Buffer.from(xmp, 'utf8');
  if (packet.length > MAX_XMP_PACKET_BYTES) {
    throw new RangeError(
      `the XMP packet is ${packet.length} bytes, more than the ${MAX_XMP_PACKET_BYTES} bytes one JPEG segment holds ` +
        '(write fewer regions, or write a sidecar instead)',
    );
  }
  const { segments, rest } = splitJpeg(jpeg);
  const kept = segments.filter(
    (segment) => !payloadStarts(segment, XMP_SIGNATURE) && !payloadStarts(segment, EXTENDED_XMP_SIGNATURE),
  );
  let insertAt = 0;
  while (
    insertAt < kept.length &&
    (kept[insertAt].marker === 0xe0 || payloadStarts(kept[insertAt], EXIF_SIGNATURE))
  ) {
    insertAt++;
  }
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(2 + XMP_SIGNATURE.length + packet.length, 2);
  const xmpSegment = Buffer.concat([header, XMP_SIGNATURE, packet]);
  return Buffer.concat([
    jpeg.subarray(0, 2),
    ...kept.slice(0, insertAt).map((segment) => segment.bytes),
    xmpSegment,
    ...kept.slice(insertAt).map((segment) => segment.bytes),
    rest,
  ]);
}
