import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `data` to `file` through a temporary file beside it and a rename, so a reader (the app,
 * another photo tool) never sees half a file and a crash leaves the old one whole. The temporary
 * name is hidden (a leading dot), so the folder watcher never takes it for a photo, and is created
 * exclusively, never through something already there; it is removed when the write fails.
 */
export async function writeFileAtomically(file: string, data: string | Buffer): Promise<void> {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  try {
    await fs.promises.writeFile(temporary, data, { flag: 'wx' });
    await fs.promises.rename(temporary, file);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
}
