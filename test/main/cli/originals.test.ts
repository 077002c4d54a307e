/**
 * Issue 7 §4: originals are never written. Every command of `kindred` that reads photos runs,
 * as the built CLI, against the shared fixture folder itself (not a copy) with a temporary
 * library; after each one every fixture's SHA-256, size and mtime, and the folder's listing
 * (no sidecar, thumbnail or lock file beside the photos), are what they were before.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceSummary, PersonSummary, PhotoSummary } from '../../../src/common/api';
import { kindred, KINDRED_BIN } from '../../support/cli';
import { FIXTURES, tempDir } from '../../support/fixtures';

interface FileState {
  sha256: string;
  size: number;
  mtimeMs: number;
}

function fixtureState(): Map<string, FileState> {
  const state = new Map<string, FileState>();
  for (const entry of fs.readdirSync(FIXTURES, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) {
      state.set(file, { sha256: 'folder', size: 0, mtimeMs: fs.statSync(file).mtimeMs });
      continue;
    }
    const stat = fs.statSync(file);
    state.set(file, {
      sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
      size: stat.size,
      mtimeMs: stat.mtimeMs,
    });
  }
  return state;
}

let temp: { dir: string; cleanup: () => void };
let library: string;
let original: Map<string, FileState>;

beforeAll(() => {
  temp = tempDir('kindred-originals-');
  library = path.join(temp.dir, 'library');
  original = fixtureState();
});
afterAll(() => temp?.cleanup());

/** Runs a command and checks the fixtures after it; returns its stdout parsed when --json. */
function run(args: string[], options: { expectStatus?: number[] } = {}): string {
  const result = kindred([...args, '--library', library], {}, { timeout: 300_000 });
  const label = `kindred ${args.join(' ')}`;
  expect(result.error, label).toBeUndefined();
  expect(options.expectStatus ?? [0], `${label}: ${result.stderr}`).toContain(result.status);
  expectOriginalsUntouched(label);
  return result.stdout;
}

function expectOriginalsUntouched(after: string): void {
  const now = fixtureState();
  expect([...now.keys()].sort(), `files beside the photos after ${after}`).toEqual(
    [...original.keys()].sort(),
  );
  for (const [file, state] of original) expect(now.get(file), `${file} after ${after}`).toEqual(state);
}

const json = <T>(args: string[]): T => JSON.parse(run([...args, '--json'])) as T;

