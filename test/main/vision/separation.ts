/**
 * The measurement behind alignment.test.ts and alignment-rotated.test.ts: the fixture people
 * (the 40 crops of people/ plus the labeled faces of groups/) analysed with dlib's face-chip
 * alignment and with face-api's box crop, and how well each separates same-person pairs from
 * different-person pairs.
 *
 * Both recipes run through analysePhoto with the same detector settings (paddedPass on, since
 * without it the tight people/ crops are not found at all), so they see the very same faces;
 * only the recognition input differs:
 * - 'dlib': landmarks → similarity transform to dlib's template, descriptor averaged with the
 *   mirror image's (DEFAULT_PIPELINE);
 * - 'box': face-api's recipe, the detection box unrotated, no mirror averaging.
 *
 * Separation is judged with numbers that do not depend on the distance scale (the two recipes
 * put distances on different scales): the AUC (the chance that a random different-person pair is
 * farther apart than a random same-person pair), the balanced accuracy at the best single
 * threshold, and d′ (the gap between mean different- and same-person distance, in pooled
 * standard deviations). Accuracy at dlib's fixed 0.6 and the raw margin are reported too.
 */
import sharp from 'sharp';
import { expect } from 'vitest';
import { euclideanDistance } from '../../../src/main/vision/embedder';
import type { Sessions } from '../../../src/main/vision/models';
import {
  analysePhoto,
  DEFAULT_PIPELINE,
  type AnalysedFace,
  type PipelineOptions,
} from '../../../src/main/vision/pipeline';
import { readManifest, type ManifestFile } from '../../support/fixtures';
import { centreX, centreY, leftToRight, readFixture } from './helpers';

export const DLIB: PipelineOptions = DEFAULT_PIPELINE;
export const BOX: PipelineOptions = { ...DEFAULT_PIPELINE, alignment: 'box', mirror: false };
export const ROTATION_DEGREES = 15;

export interface Labeled {
  identity: string;
  source: string;
  face: AnalysedFace;
}

const manifest = readManifest();
export const crops = manifest.filter((file) => file.path.startsWith('people/'));
export const groups = manifest.filter((file) => file.path.startsWith('groups/'));

/**
 * Names the detected faces of a group photo. The manifest lists people left to right, with two
 * layouts that need care:
 * - bbt2: a partly hidden, unlabeled man at the left edge: when he is found, he is the leftmost
 *   face and is skipped;
 * - bbt4: two rows, "back row: amy, raj, bernadette; front row: leonard, penny, sheldon": the
 *   three highest faces are the back row, each row is then read left to right.
 * Names are only given when the face count is the one expected, so a missed face can never
 * shift a name onto the wrong person.
 */
export function labelGroup(file: ManifestFile, faces: readonly AnalysedFace[]): Labeled[] {
  const identities = file.identities ?? [];
  const unlabeled = (file as ManifestFile & { unlabeled_faces?: number }).unlabeled_faces ?? 0;
  let ordered: AnalysedFace[];
  if (file.path === 'groups/bbt4.jpg') {
    expect(faces).toHaveLength(6);
    const byHeight = [...faces].sort((a, b) => centreY(a.box) - centreY(b.box));
    ordered = [...leftToRight(byHeight.slice(0, 3)), ...leftToRight(byHeight.slice(3))];
  } else if (faces.length === identities.length + unlabeled) {
    ordered = leftToRight(faces).slice(unlabeled);
  } else {
    expect(faces).toHaveLength(identities.length);
    ordered = leftToRight(faces);
  }
  return ordered.map((face, i) => ({ identity: identities[i], source: file.path, face }));
}

/** The photo turned 15° clockwise about its centre on a black canvas large enough to hold it. */
async function rotated(file: Buffer): Promise<{ bytes: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file)
    .rotate(ROTATION_DEGREES, { background: { r: 0, g: 0, b: 0 } })
    .png({ compressionLevel: 1 })
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height };
}

/** Where a point of the upright photo lands in the rotated one (same rotation as sharp's, y down). */
function rotatePoint(
  x: number,
  y: number,
  from: { width: number; height: number },
  to: { width: number; height: number },
): { x: number; y: number } {
  const angle = (ROTATION_DEGREES * Math.PI) / 180;
  const dx = x - from.width / 2;
  const dy = y - from.height / 2;
  return {
    x: to.width / 2 + dx * Math.cos(angle) - dy * Math.sin(angle),
    y: to.height / 2 + dx * Math.sin(angle) + dy * Math.cos(angle),
  };
}

/**
 * Names the faces found in a rotated group photo after the upright ones: a face takes the name of
 * the upright face whose rotated centre is nearest, when that is within half the face's width.
 * Faces the detector misses on the rotated photo simply drop out (for both recipes alike).
 */
function labelRotated(
  upright: readonly Labeled[],
  faces: readonly AnalysedFace[],
  from: { width: number; height: number },
  to: { width: number; height: number },
): Labeled[] {
  const targets = upright.map((labeled) => ({
    labeled,
    at: rotatePoint(centreX(labeled.face.box), centreY(labeled.face.box), from, to),
  }));
  const used = new Set<Labeled>();
  const result: Labeled[] = [];
  for (const face of faces) {
    let best: (typeof targets)[number] | undefined;
    let bestDistance = Infinity;
    for (const target of targets) {
      const distance = Math.hypot(target.at.x - centreX(face.box), target.at.y - centreY(face.box));
      if (distance < bestDistance) [best, bestDistance] = [target, distance];
    }
    if (best && !used.has(best.labeled) && bestDistance < best.labeled.face.box.width / 2) {
      used.add(best.labeled);
      result.push({ identity: best.labeled.identity, source: best.labeled.source, face });
    }
  }
  return result;
}

