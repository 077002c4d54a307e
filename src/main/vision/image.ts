/** An 8-bit RGB image, rows top to bottom, 3 bytes a pixel. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
  /**
   * Set when the image is only a part of a larger one (a region of the photo decoded for the faces
   * in it): where its top-left pixel sits in the whole image. Warps take their source positions in
   * the whole image's coordinates and read black outside the part.
   */
  originX?: number;
  originY?: number;
}

/** A 2-D affine map from output pixel (u, v) to source pixel: x = a*u + b*v + tx, y = c*u + d*v + ty. */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

/** A rectangle of source positions, bounds included; a warp reads black outside it. */
export interface SourceWindow {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** No window: the whole plane (the image's own edges still bound what is read). */
const EVERYWHERE: SourceWindow = { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity };

/**
 * Renders `size`×`size` output pixels through `map` into NHWC float RGB (0..255).
 * When one output pixel covers several source pixels, it averages a k×k grid of samples so
 * that a large face shrunk to a small net input does not alias (dlib shrinks through an image
 * pyramid for the same reason). Each sample is bilinear, pixel centres at integer coordinates;
 * outside the image, and outside `window` when given, it reads black, which is what the nets saw
 * as padding. The sampling is written out in the loop (no call, no mask closure per sample): it
 * runs ~100,000 times a face, and those calls were about half of its time.
 */
export function warpToTensor(
  image: RgbImage,
  map: Affine,
  outWidth: number,
  outHeight: number,
  out: Float32Array,
  outOffset: number,
  window: SourceWindow = EVERYWHERE,
): void {
  const { data, width, height } = image;
  const originX = image.originX ?? 0;
  const originY = image.originY ?? 0;
  const scale = Math.max(Math.hypot(map.a, map.c), Math.hypot(map.b, map.d));
  const k = Math.min(8, Math.max(1, Math.ceil(scale - 1e-6)));
  if (map.b === 0 && map.c === 0) {
    warpAxisAligned(image, map, k, outWidth, outHeight, out, outOffset, window);
    return;
  }
  const inv = 1 / (k * k);
  const rowStride = width * 3;
  const { left, top, right, bottom } = window;
  for (let v = 0; v < outHeight; v++) {
    for (let u = 0; u < outWidth; u++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < k; sy++) {
        const vv = v + (sy + 0.5) / k - 0.5;
        for (let sx = 0; sx < k; sx++) {
          const uu = u + (sx + 0.5) / k - 0.5;
          const x = map.a * uu + map.b * vv + map.tx;
          const y = map.c * uu + map.d * vv + map.ty;
          if (x < left || x > right || y < top || y > bottom) continue;
          const x0 = Math.floor(x - originX);
          const y0 = Math.floor(y - originY);
          const fx = x - originX - x0;
          const fy = y - originY - y0;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height) {
            // All four neighbours inside the image (nearly every sample): no per-neighbour tests.
            // Same products, added in the same order as below, so the same sums to the bit.
            const i = (y0 * width + x0) * 3;
            const j = i + rowStride;
            const w00 = (1 - fy) * (1 - fx);
            const w01 = (1 - fy) * fx;
            const w10 = fy * (1 - fx);
            const w11 = fy * fx;
            r += w00 * data[i];
            g += w00 * data[i + 1];
            b += w00 * data[i + 2];
            r += w01 * data[i + 3];
            g += w01 * data[i + 4];
            b += w01 * data[i + 5];
            r += w10 * data[j];
            g += w10 * data[j + 1];
            b += w10 * data[j + 2];
            r += w11 * data[j + 3];
            g += w11 * data[j + 4];
            b += w11 * data[j + 5];
            continue;
          }
          // The four neighbours, each weighted, skipping those outside the image (black).
          for (let dy = 0; dy < 2; dy++) {
            const yy = y0 + dy;
            if (yy < 0 || yy >= height) continue;
            const wy = dy === 0 ? 1 - fy : fy;
            if (wy === 0) continue;
            for (let dx = 0; dx < 2; dx++) {
              const xx = x0 + dx;
              if (xx < 0 || xx >= width) continue;
              const w = wy * (dx === 0 ? 1 - fx : fx);
              if (w === 0) continue;
              const i = (yy * width + xx) * 3;
              r += w * data[i];
              g += w * data[i + 1];
              b += w * data[i + 2];
            }
          }
        }
      }
      const o = outOffset + (v * outWidth + u) * 3;
      out[o] = r * inv;
      out[o + 1] = g * inv;
      out[o + 2] = b * inv;
    }
  }
}

