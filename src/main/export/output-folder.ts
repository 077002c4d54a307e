import fs from 'node:fs';
import path from 'node:path';

/** The output folder cannot be used; the message names it and says what to do. */
export class OutputFolderError extends Error {
  override name = 'UserInputError';
}

/**
 * Makes sure `folder` can receive copies: an absolute path (relative ones are resolved against
 * `cwd` only when given, as the CLI does), created when missing, and not inside any of
 * `forbidden` (the library's photo folders: copies there would be indexed as new photos, and a
 * copy could take an original's name). Returns the real path.
 */
export function prepareOutputFolder(folder: string, forbidden: readonly string[], cwd?: string): string {
  if (!path.isAbsolute(folder) && cwd === undefined) {
    throw new OutputFolderError(
      `"${folder}" is not a full path: give the whole path of the output folder, for example /home/me/Export.`,
    );
  }
  const wanted = path.resolve(cwd ?? '/', folder);
  // Checked before anything is created, so a refused folder is not left behind among the photos.
  refuseInside(realPathOfAncestor(wanted), wanted, forbidden);
  if (fs.existsSync(wanted) && !fs.statSync(wanted).isDirectory()) {
    throw new OutputFolderError(`${wanted} is a file, not a folder. Choose a folder for the copies.`);
  }
  try {
    fs.mkdirSync(wanted, { recursive: true });
  } catch (error) {
    throw new OutputFolderError(
      `Cannot create the output folder ${wanted} (${(error as NodeJS.ErrnoException).code ?? error}). ` +
        'Choose a folder you can write to.',
    );
  }
  const real = fs.realpathSync(wanted);
  try {
    fs.accessSync(real, fs.constants.W_OK);
  } catch {
    throw new OutputFolderError(`Cannot write to ${wanted}. Choose a folder you can write to.`);
  }
  refuseInside(real, wanted, forbidden);
  return real;
}

function refuseInside(real: string, wanted: string, forbidden: readonly string[]): void {
  for (const root of forbidden) {
    const realRoot = realPathOrSelf(root);
    if (real === realRoot || real.startsWith(realRoot + path.sep)) {
      throw new OutputFolderError(
        `${wanted} is inside ${root}, which holds photos Kindred reads: the copies would be taken for ` +
          'new photos. Choose an output folder outside it.',
      );
    }
  }
}

/** The real path of `wanted`, through its nearest existing ancestor when it does not exist yet. */
function realPathOfAncestor(wanted: string): string {
  const missing: string[] = [];
  for (let dir = wanted; ; dir = path.dirname(dir)) {
    try {
      return path.join(fs.realpathSync(dir), ...missing.reverse());
    } catch {
      if (path.dirname(dir) === dir) return wanted;
      missing.push(path.basename(dir));
    }
  }
}

function realPathOrSelf(candidate: string): string {
  try {
    return fs.realpathSync(candidate);
  } catch {
    return path.resolve(candidate);
  }
}
