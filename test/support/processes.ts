import { spawn, type ChildProcess } from 'node:child_process';
import { KINDRED_BIN } from './cli';

/** A `kindred` command running in the background, its output gathered as it comes. */
export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when `pattern` appears on stderr (or stdout); rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function startKindred(args: readonly string[]): Running {
  const child = spawn(process.execPath, [KINDRED_BIN, ...args], {
    env: { ...process.env, KINDRED_LIBRARY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const listener of listeners) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(err) || pattern.test(out)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} from kindred ${args.join(' ')} within ${timeoutMs} ms:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (!listeners.has(check)) return;
          listeners.delete(check);
          clearTimeout(timer);
          if (pattern.test(err) || pattern.test(out)) resolve();
          else reject(new Error(`kindred ${args.join(' ')} ended before ${pattern}:\n${err}`));
        });
        check();
      }),
  };
}

/** Runs a command to its end in the background (so several can run at once). */
export async function runKindred(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const running = startKindred(args);
  const { code } = await running.exited;
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}
