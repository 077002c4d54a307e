/**
 * `npm run bench:stages`: what one 12-MP photo costs in each part of the pipeline, on one thread,
 * on the first photos of bench:ingest's set (made or reused in .bench/photos-12mp). It backs the
 * "why 8 photos/s is out of reach" figures of docs/benchmarks.md: the JPEG decodes at the scales
 * the pipeline uses, each detector pass alone (float32 and int8 detector), and the whole analysis
 * of a file with its previews (the default pipeline, and the same with one precision in every pass).
 *
 *   npm run bench:stages -- [--photos 20]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { analyseFile } from '../src/main/vision/analyse-file';
import { decodeJpegShrunk, decodeScaled, readPhotoHeader } from '../src/main/vision/decode';
import { buildPass, detectInPass, DETECTOR_SIZE } from '../src/main/vision/detector';
import { loadSessions, resolveModelsDir } from '../src/main/vision/models';
import { decodeForDetection, DEFAULT_PIPELINE } from '../src/main/vision/pipeline';
import { fileFacts } from '../src/main/vision/read-file';
import { ensurePhotoSet } from './make-photos';

const { values: args } = parseArgs({ options: { photos: { type: 'string', default: '20' } } });
const PHOTOS_DIR = path.resolve(__dirname, '../.bench/photos-12mp');

async function main(): Promise<void> {
  // As in a vision worker: one libvips thread, one ONNX Runtime thread.
  sharp.concurrency(1);
  const set = await ensurePhotoSet(PHOTOS_DIR, Number(args.photos));
  const files = set.files.slice(0, Number(args.photos));
  const sessions = await loadSessions(resolveModelsDir(), ['int8', 'fp32']);
  const detectors = { int8: await sessions.detector('int8'), fp32: await sessions.detector('fp32') };
  const totals = new Map<string, number>();
  const time = async <T>(stage: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    totals.set(stage, (totals.get(stage) ?? 0) + performance.now() - started);
    return result;
  };
  const previews = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-stages-'));
  try {
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      const header = await readPhotoHeader(bytes);
      const fittedScale = DETECTOR_SIZE / Math.max(header.width, header.height);
      const fitted = await time('decode fitted to 512 (straight to the detector image)', () =>
        decodeScaled(bytes, header, fittedScale),
      );
      const onDisk = { path: file, ...fileFacts(fs.statSync(file)) };
      await time('decodeForDetection: the working decode and the 512 image from it (the pipeline)', () =>
        decodeForDetection(bytes, header, onDisk),
      );
      await time('decodeForDetection without the file (bytes decoded in full, then resized)', () =>
        decodeForDetection(bytes, header),
      );
      // Through the file: asked for an exact 1/8 resize, sharp would decode at 1/4 (decode.ts).
      for (const shrink of [8, 2] as const) {
        await time(`decode at 1/${shrink} (libjpeg DCT scaling only, from the file)`, () =>
          decodeJpegShrunk(onDisk, header, shrink),
        );
      }
      await time('decode at full size', () => decodeScaled(bytes, header, 1));
      for (const precision of ['fp32', 'int8'] as const) {
        for (const factor of [1, 2]) {
          const pass = buildPass(fitted, fittedScale, factor);
          await time(`SSD pass ${factor === 1 ? 'plain' : 'on the 2x canvas'}, ${precision}`, () =>
            detectInPass(detectors[precision], pass, header.width, header.height, 0.3),
          );
        }
      }
      const pipelines = {
        'analyseFile: the whole default pipeline (int8 first passes, fp32 frame-filling passes), with previews':
          DEFAULT_PIPELINE,
        'analyseFile: the same, fp32 in every pass, with previews': {
          ...DEFAULT_PIPELINE,
          detectorPrecision: 'fp32',
        },
        'analyseFile: the same, int8 in every pass, with previews': {
          ...DEFAULT_PIPELINE,
          detectorPrecision: 'int8',
        },
      } as const;
      for (const [index, [stage, options]] of Object.entries(pipelines).entries()) {
        // A cache of its own for each pipeline: a preview already in the cache is not made again,
        // and the pipelines after the first would skip that work.
        const previewsDir = path.join(previews, String(index));
        await time(stage, () => analyseFile({ path: file, options, previewsDir }, sessions));
      }
    }
  } finally {
    fs.rmSync(previews, { recursive: true, force: true });
  }
  console.log(`ms per photo, one thread, ${files.length} photos of ${PHOTOS_DIR}:`);
  for (const [stage, ms] of totals) console.log(`  ${(ms / files.length).toFixed(1).padStart(7)}  ${stage}`);
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
