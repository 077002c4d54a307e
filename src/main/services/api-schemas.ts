/**
 * The schema of every LibraryApi method's argument. IPC and browser mode both check what the
 * renderer sends against these before anything reaches a service: the renderer is untrusted.
 */
import path from 'node:path';
import * as v from 'valibot';
import type { LibraryApiMethod } from '../../common/api';

const id = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER));
const ids = v.pipe(v.array(id), v.minLength(1, 'give at least one id'), v.maxLength(10_000));
const count = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max));
const offset = count(100_000_000);
const name = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const coordinate = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1_000_000));
const size = v.pipe(
  v.number(),
  v.finite(),
  v.minValue(8, 'a face box must be at least 8 px'),
  v.maxValue(1_000_000),
);
const box = v.strictObject({ x: coordinate, y: coordinate, width: size, height: size });
const status = v.picklist(['pending', 'indexed', 'error']);

const photoFilter = {
  personIds: v.optional(v.pipe(v.array(id), v.maxLength(50))),
  anyPerson: v.optional(v.boolean()),
};

/** A full path of a folder, which the service checks again (exists, readable or writable). */
const absoluteFolder = (what: string) =>
  v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(4096),
    v.check((folder) => !folder.includes('\0'), 'a path cannot contain a NUL character'),
    v.check((folder) => path.isAbsolute(folder), `give the full path of the ${what}`),
  );

/** No argument, or an empty options object. */
const nothing = v.optional(v.strictObject({}));

export const API_SCHEMAS = {
  listPhotos: v.optional(
    v.strictObject({
      status: v.optional(status),
      ...photoFilter,
      limit: v.optional(count(100_000)),
      offset: v.optional(offset),
    }),
  ),
  listFaces: v.optional(
    v.strictObject({
      withEmbeddings: v.optional(v.boolean()),
      personId: v.optional(id),
      unassigned: v.optional(v.boolean()),
    }),
  ),
  listPeople: v.optional(v.strictObject({ includeHidden: v.optional(v.boolean()) })),
  getPerson: v.strictObject({ personId: id }),
  personFaces: v.strictObject({ personId: id, offset: v.optional(offset), limit: v.optional(count(5000)) }),
  timeline: v.optional(v.strictObject(photoFilter)),
  photoPage: v.strictObject({ ...photoFilter, offset, limit: count(5000) }),
  getPhoto: v.strictObject({ photoId: id }),
  reviewGroups: nothing,
  namePerson: v.strictObject({ personId: id, name, merge: v.optional(v.boolean()) }),
  mergePeople: v.strictObject({ personIds: ids, intoId: id }),
  moveFaces: v.pipe(
    v.strictObject({ faceIds: ids, personId: v.optional(id), newPersonName: v.optional(name) }),
    v.check(
      (options) => (options.personId === undefined) !== (options.newPersonName === undefined),
      'give either personId or newPersonName',
    ),
  ),
  unassignFaces: v.strictObject({ faceIds: ids }),
  rejectFaces: v.strictObject({ faceIds: ids, personId: v.optional(id) }),
  deleteFace: v.strictObject({ faceId: id }),
  setHidden: v.strictObject({ personId: id, hidden: v.boolean() }),
  setCover: v.strictObject({ personId: id, faceId: id }),
  setBirthDate: v.strictObject({
    personId: id,
    birthDate: v.pipe(v.string(), v.isoDate('use YYYY-MM-DD')),
  }),
  addFace: v.strictObject({ photoId: id, box, personId: v.optional(id) }),
  confirmFaces: v.strictObject({ faceIds: ids }),
  confirmAll: v.strictObject({ personId: id }),
  listFolders: nothing,
  folderErrors: v.strictObject({ folderId: id }),
  addFolder: v.strictObject({ path: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)) }),
  removeFolder: v.strictObject({ folderId: id }),
  rescan: nothing,
  scanState: nothing,
  writeSidecars: v.strictObject({ personIds: v.optional(v.pipe(v.array(id), v.maxLength(1000))) }),
  exportPhotos: v.strictObject({
    // The only path the renderer sends: an absolute folder, checked again (created, writable,
    // outside the library's folders) by the export service.
    outDir: v.pipe(
      v.string(),
      v.minLength(1),
      v.maxLength(4096),
      v.check((folder) => path.isAbsolute(folder), 'give the full path of the output folder'),
      v.check((folder) => !folder.includes('\0'), 'a path cannot contain a NUL character'),
    ),
    ...photoFilter,
    photoIds: v.optional(v.pipe(v.array(id), v.maxLength(100_000))),
    unnamed: v.optional(v.boolean()),
    maxSize: v.optional(v.pipe(v.number(), v.integer(), v.minValue(64), v.maxValue(65_500))),
    quality: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
    xmp: v.optional(v.boolean()),
    csv: v.optional(v.boolean()),
    json: v.optional(v.boolean()),
  }),
  identifyPhotos: v.strictObject({
    knownDir: absoluteFolder('folder of known people'),
    unknownDir: absoluteFolder('folder of photos to identify'),
    outDir: absoluteFolder('output folder'),
    // The range kindred identify --threshold accepts: a face-embedding distance.
    threshold: v.optional(
      v.pipe(
        v.number(),
        v.finite(),
        v.gtValue(0, 'the threshold is a distance above 0'),
        v.maxValue(2, 'the threshold is at most 2'),
      ),
    ),
  }),
} satisfies Record<LibraryApiMethod, v.GenericSchema>;

/** The argument does not match the method's schema: the caller's mistake, never the library's. */
export class ApiArgumentError extends Error {
  override name = 'ApiArgumentError';
}

/** Checks the arguments of one call: at most one, matching the method's schema. */
export function validateArguments(method: string, args: readonly unknown[]): unknown {
  if (!Object.hasOwn(API_SCHEMAS, method)) throw new ApiArgumentError(`There is no method "${method}".`);
  if (args.length > 1) {
    throw new ApiArgumentError(
      `${method} takes at most one argument (an options object), got ${args.length}.`,
    );
  }
  // Schemas check keys, not prototypes: a Date or a class instance is refused here.
  if (args[0] !== undefined && !isPlainObject(args[0])) {
    throw new ApiArgumentError(`${method} expects an options object or nothing, got ${describe(args[0])}.`);
  }
  const result = v.safeParse(API_SCHEMAS[method as LibraryApiMethod], args[0]);
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => {
    const where = v.getDotPath(issue);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  throw new ApiArgumentError(`Invalid argument to ${method}: ${problems.join('; ')}.`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'an unknown class'}`;
  return `a ${typeof value}`;
}
