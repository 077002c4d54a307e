import { printJson } from '../output';
import type { PhotoStatus } from '../../../common/api';
import { EXIT_OK } from '../errors';
import { renderTable } from '../table';
import { withLibrary } from './open';

export async function runPhotos(options: {
  library?: string;
  json?: boolean;
  status?: PhotoStatus;
  person?: string[];
  any?: boolean;
}): Promise<number> {
  const photos = await withLibrary(options.library, (library) =>
    library.listPhotos({
      status: options.status,
      personIds: library.people.resolvePeople(options.person ?? []),
      anyPerson: options.any,
    }),
  );
  if (options.json) {
    printJson(photos);
  } else if (photos.length === 0) {
    process.stdout.write(
      options.status
        ? `No photos with status ${options.status}.\n`
        : 'No photos yet. Add some with: kindred scan FOLDER\n',
    );
  } else {
    process.stdout.write(
      `${renderTable(
        ['id', 'status', 'faces', 'size', 'taken', 'path', 'error'],
        photos.map((p) => [
          p.id,
          p.status,
          p.faces,
          p.width && p.height ? `${p.width}×${p.height}` : null,
          p.takenAt,
          p.path,
          p.error,
        ]),
      )}\n`,
    );
  }
  return EXIT_OK;
}

export async function runFaces(options: {
  library?: string;
  json?: boolean;
  embeddings?: boolean;
  person?: string;
  unassigned?: boolean;
}): Promise<number> {
  const faces = await withLibrary(options.library, (library) =>
    library.listFaces({
      withEmbeddings: options.embeddings,
      personId: options.person === undefined ? undefined : library.people.resolvePerson(options.person).id,
      unassigned: options.unassigned,
    }),
  );
  if (options.json) {
    printJson(faces);
  } else if (faces.length === 0) {
    process.stdout.write('No faces yet. Index photos with: kindred scan FOLDER\n');
  } else {
    const round = (n: number) => Math.round(n);
    process.stdout.write(
      `${renderTable(
        ['id', 'score', 'box (x,y,w,h)', 'person', 'photo', ...(options.embeddings ? ['embedding'] : [])],
        faces.map((f) => [
          f.id,
          f.score.toFixed(2),
          `${round(f.box.x)},${round(f.box.y)},${round(f.box.width)},${round(f.box.height)}`,
          f.personName ?? (f.personId === null ? null : `#${f.personId}`),
          f.photo,
          ...(options.embeddings && f.embedding ? [f.embedding.map((v) => v.toFixed(4)).join(' ')] : []),
        ]),
      )}\n`,
    );
  }
  return EXIT_OK;
}
