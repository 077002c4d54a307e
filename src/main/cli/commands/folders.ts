import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../errors';
import { printJson } from '../output';
import { renderTable } from '../table';
import { withLibrary } from './open';

export async function runFolders(options: { library?: string; json?: boolean }): Promise<number> {
  const folders = await withLibrary(options.library, (library) => library.listFolders());
  if (options.json) {
    printJson(folders);
  } else if (folders.length === 0) {
    process.stdout.write('No folders yet. Add one with: kindred add FOLDER\n');
  } else {
    process.stdout.write(
      `${renderTable(
        ['id', 'state', 'photos', 'pending', 'errors', 'last scan', 'path'],
        folders.map((f) => [
          f.id,
          f.online ? 'online' : 'offline',
          f.photos,
          f.pending,
          f.errors,
          f.lastScan,
          f.path,
        ]),
      )}\n`,
    );
  }
  return EXIT_OK;
}

/**
 * Forgets a folder's photos (and their faces and the decisions on them). Files on disk are never
 * touched. On a terminal it asks first; elsewhere it needs --yes, so that a script cannot forget
 * a folder by accident.
 */
export async function runRemove(
  reference: string,
  options: { library?: string; yes?: boolean },
): Promise<number> {
  return withLibrary(options.library, async (library) => {
    const folder = library.findFolder(reference);
    const what = `${folder.photos} photo${folder.photos === 1 ? '' : 's'} of ${folder.path}`;
    if (!options.yes) {
      if (!process.stdin.isTTY) {
        const flag = options.library ? ` --library ${JSON.stringify(path.resolve(options.library))}` : '';
        throw new UsageError(
          `removing a folder forgets its ${what}, their faces and your decisions on them (files on disk are not touched). ` +
            `To confirm, run: kindred remove ${JSON.stringify(folder.path)} --yes${flag}`,
        );
      }
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await prompt.question(
        `Forget the ${what}, their faces and your decisions on them? Files on disk are not touched. [y/N] `,
      );
      prompt.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        process.stdout.write('Nothing removed.\n');
        return EXIT_FAILURE;
      }
    }
    const removed = library.removeFolder(folder.id);
    process.stdout.write(
      `Removed ${folder.path} from the library: ${removed.photos} photos and ${removed.faces} faces forgotten. ` +
        'No file on disk was touched.\n',
    );
    return EXIT_OK;
  });
}
