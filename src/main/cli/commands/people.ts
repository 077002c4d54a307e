import { printJson } from '../output';
import type { Box } from '../../../common/api';
import { UsageError, EXIT_OK } from '../errors';
import { renderTable } from '../table';
import { withLibrary } from './open';
import type { ChangeReport } from '../../services/people';
import type { LibraryService } from '../../services/library';
import { verifyImages } from '../../services/verify';
import { createAnalysisPool } from '../../vision/pool';

interface LibraryOption {
  library?: string;
}

/** Runs a change and prints what it did. */
async function change(
  options: LibraryOption,
  work: (library: LibraryService) => ChangeReport | Promise<ChangeReport>,
) {
  const report = await withLibrary(options.library, async (library) => work(library));
  process.stdout.write(`${report.message}\n`);
  return EXIT_OK;
}

export async function runPeople(options: LibraryOption & { json?: boolean; all?: boolean }): Promise<number> {
  const people = await withLibrary(options.library, async (library) =>
    library.people.list(options.all ?? false),
  );
  if (options.json) {
    printJson(people);
  } else if (people.length === 0) {
    process.stdout.write('No people yet. Scan photos with: kindred scan FOLDER\n');
  } else {
    process.stdout.write(
      `${renderTable(
        ['id', 'name', 'faces', 'photos', 'cover', 'born', ...(options.all ? ['hidden'] : [])],
        people.map((p) => [
          p.id,
          p.name ?? '(unnamed)',
          p.faces,
          p.photos,
          p.coverFaceId,
          p.birthDate,
          ...(options.all ? [p.hidden ? 'hidden' : ''] : []),
        ]),
      )}\n`,
    );
  }
  return EXIT_OK;
}

export const runName = (person: string, name: string, options: LibraryOption & { merge?: boolean }) =>
  change(options, (library) => library.people.name(person, name, { merge: options.merge }));

export const runMerge = (people: string[], options: LibraryOption & { into: string }) =>
  change(options, (library) => library.people.merge(people, options.into));

export const runMove = (faces: string[], options: LibraryOption & { to: string }) =>
  change(options, (library) => library.people.move(faces, options.to));

export const runUnassign = (faces: string[], options: LibraryOption) =>
  change(options, (library) => library.people.unassign(faces));

export const runReject = (faces: string[], options: LibraryOption & { from?: string }) =>
  change(options, (library) => library.people.reject(faces, options.from));

export const runHide = (person: string, hidden: boolean, options: LibraryOption) =>
  change(options, (library) => library.people.setHidden(person, hidden));

export const runCover = (person: string, face: string, options: LibraryOption) =>
  change(options, (library) => library.people.setCover(person, face));

export const runBirthdate = (person: string, date: string, options: LibraryOption) =>
  change(options, (library) => library.people.setBirthDate(person, date));

export const runDeleteFace = (face: string, options: LibraryOption) =>
  change(options, (library) => library.people.deleteFace(face));

export function parseBox(value: string): Box {
  const parts = value.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[2] <= 0 || parts[3] <= 0) {
    throw new UsageError(
      `--box must be X,Y,W,H in pixels of the upright photo, for example 120,80,64,64 (got "${value}")`,
    );
  }
  const [x, y, width, height] = parts;
  return { x, y, width, height };
}

export const runAddFace = (photo: string, options: LibraryOption & { box: string; person?: string }) => {
  const box = parseBox(options.box);
  return change(options, (library) => library.addFace(photo, box, options.person));
};

export async function runReview(
  options: LibraryOption & { json?: boolean; person?: string },
): Promise<number> {
  const suggestions = await withLibrary(options.library, async (library) =>
    library.people.review(options.person),
  );
  if (options.json) {
    printJson(suggestions);
  } else if (suggestions.length === 0) {
    process.stdout.write('Nothing to review.\n');
  } else {
    process.stdout.write(
      `${renderTable(
        ['face', 'maybe', 'distance', 'photo'],
        suggestions.map((s) => [
          s.faceId,
          `${s.personName} (#${s.personId})`,
          s.distance.toFixed(3),
          s.photo,
        ]),
      )}\nAccept with: kindred confirm FACE…   Refuse with: kindred reject FACE…\n`,
    );
  }
  return EXIT_OK;
}

export function runConfirm(faces: string[], options: LibraryOption & { allOf?: string }): Promise<number> {
  if (options.allOf !== undefined && faces.length > 0)
    throw new UsageError('Give face ids or --all-of PERSON, not both.');
  if (options.allOf === undefined && faces.length === 0)
    throw new UsageError('Give the faces to confirm, or --all-of PERSON.');
  return change(options, (library) =>
    options.allOf !== undefined ? library.people.confirmAllOf(options.allOf) : library.people.confirm(faces),
  );
}

export const runCluster = (options: LibraryOption & { full?: boolean }) =>
  change(options, (library) => {
    const summary = library.people.group(options.full ? 'full' : 'new');
    return {
      message:
        `${options.full ? 'Regrouped every automatic face' : 'Grouped new faces'}: ${summary.considered} looked at, ` +
        `${summary.assigned} given a person, ${summary.newPeople} new people, ${summary.suggestions} suggestions to review ` +
        `(${Math.round(summary.elapsedMs)} ms).`,
    };
  });

export async function runVerify(
  imageA: string,
  imageB: string,
  options: { json?: boolean },
): Promise<number> {
  const pool = createAnalysisPool({ workers: 2 });
  let result;
  try {
    result = await verifyImages(pool, imageA, imageB);
  } finally {
    await pool.close();
  }
  if (options.json) printJson(result);
  else {
    process.stdout.write(
      `${result.same ? 'Same person' : 'Different people'}: distance ${result.distance.toFixed(3)} ` +
        `(${result.same ? 'below' : 'not below'} the threshold ${result.threshold}).\n`,
    );
  }
  return EXIT_OK;
}
