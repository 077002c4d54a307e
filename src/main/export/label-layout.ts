/** A rectangle in pixels of the image being drawn on. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One label to place: the face box it names and the label's own size. */
export interface LabelRequest {
  box: Rect;
  width: number;
  height: number;
}

/** How far a label may be pushed from where it wants to be, in label heights (and half widths). */
const MAX_VERTICAL_STEPS = 40;
const MAX_HORIZONTAL_STEPS = 4;

/**
 * Where each face's label goes: above its box, else below it, else inside its top edge; always
 * inside the frame; never over another label. When all three spots are taken (faces close
 * together), the label is nudged step by step to the nearest free spot, preferring spots that
 * also leave other faces uncovered. Only when the frame is full does a label overlap another.
 * Labels are placed top to bottom, so the upper of two close faces keeps its spot above.
 * Pure: no drawing, so it can be tested on any arrangement.
 */
export function placeLabels(
  frame: { width: number; height: number },
  requests: readonly LabelRequest[],
  gap = 0,
): Rect[] {
  const order = requests
    .map((_, index) => index)
    .sort((a, b) => {
      const ra = requests[a].box;
      const rb = requests[b].box;
      return ra.y - rb.y || ra.x - rb.x || a - b;
    });
  const placed: Rect[] = [];
  const result: Rect[] = new Array(requests.length);
  for (const index of order) {
    const request = requests[index];
    const others = requests.filter((_, other) => other !== index).map((other) => other.box);
    const rect = bestSpot(frame, request, gap, placed, others);
    placed.push(rect);
    result[index] = rect;
  }
  return result;
}

function bestSpot(
  frame: { width: number; height: number },
  { box, width, height }: LabelRequest,
  gap: number,
  placed: readonly Rect[],
  otherFaces: readonly Rect[],
): Rect {
  const bases = [
    { x: box.x, y: box.y - height - gap },
    { x: box.x, y: box.y + box.height + gap },
    { x: box.x + gap, y: box.y + gap },
  ];
  let freeOfLabels: Rect | undefined;
  let leastOverlap: { rect: Rect; area: number } | undefined;
  for (const offset of OFFSETS) {
    for (const base of bases) {
      const rect = clampInto(frame, {
        x: base.x + offset.dx * (width / 2),
        y: base.y + offset.dy * height,
        width,
        height,
      });
      const overlap = placed.reduce((sum, other) => sum + overlapArea(rect, other), 0);
      if (overlap === 0) {
        if (!otherFaces.some((face) => overlapArea(rect, face) > 0)) return rect;
        freeOfLabels ??= rect;
      } else if (!leastOverlap || overlap < leastOverlap.area) {
        leastOverlap = { rect, area: overlap };
      }
    }
    // A spot free of labels near the preferred one beats a perfect one far away.
    if (freeOfLabels && Math.abs(offset.dy) + Math.abs(offset.dx) >= 2) return freeOfLabels;
  }
  return freeOfLabels ?? leastOverlap!.rect;
}

/** Nudges in (half label widths, label heights), nearest first. */
const OFFSETS: { dx: number; dy: number }[] = (() => {
  const offsets: { dx: number; dy: number }[] = [];
  for (let dy = -MAX_VERTICAL_STEPS; dy <= MAX_VERTICAL_STEPS; dy++) {
    for (let dx = -MAX_HORIZONTAL_STEPS; dx <= MAX_HORIZONTAL_STEPS; dx++) offsets.push({ dx, dy });
  }
  return offsets.sort(
    (a, b) =>
      Math.abs(a.dx) + Math.abs(a.dy) - (Math.abs(b.dx) + Math.abs(b.dy)) || Math.abs(a.dy) - Math.abs(b.dy),
  );
})();

/** The rectangle moved (not shrunk) so that it lies inside the frame; pinned to the left/top when larger. */
export function clampInto(frame: { width: number; height: number }, rect: Rect): Rect {
  return {
    ...rect,
    x: Math.max(0, Math.min(rect.x, frame.width - rect.width)),
    y: Math.max(0, Math.min(rect.y, frame.height - rect.height)),
  };
}

export function overlapArea(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}
