/**
 * Issue 7 §3: a folder of hostile files, scanned by the real `kindred scan` in a child process
 * (so a crash, a hang on a FIFO or a runaway allocation is the process's fate, not a mock's).
 * Good photos are indexed with their faces whatever their names, each broken file is an `error`
 * row with its reason, things that are not files get no row, nothing stays pending, and the
 * child's peak memory stays bounded. The corpus is generated here (test/support/hostile-corpus.ts).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoSummary } from '../../../src/common/api';
import { kindred, KINDRED_BIN, nodeCommand } from '../../support/cli';
import { fixture, tempDir } from '../../support/fixtures';
import { LONG_NAME, writeHostileCorpus, type HostileEntry } from '../../support/hostile-corpus';

/** Generous: the scan of good photos needs a few hundred MiB; a decoded bomb would need gigabytes. */
const PEAK_RSS_LIMIT = 1.5 * 2 ** 30;

// chmod 000 does not stop root, whose DAC override capabilities read anything. As root, kindred
// runs without them (setpriv, util-linux), so that the permission is real; it stays root, so it
// reaches the checkout wherever that is (even inside a mode-0700 folder made by `mktemp -d`).
const asRoot = process.getuid?.() === 0;
const WITHOUT_DAC_OVERRIDE = asRoot
  ? [
      'setpriv',
      '--bounding-set',
      '-dac_override,-dac_read_search',
      '--inh-caps',
      '-dac_override,-dac_read_search',
    ]
  : [];

let temp: { dir: string; cleanup: () => void };
let corpus: string;
let library: string;
let entries: HostileEntry[];
let scan: ReturnType<typeof kindred>;
let usage: NodeJS.ResourceUsage;
let photos: PhotoSummary[];

/**
 * The mode-000 photo must be unreadable to the scanning process, or the corpus tests nothing
 * there: check that, as root, the capability drop works on this machine before relying on it.
 */
function assertUnreadableStaysUnreadable(file: string): void {
  const [command, prefix] = nodeCommand(WITHOUT_DAC_OVERRIDE);
  const probe = spawnSync(command, [
    ...prefix,
    '-e',
    `require('node:fs').readFileSync(${JSON.stringify(file)})`,
  ]);
  if (probe.status === 0 || probe.error) {
    throw new Error(
      `The scan would read ${file} (mode 000) after all: running as root, this test drops the DAC ` +
        `override capabilities with \`${WITHOUT_DAC_OVERRIDE.join(' ')}\`, which ` +
        (probe.error
          ? `failed to start (${probe.error.message}; install util-linux)`
          : 'did not take effect') +
        '. Run the tests as an ordinary user instead.',
    );
  }
}

/** Runs kindred as the scanning user, with a preload that records the process's resource usage. */
function run(args: string[], rusageFile?: string) {
  const env: NodeJS.ProcessEnv = {};
  if (rusageFile) {
    env.NODE_OPTIONS = `--require ${path.join(temp.dir, 'rusage.cjs')}`;
    env.KINDRED_TEST_RUSAGE = rusageFile;
  }
  return kindred([...args, '--library', library], env, { timeout: 300_000 }, WITHOUT_DAC_OVERRIDE);
}

beforeAll(() => {
  temp = tempDir('kindred-hostile-');
  fs.chmodSync(temp.dir, 0o777);
  corpus = path.join(temp.dir, 'corpus');
  library = path.join(temp.dir, 'library');
  fs.mkdirSync(corpus);
  entries = writeHostileCorpus(corpus);
  assertUnreadableStaysUnreadable(path.join(corpus, 'unreadable.jpg'));
  fs.writeFileSync(
    path.join(temp.dir, 'rusage.cjs'),
    // Worker threads load the preload too; only the main thread writes the figures, at exit.
    `const { isMainThread } = require('node:worker_threads');
if (isMainThread) process.on('exit', () =>
  require('node:fs').writeFileSync(process.env.KINDRED_TEST_RUSAGE, JSON.stringify(process.resourceUsage())));
`,
  );
  const rusageFile = path.join(temp.dir, 'scan-rusage.json');
  scan = run(['scan', corpus, '--workers', '2'], rusageFile);
  if (fs.existsSync(rusageFile)) usage = JSON.parse(fs.readFileSync(rusageFile, 'utf8'));
  const listed = run(['photos', '--json']);
  photos = listed.status === 0 ? (JSON.parse(listed.stdout) as PhotoSummary[]) : [];
}, 360_000);
afterAll(() => temp?.cleanup());

