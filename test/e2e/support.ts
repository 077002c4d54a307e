import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { chromium, type Browser } from 'playwright-core';
import { KINDRED_BIN } from '../support/cli';

/** Debian's Chromium (`apt-get install chromium`); a test tool's own download does not work here. */
export const CHROMIUM = process.env.KINDRED_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS_DIR = path.resolve(__dirname, '../../test-results');

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install it with apt-get install -y chromium (or set KINDRED_CHROMIUM).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}

export interface RunningServe {
  url: string;
  origin: string;
  token: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the built `kindred serve` on a free port and reads the one URL it prints. */
export async function startServe(
  libraryDir: string,
  extraArgs: readonly string[] = [],
): Promise<RunningServe> {
  const child = spawn(
    process.execPath,
    [KINDRED_BIN, 'serve', '--library', libraryDir, '--port', '0', ...extraArgs],
    {
      env: { ...process.env, KINDRED_LIBRARY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`kindred serve exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Calls the API as the page does, with the token cookie. */
export async function callApi<T>(serve: RunningServe, method: string, arg?: unknown): Promise<T> {
  const response = await fetch(`${serve.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: `kindred_token=${serve.token}` },
    body: JSON.stringify(arg === undefined ? [] : [arg]),
  });
  const body = (await response.json()) as { result?: T; error?: string };
  if (!response.ok) throw new Error(`${method}: ${body.error}`);
  return body.result as T;
}