/** The one face of a people/ crop: the most confident, if the detector saw any. */
function cropFace(file: ManifestFile, faces: readonly AnalysedFace[]): Labeled[] {
  const best = [...faces].sort((a, b) => b.score - a.score)[0];
  return best ? [{ identity: file.identity ?? '', source: file.path, face: best }] : [];
}

export interface Separation {
  faces: number;
  samePairs: number;
  differentPairs: number;
  meanSame: number;
  meanDifferent: number;
  dPrime: number;
  auc: number;
  bestBalancedAccuracy: number;
  bestThreshold: number;
  /** Plain accuracy over all pairs at dlib's same-person threshold. */
  accuracyAt06: number;
  /** Share of same-person pairs under 0.6 and of different-person pairs at 0.6 or more. */
  sameUnder06: number;
  differentOver06: number;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function variance(values: readonly number[]): number {
  const m = mean(values);
  return mean(values.map((value) => (value - m) ** 2));
}

export function separation(faces: readonly Labeled[]): Separation {
  const same: number[] = [];
  const different: number[] = [];
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      const distance = euclideanDistance(faces[i].face.embedding, faces[j].face.embedding);
      (faces[i].identity === faces[j].identity ? same : different).push(distance);
    }
  }
  // AUC by counting, ties as half (a few thousand pairs: the quadratic count is instant).
  let wins = 0;
  for (const s of same) for (const d of different) wins += d > s ? 1 : d === s ? 0.5 : 0;
  // Best single threshold: "same" when distance ≤ t; try every observed distance.
  let bestBalancedAccuracy = 0;
  let bestThreshold = 0;
  for (const t of [...same, ...different]) {
    const balanced =
      (same.filter((s) => s <= t).length / same.length +
        different.filter((d) => d > t).length / different.length) /
      2;
    if (balanced > bestBalancedAccuracy) [bestBalancedAccuracy, bestThreshold] = [balanced, t];
  }
  const sameUnder = same.filter((s) => s < 0.6).length;
  const differentOver = different.filter((d) => d >= 0.6).length;
  return {
    faces: faces.length,
    samePairs: same.length,
    differentPairs: different.length,
    meanSame: mean(same),
    meanDifferent: mean(different),
    dPrime: (mean(different) - mean(same)) / Math.sqrt((variance(same) + variance(different)) / 2),
    auc: wins / (same.length * different.length),
    bestBalancedAccuracy,
    bestThreshold,
    accuracyAt06: (sameUnder + differentOver) / (same.length + different.length),
    sameUnder06: sameUnder / same.length,
    differentOver06: differentOver / different.length,
  };
}

export function report(label: string, result: Separation): void {
  const f = (value: number) => value.toFixed(4);
  console.log(
    `${label}: ${result.faces} faces, ${result.samePairs} same / ${result.differentPairs} different pairs; ` +
      `mean same ${f(result.meanSame)}, mean different ${f(result.meanDifferent)}, ` +
      `margin ${f(result.meanDifferent - result.meanSame)}, d′ ${f(result.dPrime)}, AUC ${f(result.auc)}, ` +
      `best balanced accuracy ${f(result.bestBalancedAccuracy)} at ${f(result.bestThreshold)}, ` +
      `accuracy at 0.6 ${f(result.accuracyAt06)} (same < 0.6: ${f(result.sameUnder06)}, ` +
      `different ≥ 0.6: ${f(result.differentOver06)})`,
  );
}

export interface Run {
  dlib: Labeled[];
  box: Labeled[];
}

export const fromCrops = (faces: readonly Labeled[]) =>
  faces.filter((labeled) => labeled.source.startsWith('people/'));

/**
 * Analyses every people/ crop and group photo with both recipes, upright or rotated by 15°.
 * Rotated group faces are named after the upright detections (one extra dlib pass per group photo).
 */
export async function collectFaces(sessions: Sessions, rotate: boolean): Promise<Run> {
  const run: Run = { dlib: [], box: [] };
  for (const file of [...crops, ...groups]) {
    const bytes = readFixture(file.path);
    if (!rotate) {
      for (const recipe of ['dlib', 'box'] as const) {
        const { faces } = await analysePhoto(bytes, sessions, recipe === 'dlib' ? DLIB : BOX);
        run[recipe].push(...(file.kind === 'group' ? labelGroup(file, faces) : cropFace(file, faces)));
      }
      continue;
    }
    const turned = await rotated(bytes);
    const upright = file.kind === 'group' ? await analysePhoto(bytes, sessions, DLIB) : null;
    for (const recipe of ['dlib', 'box'] as const) {
      const { faces } = await analysePhoto(turned.bytes, sessions, recipe === 'dlib' ? DLIB : BOX);
      run[recipe].push(
        ...(upright
          ? labelRotated(labelGroup(file, upright.faces), faces, upright.header, turned)
          : cropFace(file, faces)),
      );
    }
  }
  return run;
}
