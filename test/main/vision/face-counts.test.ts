/**
 * Every fixture photo through the default pipeline: the number of faces must be the one counted
 * by eye in manifest.json, and every face must be well formed (a box inside the upright photo,
 * 68 landmarks, a 128-d finite embedding).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_SCORE } from '../../../src/main/vision/detector';
import type { Sessions } from '../../../src/main/vision/models';
import { analysePhoto, DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { readManifest, type ManifestFile } from '../../support/fixtures';
import { loadTestSessions, readFixture } from './helpers';

const manifest = readManifest();

/** The manifest gives a range where the count is uncertain (a partly hidden face), else one number. */
function expectedRange(file: ManifestFile): [number, number] {
  return [
    file.expected_face_count_min ?? file.expected_face_count,
    file.expected_face_count_max ?? file.expected_face_count,
  ];
}

/** The size after EXIF orientation: rotations by 90° (tags 5–8) swap the stored width and height. */
function uprightSize(file: ManifestFile): { width: number; height: number } {
  const swap = (file.exif_orientation ?? 1) >= 5;
  return swap ? { width: file.height, height: file.width } : { width: file.width, height: file.height };
}

let sessions: Sessions;
beforeAll(async () => {
  sessions = await loadTestSessions();
});

describe('face counts on every fixture (DEFAULT_PIPELINE)', () => {
  it('covers the whole manifest: 40 people crops, the groups, the misc photos', () => {
    // Guards against a manifest that silently lost files (the loop below would then test less).
    expect(manifest.filter((file) => file.path.startsWith('people/'))).toHaveLength(40);
    expect(manifest.filter((file) => file.kind === 'no_face').length).toBeGreaterThanOrEqual(3);
    expect(manifest.length).toBeGreaterThanOrEqual(62);
  });

  it.each(manifest.map((file) => [file.path, file] as const))('%s', async (_path, file) => {
    const analysis = await analysePhoto(readFixture(file.path), sessions, DEFAULT_PIPELINE);
    const [min, max] = expectedRange(file);
    const count = analysis.faces.length;
    expect(count, `${file.path}: ${count} faces, expected ${min}..${max}`).toBeGreaterThanOrEqual(min);
    expect(count, `${file.path}: ${count} faces, expected ${min}..${max}`).toBeLessThanOrEqual(max);
    if (file.kind === 'no_face') expect(count).toBe(0);
    if (file.path.startsWith('people/')) expect(count).toBe(1);
    if (file.path.startsWith('misc/curie_')) expect(count).toBe(2);

    const { width, height } = uprightSize(file);
    expect({ width: analysis.header.width, height: analysis.header.height }).toEqual({ width, height });
    // Every fixture's metadata is intact (an unreadable EXIF block would be warned about).
    expect(analysis.header.warning).toBeNull();
    for (const face of analysis.faces) {
      const { box } = face;
      expect(box.width).toBeGreaterThan(0);
      expect(box.height).toBeGreaterThan(0);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect(box.y + box.height).toBeLessThanOrEqual(height);
      expect(face.score).toBeGreaterThanOrEqual(MIN_SCORE);
      expect(face.score).toBeLessThanOrEqual(1);
      expect(face.landmarks).toHaveLength(136);
      expect(face.landmarks.every(Number.isFinite)).toBe(true);
      expect(face.embedding).toHaveLength(128);
      expect(face.embedding.every(Number.isFinite)).toBe(true);
      // A degenerate (all-zero or constant) descriptor would be finite yet useless for matching.
      const norm = Math.hypot(...face.embedding);
      expect(norm).toBeGreaterThan(0.1);
    }
  });
});