/**
 * The source pixels one output row or column reads along one axis, with their weights: for each
 * output index, up to 2k (pixel, weight) pairs, the k samples' two bilinear neighbours, with the
 * samples outside the window and the neighbours outside the image left out (black).
 */
interface AxisTaps {
  pixel: Int32Array;
  weight: Float64Array;
  count: Int32Array;
  stride: number;
}

function axisTaps(
  outLength: number,
  step: number,
  offset: number,
  k: number,
  low: number,
  high: number,
  origin: number,
  size: number,
): AxisTaps {
  const stride = 2 * k;
  const pixel = new Int32Array(outLength * stride);
  const weight = new Float64Array(outLength * stride);
  const count = new Int32Array(outLength);
  for (let o = 0; o < outLength; o++) {
    let n = 0;
    const base = o * stride;
    for (let sample = 0; sample < k; sample++) {
      const position = step * (o + (sample + 0.5) / k - 0.5) + offset;
      if (position < low || position > high) continue;
      const first = Math.floor(position - origin);
      const fraction = position - origin - first;
      for (let neighbour = 0; neighbour < 2; neighbour++) {
        const at = first + neighbour;
        const w = neighbour === 0 ? 1 - fraction : fraction;
        if (at < 0 || at >= size || w === 0) continue;
        // Consecutive samples share pixels: one tap each, weights added.
        let existing = -1;
        for (let t = 0; t < n; t++) if (pixel[base + t] === at) existing = t;
        if (existing >= 0) weight[base + existing] += w;
        else {
          pixel[base + n] = at;
          weight[base + n] = w;
          n++;
        }
      }
    }
    count[o] = n;
  }
  return { pixel, weight, count, stride };
}

/**
 * warpToTensor for a map without rotation or shear (the landmark net's box squares, the detector's
 * canvases): the same k×k bilinear samples, but a bilinear sample's weight is a column weight times
 * a row weight, so the sum over the samples is taken along the rows first, for each source row once,
 * then along the columns. The same values as sampling point by point, but for the order of the
 * additions; far fewer operations when k > 1.
 */
function warpAxisAligned(
  image: RgbImage,
  map: Affine,
  k: number,
  outWidth: number,
  outHeight: number,
  out: Float32Array,
  outOffset: number,
  window: SourceWindow,
): void {
  const { data, width, height } = image;
  const columns = axisTaps(outWidth, map.a, map.tx, k, window.left, window.right, image.originX ?? 0, width);
  const rows = axisTaps(outHeight, map.d, map.ty, k, window.top, window.bottom, image.originY ?? 0, height);
  // The source rows any output row reads, each filtered along its columns once.
  let firstRow = height;
  let lastRow = -1;
  for (let v = 0; v < outHeight; v++) {
    for (let t = 0; t < rows.count[v]; t++) {
      firstRow = Math.min(firstRow, rows.pixel[v * rows.stride + t]);
      lastRow = Math.max(lastRow, rows.pixel[v * rows.stride + t]);
    }
  }
  const inv = 1 / (k * k);
  const rowLength = outWidth * 3;
  const filtered = new Float64Array(Math.max(0, lastRow - firstRow + 1) * rowLength);
  for (let row = firstRow; row <= lastRow; row++) {
    const source = row * width * 3;
    const target = (row - firstRow) * rowLength;
    for (let u = 0; u < outWidth; u++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const base = u * columns.stride;
      for (let t = 0; t < columns.count[u]; t++) {
        const w = columns.weight[base + t];
        const i = source + columns.pixel[base + t] * 3;
        r += w * data[i];
        g += w * data[i + 1];
        b += w * data[i + 2];
      }
      filtered[target + u * 3] = r;
      filtered[target + u * 3 + 1] = g;
      filtered[target + u * 3 + 2] = b;
    }
  }
  for (let v = 0; v < outHeight; v++) {
    const o = outOffset + v * rowLength;
    const base = v * rows.stride;
    for (let x = 0; x < rowLength; x++) {
      let sum = 0;
      for (let t = 0; t < rows.count[v]; t++)
        sum += rows.weight[base + t] * filtered[(rows.pixel[base + t] - firstRow) * rowLength + x];
      out[o + x] = sum * inv;
    }
  }
}

