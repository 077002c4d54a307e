import type { Migration } from './types';

/**
 * The first schema. People and face_rejections exist from the start so that the people work
 * (grouping, naming, corrections) can add behaviour without rewriting the core tables.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE folders (
      id INTEGER PRIMARY KEY,
      path TEXT NOT NULL UNIQUE,
      added_at TEXT NOT NULL,
      last_scan_at TEXT
    );

    CREATE TABLE photos (
      id INTEGER PRIMARY KEY,
      folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
      path TEXT NOT NULL UNIQUE,
      size INTEGER NOT NULL,
      mtime_ms INTEGER NOT NULL,
      content_hash TEXT,
      width INTEGER,
      height INTEGER,
      taken_at TEXT,
      camera TEXT,
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'indexed', 'error')),
      error TEXT,
      analysed_at TEXT
    );
    CREATE INDEX photos_folder ON photos(folder_id);
    CREATE INDEX photos_status ON photos(status);
    CREATE INDEX photos_content_hash ON photos(content_hash);

    CREATE TABLE people (
      id INTEGER PRIMARY KEY,
      name TEXT UNIQUE,
      cover_face_id INTEGER REFERENCES faces(id) ON DELETE SET NULL,
      hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
      birth_date TEXT,
      created_at TEXT NOT NULL
    );

    CREATE TABLE faces (
      id INTEGER PRIMARY KEY,
      photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
      x REAL NOT NULL,
      y REAL NOT NULL,
      width REAL NOT NULL,
      height REAL NOT NULL,
      score REAL NOT NULL,
      -- 68 (x, y) pairs as float32, upright pixel coordinates of the photo.
      landmarks BLOB NOT NULL CHECK (length(landmarks) = 544),
      -- 128 float32 values.
      embedding BLOB NOT NULL CHECK (length(embedding) = 512),
      person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
      assigned_by TEXT CHECK (assigned_by IN ('auto', 'user', 'suggested')),
      created_at TEXT NOT NULL
    );
    CREATE INDEX faces_photo ON faces(photo_id);
    CREATE INDEX faces_person ON faces(person_id);

    -- "This face is not that person": never assigned or suggested again.
    CREATE TABLE face_rejections (
      face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
      person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      PRIMARY KEY (face_id, person_id)
    );
  `,
};
