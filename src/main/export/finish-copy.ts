import type { Box } from '../../common/api';

/** A face as drawn on an exported copy. */
export interface DrawnFace {
  /** In the copy's upright frame, as fractions of its width and height (0–1). */
  box: Box;
  /** The name drawn, or null for a face labelled "?". */
  name: string | null;
}

/**
 * The one place where the final bytes of every exported copy (kindred export, kindred identify,
 * the app's Export dialog) are made from the encoded JPEG and the faces drawn on it. Metadata
 * that describes the faces (XMP face regions) belongs here, so that every copy gets it.
 */
export async function finishCopy(jpeg: Buffer, faces: readonly DrawnFace[]): Promise<Buffer> {
  void faces;
  return jpeg;
}
