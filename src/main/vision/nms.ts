export interface ScoredBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

/** A box's position and size; a ScoredBox, a stored face box and a decisions file's box are all one. */
export interface PlainBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function intersectionOverUnion(a: PlainBox, b: PlainBox): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const intersection = ix * iy;
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}

/**
 * Greedy non-maximum suppression: best score first, dropping any box that overlaps an already
 * kept one by more than `iouThreshold`, or lies mostly inside one (a face detected again as
 * a piece of itself at another scale).
 */
export function nonMaxSuppression<T extends ScoredBox>(
  boxes: readonly T[],
  iouThreshold: number,
  maxBoxes = 200,
): T[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const box of sorted) {
    if (kept.length >= maxBoxes) break;
    if (
      kept.every(
        (other) => intersectionOverUnion(box, other) <= iouThreshold && containedShare(box, other) < 0.8,
      )
    ) {
      kept.push(box);
    }
  }
  return kept;
}

/** The share of the smaller box's area covered by the larger one. */
function containedShare(a: ScoredBox, b: ScoredBox): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const smaller = Math.min(a.width * a.height, b.width * b.height);
  return smaller > 0 ? (ix * iy) / smaller : 0;
}
