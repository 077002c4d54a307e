import { spawnSync, type SpawnSyncOptions, type SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';

export const KINDRED_BIN = path.resolve(__dirname, '../../bin/kindred.js');

/**
 * Runs the built `kindred` command as a user would, in a pipe (so no progress bar). `spawn` adds
 * child-process options (a longer timeout); `runner` is a command that runs node for it (such as
 * a privilege drop), empty to run node directly.
 */
export function kindred(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  spawn: Omit<SpawnSyncOptions, 'env' | 'encoding'> = {},
  runner: readonly string[] = [],
): SpawnSyncReturns<string> {
  const [command, prefix] = nodeCommand(runner);
  return spawnSync(command, [...prefix, KINDRED_BIN, ...args], {
    timeout: 120_000,
    ...spawn,
    encoding: 'utf8',
    env: { ...process.env, KINDRED_LIBRARY: '', ...env },
  });
}

/** The command and leading arguments that run node, through `runner` (a privilege drop) when given. */
export function nodeCommand(runner: readonly string[] = []): [string, string[]] {
  const [command, ...prefix] = [...runner, process.execPath];
  return [command, prefix];
}
