/**
 * Issue 7 §6 through the IPC door: fast-check throws random and malformed arguments at every
 * `kindred:<method>` handler (registered on a mocked Electron ipcMain, as the app does) over a
 * real AppApi on a real scanned library. Each call must resolve, or reject with a typed error
 * carrying a message (the argument check, or what only the library knows) — never another
 * exception — and a call that fails must leave every table of the library as it was.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LIBRARY_API_METHODS } from '../../../src/common/api';
import { argumentsFor, RUNS_PER_METHOD } from '../../support/hostile-args';
import { librarySnapshot } from '../../support/library-snapshot';
import { scannedLibrary, type ScannedLibrary } from '../../support/scanned';

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

const electron = vi.hoisted(() => {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    ipcMain: { handle: (channel: string, handler: Handler) => handlers.set(channel, handler) },
  };
});
vi.mock('electron', () => ({ ipcMain: electron.ipcMain }));

const { ipcMain } = await import('electron');
const { registerLibraryIpc } = await import('../../../src/main/ipc/register');

const FROM_APP = { senderFrame: { url: 'file:///app/index.html' } };
/** The errors a caller may get: its argument refused, or the library saying what it lacks. */
const CLEAN_ERRORS = ['ApiArgumentError', 'UserInputError'];

let scanned: ScannedLibrary;

beforeAll(async () => {
  scanned = await scannedLibrary(['groups/bbt3.jpg', 'misc/curie_upright.jpg', 'people/amy/amy1.png']);
  const [person] = await scanned.api.listPeople();
  if (person) await scanned.api.namePerson({ personId: person.id, name: 'Ada' });
  registerLibraryIpc(ipcMain as never, scanned.api, {
    isTrustedSender: (event) => event.senderFrame?.url === FROM_APP.senderFrame.url,
  });
}, 120_000);
afterAll(() => scanned?.lib.cleanup());

describe('every IPC handler, random and malformed arguments', () => {
  it('covers every method of the API', () => {
    expect([...electron.handlers.keys()].sort()).toEqual(
      LIBRARY_API_METHODS.map((m) => `kindred:${m}`).sort(),
    );
  });

  it.each(['\x1b[2J\x1b]0;pwned\x07Ada', 'Ada\u0000', 'Ada\u009b31m'])(
    'refuses a name holding control characters (%j), changing nothing (before the fuzzing empties the library)',
    async (name) => {
      const db = scanned.library.deps.db;
      const [face] = await scanned.api.listFaces();
      await scanned.api.moveFaces({ faceIds: [face.id], newPersonName: `Named ${name.length}` });
      const person = (await scanned.api.listPeople({ includeHidden: true })).find(
        (p) => p.name === `Named ${name.length}`,
      )!;
      const before = librarySnapshot(db);
      await expect(
        electron.handlers.get('kindred:namePerson')!(FROM_APP, { personId: person.id, name }),
      ).rejects.toThrow(/control characters/);
      await expect(
        electron.handlers.get('kindred:moveFaces')!(FROM_APP, { faceIds: [face.id], newPersonName: name }),
      ).rejects.toThrow(/control characters/);
      expect(librarySnapshot(db)).toBe(before);
    },
  );

  it.each(LIBRARY_API_METHODS.map((method) => [method]))('%s', async (method) => {
    const handler = electron.handlers.get(`kindred:${method}`)!;
    const db = scanned.library.deps.db;
    let calls = 0;
    let refused = 0;
    const outcomes: Record<string, number> = { ok: 0 };
    await fc.assert(
      fc.asyncProperty(argumentsFor(method), async (args) => {
        calls++;
        const before = librarySnapshot(db);
        let failure: unknown;
        try {
          await handler(FROM_APP, ...args);
        } catch (error) {
          failure = error;
        }
        if (failure === undefined) outcomes.ok++;
        else outcomes[(failure as Error).name] = (outcomes[(failure as Error).name] ?? 0) + 1;
        if (failure === undefined) {
          // A valid call did what it asks (a scan it started finishes before the next snapshot).
          await scanned.api.idle();
          return;
        }
        refused++;
        expect(failure, `${method}(${describeArgs(args)})`).toBeInstanceOf(Error);
        const error = failure as Error;
        expect(
          CLEAN_ERRORS,
          `${method}(${describeArgs(args)}) threw ${error.name}: ${error.message}`,
        ).toContain(error.name);
        expect(error.message.length).toBeGreaterThan(0);
        expect(error.message).not.toMatch(/\n\s+at /);
        expect(librarySnapshot(db), `${method}(${describeArgs(args)}) failed but changed the library`).toBe(
          before,
        );
      }),
      { numRuns: RUNS_PER_METHOD },
    );
    expect(calls).toBe(RUNS_PER_METHOD);
    // How far the calls got: refused by the schema, by the library, or done.
    console.log(`${method}: ${JSON.stringify(outcomes)}`);
    // Most generated arguments are wrong somewhere: the property did test refusals.
    expect(refused).toBeGreaterThan(0);
  });

  it('refuses every method to a sender that is not the app, whatever the arguments', async () => {
    for (const method of LIBRARY_API_METHODS) {
      await expect(
        electron.handlers.get(`kindred:${method}`)!({ senderFrame: { url: 'https://evil.example/' } }, {}),
      ).rejects.toThrow(/refused/);
    }
  });
});

function describeArgs(args: unknown[]): string {
  try {
    const text = JSON.stringify(args);
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return String(args);
  }
}
