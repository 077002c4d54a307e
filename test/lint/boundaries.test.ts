import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Lints snippets as if they lived at the given paths, with the project's own eslint.config.mjs.
const eslint = new ESLint({ cwd: resolve(__dirname, '../..') });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  // A snippet that does not parse would otherwise pass every "no error" case.
  const fatal = result.messages.find((message) => message.fatal);
  if (fatal) throw new Error(`${filePath}: ${fatal.message}`);
  return result.messages
    .filter((message) => message.ruleId === 'no-restricted-imports' && message.severity === 2)
    .map((message) => message.message);
}

describe('import boundaries', () => {
  it('keeps node builtins out of the renderer', async () => {
    const code = "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n";
    expect(await boundaryErrors('src/renderer/lib/reader.ts', code)).toHaveLength(1);
  });

  it("keeps 'electron' and bare builtins out of the renderer", async () => {
    const code =
      "import { ipcRenderer } from 'electron';\nimport path from 'path';\nexport { ipcRenderer, path };\n";
    expect(await boundaryErrors('src/renderer/App.ts', code)).toHaveLength(2);
  });

  it('checks the script of Svelte components too', async () => {
    const code = '<script lang="ts">\n  import { shell } from \'electron\';\n  shell.beep();\n</script>\n';
    expect(await boundaryErrors('src/renderer/components/Bad.svelte', code)).toHaveLength(1);
  });

  it('lets the renderer import src/common', async () => {
    const code = "import type { LibraryApi } from '../../common/api';\nexport type Api = LibraryApi;\n";
    expect(await boundaryErrors('src/renderer/lib/x.ts', code)).toEqual([]);
  });

  it('keeps src/common free of src/main', async () => {
    const code = "import { openDatabase } from '../main/db/open';\nexport const open = openDatabase;\n";
    expect(await boundaryErrors('src/common/events.ts', code)).toHaveLength(1);
  });

  it('keeps src/common free of packages', async () => {
    const code = "import Database from 'better-sqlite3';\nexport const db = Database;\n";
    expect(await boundaryErrors('src/common/db.ts', code)).toHaveLength(1);
  });

  it("keeps 'electron' out of services", async () => {
    const code = "import { app } from 'electron';\nexport const where = app.getPath('userData');\n";
    expect(await boundaryErrors('src/main/services/library.ts', code)).toHaveLength(1);
  });

  it('lets a service import a repository', async () => {
    const code =
      "import { PhotoRepository } from '../repositories/photos';\nexport const make = PhotoRepository;\n";
    expect(await boundaryErrors('src/main/services/library.ts', code)).toEqual([]);
  });

  it('keeps entry-point folders (ipc, platform, cli, server) to the entry points', async () => {
    const code =
      "import { registerLibraryIpc } from '../ipc/register';\nexport const r = registerLibraryIpc;\n";
    expect(await boundaryErrors('src/main/services/library.ts', code)).toHaveLength(1);
    expect(await boundaryErrors('src/main/index.ts', code.replace('../ipc', './ipc'))).toEqual([]);
    const server = "import { serve } from '../server/http';\nexport const s = serve;\n";
    expect(await boundaryErrors('src/main/cli/main.ts', server)).toEqual([]);
    expect(await boundaryErrors('src/main/cli/commands.ts', server)).toHaveLength(1);
  });

  it("lets only index.ts and platform import 'electron' in src/main", async () => {
    const code = "import { shell } from 'electron';\nexport const s = shell;\n";
    expect(await boundaryErrors('src/main/platform/dialogs.ts', code)).toEqual([]);
    expect(await boundaryErrors('src/main/index.ts', code)).toEqual([]);
    expect(await boundaryErrors('src/main/ipc/x.ts', code)).toHaveLength(1);
    expect(await boundaryErrors('src/main/cli/main.ts', code)).toHaveLength(1);
  });

  it('keeps the sandboxed preload to electron and src/common', async () => {
    const code = "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n";
    expect(await boundaryErrors('src/preload/index.ts', code)).toHaveLength(1);
    const ok =
      "import { contextBridge } from 'electron';\nimport { LIBRARY_API_METHODS } from '../common/api';\n";
    expect(
      await boundaryErrors('src/preload/index.ts', `${ok}export { contextBridge, LIBRARY_API_METHODS };\n`),
    ).toEqual([]);
  });
});
