/**
 * `npm run eval:detection`: how many of the fixtures' faces each detector setting finds, counted
 * against the manifest's face counts (recall = faces found up to the expected count / expected;
 * extra = faces found beyond the expected maximum, i.e. false faces). Prints one row per setting:
 * face-api's single pass on the float32 detector, then the pass rules with the default detectors
 * (int8 plain pass and 2× canvas, float32 frame-filling passes), then the default rule with one precision in every pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadSessions, resolveModelsDir } from '../src/main/vision/models';
import { analysePhoto, DEFAULT_PIPELINE, type PipelineOptions } from '../src/main/vision/pipeline';
import { FIXTURES, readManifest } from './eval/fixture-identities';

interface ManifestCounts {
  path: string;
  expected_face_count: number;
  expected_face_count_min?: number;
  expected_face_count_max?: number;
}

const SETTINGS: Record<string, PipelineOptions> = {
  'plain pass only (face-api)': { ...DEFAULT_PIPELINE, paddedPass: 'never', detectorPrecision: 'fp32' },
  'plain + 2× canvas always': { ...DEFAULT_PIPELINE, paddedPass: 'always' },
  '2× canvas when unsure (default)': DEFAULT_PIPELINE,
  'the default, fp32 in every pass': { ...DEFAULT_PIPELINE, detectorPrecision: 'fp32' },
  'the default, int8 in every pass': { ...DEFAULT_PIPELINE, detectorPrecision: 'int8' },
};

const SETS: Record<string, (file: string) => boolean> = {
  groups: (file) => file.startsWith('groups/'),
  'people crops': (file) => file.startsWith('people/'),
  misc: (file) => file.startsWith('misc/'),
};

async function main(): Promise<void> {
  const sessions = await loadSessions(resolveModelsDir(), ['int8', 'fp32']);
  const files = readManifest() as unknown as ManifestCounts[];
  const bytes = new Map(files.map((file) => [file.path, fs.readFileSync(path.join(FIXTURES, file.path))]));
  process.stdout.write(`Face detection on ${FIXTURES}\n`);
  for (const [setting, options] of Object.entries(SETTINGS)) {
    const parts: string[] = [];
    let ms = 0;
    for (const [set, member] of Object.entries(SETS)) {
      let expected = 0;
      let found = 0;
      let extra = 0;
      for (const file of files.filter((f) => member(f.path))) {
        const started = performance.now();
        const { faces } = await analysePhoto(bytes.get(file.path)!, sessions, options);
        ms += performance.now() - started;
        const min = file.expected_face_count_min ?? file.expected_face_count;
        const max = file.expected_face_count_max ?? file.expected_face_count;
        expected += min;
        found += Math.min(faces.length, min);
        extra += Math.max(0, faces.length - max);
      }
      parts.push(
        `${set}: recall ${expected ? (found / expected).toFixed(3) : '—'} (${found}/${expected}), ${extra} false`,
      );
    }
    process.stdout.write(
      `  ${setting.padEnd(36)} ${parts.join('; ')}; ${(ms / files.length).toFixed(0)} ms/photo\n`,
    );
  }
}

void main();
