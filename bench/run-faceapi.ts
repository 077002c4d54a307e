/**
 * The baseline: the original pipeline, face-api on tfjs with the WASM backend, over the same
 * JPEGs: sharp decodes each file to full-size RGB (face-api crops landmarks and chips from the
 * image it is given, so it needs every pixel), then detectAllFaces().withFaceLandmarks()
 * .withFaceDescriptors() with face-api's default SSD options (minConfidence 0.5, one pass).
 *
 * tfjs-wasm runs single-threaded in Node, so one process uses one core; the parent runs two of
 * these side by side, each on half the files, for the 2-core baseline.
 */
import sharp from 'sharp';
import { rgbImageOf } from '../src/main/vision/decode';
import { loadReference, type RgbImage } from '../test/models/reference';
import { epochMs, startClocks, type RunResult } from './run-result';

async function decodeRgb(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file)
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return rgbImageOf(data, info);
}

export async function runFaceApi(files: readonly string[]): Promise<Omit<RunResult, 'peakRssBytes'>> {
  // One core per process, as each Kindred worker has: libvips' own threads would make the
  // one-process figure lean on the second core and make the two-process pair contend.
  sharp.concurrency(1);
  const clocks = startClocks();
  const reference = await loadReference();
  const loadMs = epochMs() - clocks.startedAt;

  const stageMs = { decode: 0, detectAll: 0 };
  let faces = 0;
  for (const file of files) {
    let lap = performance.now();
    const image = await decodeRgb(file);
    stageMs.decode += performance.now() - lap;
    lap = performance.now();
    faces += (await reference.detectAll(image)).length;
    stageMs.detectAll += performance.now() - lap;
  }
  return {
    run: 'faceapi',
    photos: files.length,
    failed: 0,
    faces,
    ...clocks.stop(),
    stageMs,
    workers: 1,
    loadMs,
  };
}
