import * as v from 'valibot';

/**
 * The decisions file (`kindred decisions export`): every decision a user made about faces and
 * people, in terms that survive a new library (no database ids). A face is named by the content
 * hash of its photo (SHA-256 of the file's bytes) and its box in upright photo pixels; a person by
 * a key local to the file. Documented in docs/decisions.md; bump `version` on any change of meaning.
 */
export const DECISIONS_FORMAT = 'kindred-decisions';
export const DECISIONS_VERSION = 1;

const box = v.object({
  x: v.pipe(v.number(), v.finite()),
  y: v.pipe(v.number(), v.finite()),
  width: v.pipe(v.number(), v.finite(), v.minValue(1)),
  height: v.pipe(v.number(), v.finite(), v.minValue(1)),
});

const faceRef = v.object({
  /** SHA-256 of the photo's bytes. */
  photo: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  /** Where the photo was in the exporting library (for the report only; never used to match). */
  path: v.optional(v.string()),
  box,
});

export const decisionsFileSchema = v.object({
  format: v.literal(DECISIONS_FORMAT),
  version: v.literal(DECISIONS_VERSION),
  exportedAt: v.string(),
  people: v.array(
    v.object({
      key: v.string(),
      name: v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
      hidden: v.boolean(),
      birthDate: v.nullable(v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/))),
      /** The face the user chose to show them, or null for the default. */
      cover: v.nullable(faceRef),
    }),
  ),
  faces: v.array(
    v.object({
      ...faceRef.entries,
      /** 'manual': a box the user drew where the detector found nothing. */
      source: v.picklist(['detected', 'manual']),
      /**
       * The person the user said it is (a key of `people`), null for "nobody I know", or absent
       * when there was no such decision (only rejections, or a manual face left to grouping).
       */
      person: v.optional(v.nullable(v.string())),
      /** "Not this person", for good (keys of `people`). */
      notPeople: v.array(v.string()),
    }),
  ),
  /** Detections the user deleted as "not a face". */
  deletedFaces: v.array(faceRef),
});

export type DecisionsFile = v.InferOutput<typeof decisionsFileSchema>;
export type FaceRef = v.InferOutput<typeof faceRef>;
export type Box = v.InferOutput<typeof box>;