/** Starts a long-running command, waits for `ready` on its output, and stops it with SIGTERM. */
async function runBriefly(
  args: string[],
  ready: RegExp,
  whileRunning: (output: string) => Promise<void> = async () => {},
): Promise<void> {
  const child = spawn(process.execPath, [KINDRED_BIN, ...args, '--library', library], {
    env: { ...process.env, KINDRED_LIBRARY: '' },
  });
  let output = '';
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit ${code}`)),
  );
  await new Promise<void>((resolve, reject) => {
    const check = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (ready.test(output)) resolve();
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', (code) => reject(new Error(`kindred ${args[0]} exited (${code}) early: ${output}`)));
  });
  try {
    await whileRunning(output);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited, output).toBe('exit 0');
  expectOriginalsUntouched(`kindred ${args.join(' ')}`);
}

describe('originals are never written', () => {
  it('by any command that reads photos', { timeout: 600_000 }, async () => {
    expect(original.size).toBeGreaterThan(60);
    run(['scan', FIXTURES, '--workers', '2']);
    run(['add', path.join(FIXTURES, 'groups'), '--workers', '1']);
    run(['folders']);
    json(['folders']);
    const photos = json<PhotoSummary[]>(['photos']);
    expect(photos.filter((photo) => photo.status === 'indexed').length).toBeGreaterThan(60);
    run(['photos', '--status', 'indexed']);
    json(['faces']);
    run(['faces', '--embeddings']);
    const people = json<PersonSummary[]>(['people', '--all']);
    expect(people.length).toBeGreaterThan(2);
    const [first, second, third] = people;
    run(['name', String(first.id), 'Originals One']);
    run(['name', String(second.id), 'Originals Two']);
    run(['photos', '--person', 'Originals One']);
    run(['merge', String(third.id), '--into', 'Originals Two']);
    const faces = json<FaceSummary[]>(['faces', '--person', 'Originals One']);
    const [faceA, faceB, faceC] = faces;
    run(['move', String(faceA.id), '--to', 'Someone New']);
    run(['unassign', String(faceB.id)]);
    run(['reject', String(faceC.id), '--from', 'Originals One'], { expectStatus: [0, 2] });
    run(['hide', 'Originals Two']);
    run(['unhide', 'Originals Two']);
    const own = json<FaceSummary[]>(['faces', '--person', 'Originals One']);
    run(['cover', 'Originals One', String(own[own.length - 1].id)]);
    run(['birthdate', 'Originals One', '1980-02-29']);
    const group = photos.find((photo) => photo.path.endsWith(path.join('groups', 'bbt1.jpg')))!;
    run(['add-face', group.path, '--box', '20,20,80,80', '--person', 'Originals One']);
    const added = json<FaceSummary[]>(['faces', '--person', 'Originals One']).find(
      (face) => face.photo === group.path && face.box.x === 20,
    );
    expect(added).toBeDefined();
    run(['delete-face', String(added!.id)]);
    json(['review']);
    run(['confirm', '--all-of', 'Originals Two']);
    run(['confirm', String(own[0].id)], { expectStatus: [0, 2] });
    run(['cluster']);
    run(['cluster', '--full']);
    // The commands that write copies, lists, backups and decision files: all outside the photos.
    const out = (name: string) => path.join(temp.dir, name);
    run(['export', '--out', out('export'), '--unnamed', '--xmp', '--csv', '--json']);
    run(['export', '--out', out('export-small'), '--person', 'Originals One', '--max-size', '300']);
    run(['backup', '--out', out('backup.db')]);
    run(['decisions', 'export', '--out', out('decisions.json')]);
    run(['decisions', 'import', out('decisions.json')]);
    const identify = kindred(
      [
        'identify',
        '--known',
        path.join(FIXTURES, 'people'),
        '--unknown',
        path.join(FIXTURES, 'groups'),
        '--out',
        out('identify'),
        '--workers',
        '2',
      ],
      {},
      { timeout: 300_000 },
    );
    expect(identify.status, identify.stderr).toBe(0);
    expectOriginalsUntouched('kindred identify');
    const verify = kindred(
      [
        'verify',
        path.join(FIXTURES, 'people/amy/amy1.png'),
        path.join(FIXTURES, 'people/amy/amy2.png'),
        '--json',
      ],
      {},
      { timeout: 120_000 },
    );
    expect(verify.status, verify.stderr).toBe(0);
    expectOriginalsUntouched('kindred verify');

    await runBriefly(['watch', '--workers', '1'], /caught up/);
    await runBriefly(['serve', '--no-watch'], /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+\n/, async (output) => {
      const address = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)/.exec(output)!;
      const headers = { Cookie: `kindred_token=${address[2]}` };
      const face = json<FaceSummary[]>(['faces'])[0];
      const photo = photos.find((p) => p.status === 'indexed')!;
      for (const media of [`thumb/${photo.id}`, `photo/${photo.id}`, `face/${face.id}`]) {
        const response = await fetch(`${address[1]}/media/${media}`, { headers });
        expect(response.status, media).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/webp');
        await response.arrayBuffer();
      }
      const api = await fetch(`${address[1]}/api/getPhoto`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify([{ photoId: photo.id }]),
      });
      expect(api.status).toBe(200);
    });
    await runBriefly(['serve'], /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+\n/);
    run(['remove', FIXTURES, '--yes']);
    expect(json<PhotoSummary[]>(['photos'])).toEqual([]);
  });
});
