import type { Migration } from './types';

/**
 * `kindred people` and the app's People view list every person with their face and photo counts
 * and a cover. Counting and picking covers on every call took 1.4 s at 300,000 faces, so:
 * - each person keeps its face and photo counts, kept exact by triggers on every change of a
 *   face's person or photo (whatever the code path, a crash cannot leave them half-updated: they
 *   change in the same statement's transaction as the face);
 * - an index in the order of the default cover (a confident face, then the largest) makes picking
 *   a person's cover one index seek.
 */
/** The counts of the person a face (`old`) left. */
const LEAVE_OLD_PERSON = `UPDATE people SET
        face_count = face_count - 1,
        photo_count = photo_count - NOT EXISTS (
          SELECT 1 FROM faces f WHERE f.person_id = old.person_id AND f.photo_id = old.photo_id)
      WHERE id = old.person_id;`;

/** The counts of the person a face (`new`) joined; the face itself is already in the table. */
const JOIN_NEW_PERSON = `UPDATE people SET
        face_count = face_count + 1,
        photo_count = photo_count + NOT EXISTS (
          SELECT 1 FROM faces f
          WHERE f.person_id = new.person_id AND f.photo_id = new.photo_id AND f.id <> new.id)
      WHERE id = new.person_id;`;

export const migration0004: Migration = {
  version: 4,
  name: 'people-counts',
  up: `
    ALTER TABLE people ADD COLUMN face_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE people ADD COLUMN photo_count INTEGER NOT NULL DEFAULT 0;
    UPDATE people SET
      face_count = (SELECT COUNT(*) FROM faces f WHERE f.person_id = people.id),
      photo_count = (SELECT COUNT(DISTINCT f.photo_id) FROM faces f WHERE f.person_id = people.id);

    CREATE INDEX faces_person_cover
      ON faces(person_id, (score >= 0.9) DESC, (width * height) DESC, id);

    -- A face leaving a person: the photo stops counting when it was the person's last face in it.
    CREATE TRIGGER faces_count_delete AFTER DELETE ON faces WHEN old.person_id IS NOT NULL BEGIN
      ${LEAVE_OLD_PERSON}
    END;
    -- A face joining a person: the photo starts counting when it is the person's first face in it.
    CREATE TRIGGER faces_count_insert AFTER INSERT ON faces WHEN new.person_id IS NOT NULL BEGIN
      ${JOIN_NEW_PERSON}
    END;
    CREATE TRIGGER faces_count_update AFTER UPDATE OF person_id, photo_id ON faces
    WHEN old.person_id IS NOT new.person_id OR old.photo_id IS NOT new.photo_id BEGIN
      ${LEAVE_OLD_PERSON}
      ${JOIN_NEW_PERSON}
    END;
  `,
};