const byPath = () => new Map(photos.map((photo) => [photo.path, photo]));
const at = (name: string) => path.join(fs.realpathSync(corpus), name);

describe('kindred scan of the hostile corpus', () => {
  it('the corpus holds what the issue lists', () => {
    expect(Buffer.byteLength(LONG_NAME)).toBeGreaterThan(250);
    expect(entries.some((entry) => entry.name.includes('\n'))).toBe(true);
    const kinds = entries.map((entry) => entry.expect.kind);
    expect(kinds.filter((kind) => kind === 'error').length).toBeGreaterThanOrEqual(12);
    expect(fs.statSync(path.join(corpus, 'fifo.jpg')).isFIFO()).toBe(true);
  });

  it('finishes: exit 0, no crash, no stack trace, and the summary counts every file', () => {
    expect(scan.error).toBeUndefined(); // a timeout (a FIFO or /dev/zero being read) lands here
    expect(scan.signal).toBeNull();
    expect(scan.stderr).not.toMatch(/\n\s+at .*:\d+:\d+|TypeError|RangeError|internal error/);
    expect(scan.status).toBe(0);
    expect(scan.stderr).toMatch(/skipped .*bad\uFFFD\uFFFDname\.jpg: its name is not valid UTF-8/);
    const indexed = entries.filter((entry) => entry.expect.kind === 'indexed').length;
    const failed = entries.filter((entry) => entry.expect.kind === 'error').length;
    expect(scan.stdout).toMatch(new RegExp(`${indexed} indexed, ${failed} failed`));
  });

  it('stays within bounded memory (peak RSS of the child, workers included)', () => {
    expect(usage, 'the child reported its resource usage at exit').toBeDefined();
    const peak = usage.maxRSS * 1024;
    console.log(
      `hostile corpus scan: peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB, ` +
        `user CPU ${(usage.userCPUTime / 1e6).toFixed(1)} s` +
        (asRoot ? ' (run as root without DAC override)' : ''),
    );
    expect(peak).toBeLessThan(PEAK_RSS_LIMIT);
  });

  it('indexes every good photo with its faces, whatever its name', () => {
    const rows = byPath();
    for (const entry of entries.filter((e) => e.expect.kind === 'indexed')) {
      const row = rows.get(at(entry.name));
      const { faces, warning } = entry.expect as { faces: number; warning?: RegExp };
      expect(row, `${JSON.stringify(entry.name)} (${entry.what}) has a row`).toBeDefined();
      expect({ name: entry.name, status: row!.status, error: row!.error, faces: row!.faces }).toEqual({
        name: entry.name,
        status: 'indexed',
        error: warning ? expect.stringMatching(warning) : null,
        faces,
      });
    }
  });

  it('records each broken file as an error row with a one-line reason', () => {
    const rows = byPath();
    for (const entry of entries.filter((e) => e.expect.kind === 'error')) {
      const row = rows.get(at(entry.name));
      expect(row, `${JSON.stringify(entry.name)} (${entry.what}) has a row`).toBeDefined();
      expect(row!.status, `${JSON.stringify(entry.name)}: ${row!.error}`).toBe('error');
      expect(row!.error, entry.what).toMatch((entry.expect as { reason: RegExp }).reason);
      expect(row!.error).not.toMatch(/[\n\r]/);
      // Each cause once (libjpeg repeats its message on every retry).
      const causes = row!.error!.split('; ');
      expect(causes, row!.error!).toEqual([...new Set(causes)]);
    }
  });

  it('gives things that are not files no row, and leaves nothing pending', () => {
    const rows = byPath();
    for (const entry of entries.filter((e) => e.expect.kind === 'skipped')) {
      expect(rows.has(at(entry.name)), `${entry.name}: ${entry.what}`).toBe(false);
    }
    expect(photos.filter((photo) => photo.status === 'pending')).toEqual([]);
    // Every row is a corpus entry: nothing was found twice through a loop.
    expect(photos).toHaveLength(entries.filter((e) => e.expect.kind !== 'skipped').length);
  });

  it('prints hostile names safely: JSON round-trips them, the table keeps one line per photo', () => {
    expect(photos.map((photo) => photo.path)).toContain(at('names/new\nline.jpg'));
    const table = run(['photos']);
    expect(table.status).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(photos.length + 2);
    // No raw control character reaches the terminal (an ESC could recolour or retitle it).
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(table.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(table.stdout).toContain('new\\nline.jpg');
    expect(table.stdout).toContain('\\x1b[31mred\\x1b[0m\\t.jpg');
    expect(table.stdout).toContain('👨‍👩‍👧 family 🎉.jpg');
    expect(table.stdout).toContain(LONG_NAME);
  });

  it('kindred watch takes hostile files that arrive later the same way, and keeps running', async () => {
    const [command, prefix] = nodeCommand(WITHOUT_DAC_OVERRIDE);
    const child = spawn(command, [...prefix, KINDRED_BIN, 'watch', '--workers', '1', '--library', library], {
      env: { ...process.env, KINDRED_LIBRARY: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<string>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit ${code}`)),
    );
    const until = async (what: () => boolean, label: string) => {
      for (let waited = 0; !what(); waited += 100) {
        if (waited > 120_000 || child.exitCode !== null) throw new Error(`${label}: ${stdout}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    try {
      await until(() => /caught up/.test(stderr), 'watch never caught up');
      execFileSync('mkfifo', [path.join(corpus, 'late fifo.jpg')]);
      fs.symlinkSync('late loop.jpg', path.join(corpus, 'late loop.jpg'));
      fs.writeFileSync(path.join(corpus, 'late\ntext.jpg'), 'still not a photo');
      fs.copyFileSync(fixture('people/raj/raj1.png'), path.join(corpus, 'late good.png'));
      await until(
        () =>
          /added .*late good\.png \(1 face\)/.test(stdout) &&
          /failed .*late\\ntext\.jpg: not an image/.test(stdout),
        'watch did not report the late files',
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe('exit 0');
    expect(stdout).not.toMatch(/late (fifo|loop)/);
    expect(stderr).not.toMatch(/\n\s+at .*:\d+:\d+|TypeError|RangeError/);
    const listed = JSON.parse(run(['photos', '--json']).stdout) as PhotoSummary[];
    expect(listed.filter((photo) => photo.status === 'pending').map((photo) => photo.path)).toEqual([]);
    expect(listed.map((photo) => path.basename(photo.path))).not.toContain('late fifo.jpg');
    photos = listed;
  });

  it('kindred verify refuses a FIFO and /dev/zero by name, without hanging', () => {
    const result = kindred(
      ['verify', path.join(corpus, 'fifo.jpg'), path.join(corpus, 'endless.jpg')],
      {},
      {
        timeout: 120_000,
      },
    );
    expect(result.error).toBeUndefined();
    expect({ status: result.status, signal: result.signal, stderr: result.stderr }).toEqual({
      status: 2,
      signal: null,
      // Before the pool waited for running tasks on close, this was SIGABRT ("terminate called
      // after throwing an instance of 'Napi::Error'") nearly every time.
      stderr: expect.stringMatching(/^kindred: Cannot read .*(fifo|endless)\.jpg: not a regular file\n$/),
    });
  });

  it('a second scan finds everything unchanged and still does not hang', () => {
    const again = run(['scan', corpus, '--workers', '1']);
    expect(again.error).toBeUndefined();
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/0 analysed/);
    expect(again.stdout).toMatch(/0 indexed, 0 failed/);
  });
});
