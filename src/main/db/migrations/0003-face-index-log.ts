import type { Migration } from './types';

/**
 * The neighbour index over face embeddings is a cache saved beside the library (building it for
 * 300,000 faces takes minutes; loading a saved one, half a second). Every change to the faces that
 * the index must follow is logged here by triggers, so a saved index is brought up to date by
 * replaying the log after its sequence number, whichever process made the change.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'face-index-log',
  up: `
    CREATE TABLE face_index_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      face_id INTEGER NOT NULL
    );
    CREATE TRIGGER faces_index_insert AFTER INSERT ON faces BEGIN
      INSERT INTO face_index_log (face_id) VALUES (new.id);
    END;
    CREATE TRIGGER faces_index_delete AFTER DELETE ON faces BEGIN
      INSERT INTO face_index_log (face_id) VALUES (old.id);
    END;
    CREATE TRIGGER faces_index_update AFTER UPDATE OF embedding ON faces BEGIN
      INSERT INTO face_index_log (face_id) VALUES (new.id);
    END;
  `,
};
