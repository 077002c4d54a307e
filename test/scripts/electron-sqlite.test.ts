import { describe, expect, it } from 'vitest';
import pkg from '../../package.json';
// @ts-expect-error: a plain .mjs script (run by `npm start`), without type declarations
import { plan, wantedStamp } from '../../scripts/electron-sqlite.mjs';

describe('the Electron build of better-sqlite3 (npm prestart)', () => {
  const wanted = wantedStamp();

  it('is made for the pinned Electron and better-sqlite3, on this platform', () => {
    expect(wanted).toEqual({
      electron: pkg.devDependencies.electron,
      betterSqlite3: pkg.dependencies['better-sqlite3'],
      platform: process.platform,
      arch: process.arch,
    });
  });

  it('is kept only while its stamp matches; otherwise, or when missing or unreadable, it is rebuilt', () => {
    expect(plan(wanted, JSON.stringify(wanted), true)).toBe('ready');
    expect(plan(wanted, JSON.stringify(wanted), false)).toBe('build');
    expect(plan(wanted, undefined, true)).toBe('build');
    expect(plan(wanted, '{not json', true)).toBe('build');
    expect(plan(wanted, JSON.stringify({ ...wanted, electron: '44.0.0' }), true)).toBe('build');
    expect(plan(wanted, JSON.stringify({ ...wanted, betterSqlite3: '12.10.0' }), true)).toBe('build');
  });
});
