/**
 * Starts image loads a few per frame instead of all at once. When the timeline's band moves, or a
 * page of photos lands, dozens of thumbnails would otherwise be requested in one frame, and their
 * responses, decodes and rasterization land together a few frames later: on a 2-core machine that
 * burst is what delayed the rare scroll frames over 50 ms (docs/ui-bench.md). Spread over frames,
 * a screen of ~65 thumbnails still starts within ~11 frames, and cells that scroll away before
 * their turn never load at all.
 */
const STARTS_PER_FRAME = 6;

/** Loads waiting for their frame, in the order their images were created (top to bottom). */
const waiting = new Set<() => void>();
let pumping = false;

function pump(): void {
  let started = 0;
  for (const start of waiting) {
    if (started === STARTS_PER_FRAME) break;
    waiting.delete(start);
    start();
    started += 1;
  }
  pumping = waiting.size > 0;
  if (pumping) requestAnimationFrame(pump);
}

/**
 * A Svelte action: `<img use:gradualSrc={url} />` sets `src` when the image's turn comes. A new
 * url for an image that has already started loads at once (the image is on screen already).
 */
export function gradualSrc(image: HTMLImageElement, url: string) {
  let wanted = url;
  const start = () => {
    image.src = wanted;
  };
  waiting.add(start);
  if (!pumping) {
    pumping = true;
    requestAnimationFrame(pump);
  }
  return {
    update(next: string) {
      wanted = next;
      if (!waiting.has(start)) image.src = next;
    },
    destroy() {
      waiting.delete(start);
    },
  };
}
