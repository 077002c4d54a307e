import type { Box } from '../../common/api';
import { embedXmpInJpeg, faceRegionsXmp } from '../interchange/xmp-write';

/** A face as drawn on an exported copy. */
export interface DrawnFace {
  /** In the copy's upright frame, as fractions of its width and height (0–1). */
  box: Box;
  /** The name drawn, or null for a face labelled "?". */
  name: string | null;
}

export interface FinishOptions {
  /** Embed the named faces as MWG and Microsoft Photo face regions (XMP) for other photo tools. */
  xmp?: boolean;
  /** The copy's size in pixels (the regions' AppliedToDimensions). */
  width: number;
  height: number;
}

/**
 * The one place where the final bytes of every exported copy (kindred export, kindred identify,
 * the app's Export dialog) are made from the encoded JPEG and the faces drawn on it, so metadata
 * that describes the faces is the same whichever door the copy came through. The copy is upright
 * (Orientation 1), so its regions are written for the upright frame.
 */
export async function finishCopy(
  jpeg: Buffer,
  faces: readonly DrawnFace[],
  options: FinishOptions,
): Promise<Buffer> {
  if (!options.xmp) return jpeg;
  const named = faces.flatMap((face) => (face.name === null ? [] : [{ name: face.name, box: face.box }]));
  if (named.length === 0) return jpeg;
  return embedXmpInJpeg(jpeg, faceRegionsXmp(named, { width: options.width, height: options.height }));
}