/** Where a box's square sits in an image: its corner and its side, in image pixels. */
export interface BoxSquare {
  side: number;
  originX: number;
  originY: number;
}

/**
 * A face box as face-api feeds it to its nets: centred in a black square as wide as its longer
 * side, scaled to `size`×`size`, everything outside the box black. `box` is in photo pixels and
 * `image` is the photo at `imageScale`. Returns where the square sits in `image`.
 */
export function boxInSquare(
  image: RgbImage,
  imageScale: number,
  box: { x: number; y: number; width: number; height: number },
  size: number,
  out: Float32Array,
  outOffset: number,
): BoxSquare {
  const side = Math.max(box.width, box.height) * imageScale;
  const originX = (box.x + box.width / 2) * imageScale - side / 2;
  const originY = (box.y + box.height / 2) * imageScale - side / 2;
  const step = side / size;
  warpToTensor(
    image,
    { a: step, b: 0, c: 0, d: step, tx: originX + step / 2 - 0.5, ty: originY + step / 2 - 0.5 },
    size,
    size,
    out,
    outOffset,
    {
      left: box.x * imageScale - 0.5,
      top: box.y * imageScale - 0.5,
      right: (box.x + box.width) * imageScale - 0.5,
      bottom: (box.y + box.height) * imageScale - 0.5,
    },
  );
  return { side, originX, originY };
}

/** Halves an image by averaging 2×2 blocks (exact, and far cheaper than another decode). */
export function halve(image: RgbImage): RgbImage {
  const width = Math.max(1, Math.floor(image.width / 2));
  const height = Math.max(1, Math.floor(image.height / 2));
  const data = new Uint8Array(width * height * 3);
  const src = image.data;
  const sw = image.width;
  for (let y = 0; y < height; y++) {
    const r0 = Math.min(2 * y, image.height - 1) * sw;
    const r1 = Math.min(2 * y + 1, image.height - 1) * sw;
    for (let x = 0; x < width; x++) {
      const c0 = Math.min(2 * x, sw - 1);
      const c1 = Math.min(2 * x + 1, sw - 1);
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        data[o + c] =
          (src[(r0 + c0) * 3 + c] +
            src[(r0 + c1) * 3 + c] +
            src[(r1 + c0) * 3 + c] +
            src[(r1 + c1) * 3 + c] +
            2) >>
          2;
      }
    }
  }
  return { data, width, height };
}

/** Copies an image into a zero (black) square canvas at (dx, dy), as NHWC floats 0..255. */
export function placeOnCanvas(
  image: RgbImage,
  canvasSize: number,
  dx: number,
  dy: number,
  out: Float32Array,
): void {
  out.fill(0);
  for (let y = 0; y < image.height; y++) {
    const cy = y + dy;
    if (cy < 0 || cy >= canvasSize) continue;
    for (let x = 0; x < image.width; x++) {
      const cx = x + dx;
      if (cx < 0 || cx >= canvasSize) continue;
      const s = (y * image.width + x) * 3;
      const o = (cy * canvasSize + cx) * 3;
      out[o] = image.data[s];
      out[o + 1] = image.data[s + 1];
      out[o + 2] = image.data[s + 2];
    }
  }
}
