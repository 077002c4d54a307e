/**
 * `npm run eval:people`: how well Kindred groups and verifies faces, on the shared fixtures.
 * Scans people/ (8 people × 5 crops) and groups/ (5 photos of the same people) into a fresh
 * library, then prints pairwise precision and recall of the automatic people against the
 * manifest's identities, and verification accuracy over all pairs of the 40 crops.
 *
 *   npm run eval:people -- [--detector default|fp32|int8]   (default: the default pipeline, int8 first passes and fp32 frame-filling passes)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveLibrary } from '../src/main/library-paths';
import { openLibrary } from '../src/main/open-library';
import { VERIFY_THRESHOLD } from '../src/main/people/thresholds';
import { euclideanDistance } from '../src/main/vision/embedder';
import { DEFAULT_PIPELINE, type PipelineOptions } from '../src/main/vision/pipeline';
import { FIXTURES, identify, readManifest } from './eval/fixture-identities';

interface Labeled {
  identity: string;
  personId: number | null;
  embedding: number[];
  crop: boolean;
}

function pairwise(faces: readonly Labeled[]) {
  let truePositive = 0;
  let falsePositive = 0;
  let falseNegative = 0;
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      const same = faces[i].identity === faces[j].identity;
      const grouped = faces[i].personId !== null && faces[i].personId === faces[j].personId;
      if (same && grouped) truePositive++;
      else if (grouped) falsePositive++;
      else if (same) falseNegative++;
    }
  }
  return {
    precision: truePositive + falsePositive === 0 ? 1 : truePositive / (truePositive + falsePositive),
    recall: truePositive + falseNegative === 0 ? 1 : truePositive / (truePositive + falseNegative),
    pairs: truePositive + falsePositive + falseNegative,
  };
}

function verification(crops: readonly Labeled[]) {
  let correct = 0;
  let total = 0;
  for (let i = 0; i < crops.length; i++) {
    for (let j = i + 1; j < crops.length; j++) {
      const same = crops[i].identity === crops[j].identity;
      const predicted = euclideanDistance(crops[i].embedding, crops[j].embedding) < VERIFY_THRESHOLD;
      if (same === predicted) correct++;
      total++;
    }
  }
  return { accuracy: correct / total, pairs: total };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { detector: { type: 'string', default: 'default' } } });
  const { detector } = values;
  if (detector !== 'int8' && detector !== 'fp32' && detector !== 'default')
    throw new Error('--detector is default (int8 first passes, fp32 frame-filling passes), int8 or fp32');
  const pipeline: PipelineOptions =
    detector === 'default' ? DEFAULT_PIPELINE : { ...DEFAULT_PIPELINE, detectorPrecision: detector };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-eval-'));
  const library = openLibrary(resolveLibrary(dir));
  try {
    const started = performance.now();
    const scan = await library.scan([path.join(FIXTURES, 'people'), path.join(FIXTURES, 'groups')], {
      pipeline,
    });
    const faces = await library.listFaces({ withEmbeddings: true });
    const labeled: Labeled[] = [];
    let unlabeledGroups = 0;
    for (const file of readManifest().filter((f) => /^(people|groups)\//.test(f.path))) {
      const inPhoto = faces.filter((face) => face.photo === path.join(FIXTURES, file.path));
      const names = identify(file, inPhoto);
      if (file.identities && names.size === 0) unlabeledGroups++;
      for (const face of inPhoto) {
        const identity = names.get(face.id);
        if (identity) {
          labeled.push({
            identity,
            personId: face.personId,
            embedding: face.embedding!,
            crop: !file.identities,
          });
        }
      }
    }
    const all = pairwise(labeled);
    const crops = labeled.filter((face) => face.crop);
    const verify = verification(crops);
    const people = library.people.list(true);
    const rows = [
      ['photos', `${scan.indexed} indexed, ${scan.failed} failed, ${scan.facesFound} faces`],
      [
        'labeled faces',
        `${labeled.length} (${crops.length} crops, ${labeled.length - crops.length} in groups)`,
      ],
      ['people found', `${people.length} (${scan.grouping.suggestions} suggestions)`],
      ['unassigned labeled faces', String(labeled.filter((face) => face.personId === null).length)],
      ['pairwise precision', `${all.precision.toFixed(4)}  (target ≥ 0.98)`],
      ['pairwise recall', `${all.recall.toFixed(4)}  (target ≥ 0.90)`],
      [
        'crops only: precision / recall',
        `${pairwise(crops).precision.toFixed(4)} / ${pairwise(crops).recall.toFixed(4)}`,
      ],
      [
        `verification at ${VERIFY_THRESHOLD}`,
        `${verify.accuracy.toFixed(4)} over ${verify.pairs} pairs of the 40 crops  (target ≥ 0.97)`,
      ],
      ['wall time', `${((performance.now() - started) / 1000).toFixed(1)} s`],
    ];
    if (unlabeledGroups > 0)
      rows.push(['group photos left unlabeled (face count ≠ manifest)', String(unlabeledGroups)]);
    const width = Math.max(...rows.map(([label]) => label.length));
    process.stdout.write(`Kindred people evaluation (${FIXTURES})\n`);
    for (const [label, value] of rows) process.stdout.write(`  ${label.padEnd(width)}  ${value}\n`);
    const met = all.precision >= 0.98 && all.recall >= 0.9 && verify.accuracy >= 0.97;
    process.stdout.write(met ? 'All targets met.\n' : 'Some targets NOT met.\n');
  } finally {
    library.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
