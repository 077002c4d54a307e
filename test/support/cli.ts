import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';

export const KINDRED_BIN = path.resolve(__dirname, '../../bin/kindred.js');

/** Runs the built `kindred` command as a user would, in a pipe (so no progress bar). */
export function kindred(args: readonly string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [KINDRED_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KINDRED_LIBRARY: '', ...env },
    timeout: 120_000,
  });
}
