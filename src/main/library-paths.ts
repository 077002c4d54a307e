import os from 'node:os';
import path from 'node:path';

export interface LibraryLocation {
  dir: string;
  databaseFile: string;
  cacheDir: string;
}

/** The platform's per-user application-data folder for Kindred (what Electron's app.getPath('userData') gives). */
export function defaultLibraryDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = os.homedir(),
): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Kindred');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Kindred');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'Kindred');
}

/** `--library DIR` wins, then KINDRED_LIBRARY, then the platform default. */
export function resolveLibrary(
  explicitDir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): LibraryLocation {
  const dir = path.resolve(explicitDir || env.KINDRED_LIBRARY || defaultLibraryDir(env));
  return { dir, databaseFile: path.join(dir, 'library.db'), cacheDir: path.join(dir, 'cache') };
}
