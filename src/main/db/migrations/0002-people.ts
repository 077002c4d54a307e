import type { Migration } from './types';

/**
 * People: what the user decided lives in rows of its own (face_decisions, face_rejections,
 * face_tombstones, the people table), so automatic grouping can rewrite faces.person_id at will
 * and re-apply the decisions on top.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'people',
  up: `
    -- A named person a face might be (shown for review), never acted on without the user.
    ALTER TABLE faces ADD COLUMN suggested_person_id INTEGER REFERENCES people(id) ON DELETE SET NULL;
    ALTER TABLE faces ADD COLUMN suggested_distance REAL;
    -- 'detected' by the engine, or drawn by the user ('manual') when the detector missed it.
    ALTER TABLE faces ADD COLUMN source TEXT NOT NULL DEFAULT 'detected' CHECK (source IN ('detected', 'manual'));
    -- Grouping has looked at this face at least once.
    ALTER TABLE faces ADD COLUMN grouped INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX faces_suggested_person ON faces(suggested_person_id);
    CREATE INDEX faces_person_photo ON faces(person_id, photo_id);
    CREATE INDEX faces_ungrouped ON faces(grouped) WHERE grouped = 0;

    -- "This face is this person" (person_id) or "this face is nobody I know, leave it" (NULL).
    CREATE TABLE face_decisions (
      face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
      person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
      decided_at TEXT NOT NULL
    );
    CREATE INDEX face_decisions_person ON face_decisions(person_id);

    -- "Not a face": a detection the user deleted stays deleted when its photo is analysed again.
    CREATE TABLE face_tombstones (
      id INTEGER PRIMARY KEY,
      photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
      x REAL NOT NULL,
      y REAL NOT NULL,
      width REAL NOT NULL,
      height REAL NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX face_tombstones_photo ON face_tombstones(photo_id);

    CREATE INDEX face_rejections_person ON face_rejections(person_id);
    CREATE INDEX photos_taken_at ON photos(taken_at);
  `,
};
