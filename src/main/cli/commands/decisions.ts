import fs from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { exportDecisions } from '../../decisions/export';
import { decisionsFileSchema, DECISIONS_FORMAT, DECISIONS_VERSION } from '../../decisions/format';
import { importDecisions } from '../../decisions/import';
import { EXIT_OK, UsageError } from '../errors';
import { printJson } from '../output';
import { writeFileAtomically } from '../../write-file-atomically';
import { withLibrary } from './open';

/** `kindred decisions export --out FILE.json`: every user decision, in the format of docs/decisions.md. */
export async function runDecisionsExport(options: {
  library?: string;
  out: string;
  force?: boolean;
}): Promise<number> {
  const out = path.resolve(options.out);
  if (fs.existsSync(out) && !options.force)
    throw new UsageError(`${out} exists already. Choose another file, or pass --force to replace it.`);
  const file = await withLibrary(options.library, async (library) =>
    exportDecisions(library.deps.db, library.deps.clock),
  );
  await writeFileAtomically(out, `${JSON.stringify(file, null, 2)}\n`);
  const decided = file.faces.filter((face) => face.person !== undefined).length;
  const rejections = file.faces.reduce((sum, face) => sum + face.notPeople.length, 0);
  process.stdout.write(
    `Exported ${file.people.length} people (${file.people.filter((p) => p.name !== null).length} named), ` +
      `${decided} face assignments, ${rejections} rejections and ${file.deletedFaces.length} deleted faces to ${out}.\n`,
  );
  return EXIT_OK;
}

/** `kindred decisions import FILE`: applies a decisions file; says what it could not match. */
export async function runDecisionsImport(
  file: string,
  options: { library?: string; json?: boolean },
): Promise<number> {
  const source = path.resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(source, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `cannot read ${source} as JSON (${(error as Error).message}). Give a file made by kindred decisions export.`,
    );
  }
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (head?.format !== DECISIONS_FORMAT)
    throw new UsageError(`${source} is not a Kindred decisions file (no "format": "${DECISIONS_FORMAT}").`);
  if (head.version !== DECISIONS_VERSION)
    throw new UsageError(
      `${source} is a decisions file of version ${String(head.version)}; this Kindred reads version ${DECISIONS_VERSION}. Use the Kindred that wrote it, or a newer one.`,
    );
  const parsed = v.safeParse(decisionsFileSchema, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new UsageError(
      `${source} is not a valid decisions file: ${v.getDotPath(issue) ?? '(top)'}: ${issue.message}`,
    );
  }
  const report = await withLibrary(options.library, (library) =>
    importDecisions(library.deps, parsed.output),
  );
  if (options.json) printJson(report);
  else {
    process.stdout.write(
      `Imported ${source}: ${report.applied} decisions applied, ${report.unchanged} already there, ` +
        `${report.peopleCreated} people created, ${report.manualFacesAdded} drawn faces added, ` +
        `${report.unmatched.length} not matched.\n`,
    );
    for (const line of report.unmatched) process.stdout.write(`  not matched: ${line}\n`);
  }
  return EXIT_OK;
}
