import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The shared face-photo fixtures (never copied into the repo): `../shared/fixtures/faces` beside
 * the checkout, or KINDRED_FIXTURES for a checkout elsewhere (a clone in a temporary folder).
 * The tests, scripts and benchmarks all read them from here.
 */
export const FIXTURES = process.env.KINDRED_FIXTURES
  ? path.resolve(process.env.KINDRED_FIXTURES)
  : path.resolve(__dirname, '../../../shared/fixtures/faces');

export interface ManifestFile {
  path: string;
  kind: 'single' | 'group' | 'no_face';
  identity?: string;
  identities?: string[];
  /** Faces in a group photo that no identity names (bbt2's man at the left edge). */
  unlabeled_faces?: number;
  expected_face_count: number;
  expected_face_count_min?: number;
  expected_face_count_max?: number;
  width: number;
  height: number;
  exif_orientation: number | null;
}

export function readManifest(): ManifestFile[] {
  return (
    JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as { files: ManifestFile[] }
  ).files;
}

export function fixture(relative: string): string {
  return path.join(FIXTURES, relative);
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'kindred-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
