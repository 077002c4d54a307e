import fs from 'node:fs';
import path from 'node:path';
import type { LibraryDatabase } from '../db/open';
import { createVectorIndex, HnswVectorIndex, type VectorIndex } from '../people/vector-index';
import type { FacesRepository } from '../repositories/faces';

const DIMENSIONS = 128;
/** Bump when the saved files' meaning changes: an old cache is then rebuilt, never misread. */
const CACHE_FORMAT = 1;
const BUILD_BATCH = 8192;
/**
 * Saving writes the whole graph (0.5 s at 300,000 faces) while replaying a change costs about a
 * millisecond, so the index is saved once the changes not yet saved are worth a fraction of it:
 * a scan of ten photos does not pay half a second, and a fresh process never replays more than
 * this many changes from the log.
 */
export function saveThreshold(indexSize: number): number {
  return Math.max(256, Math.floor(indexSize / 256));
}

interface CacheMeta {
  format: number;
  /** The face_index_log sequence number the saved graph includes. */
  seq: number;
  graph: string;
  ids: string;
}

/**
 * The library's face index, kept as a cache in the library's cache folder and brought up to date
 * from SQLite (faces + face_index_log), which stays the source of truth: a missing, old or
 * inconsistent cache is simply rebuilt.
 */
export class FaceIndex {
  private seq = 0;
  /** Built from SQLite and not saved yet: always worth saving. */
  private unsavedBuild = false;
  /** Faces added, changed or deleted since the saved copy. */
  private unsavedChanges = 0;

  private constructor(
    private readonly db: LibraryDatabase,
    private readonly faces: FacesRepository,
    private readonly cacheDir: string,
    readonly index: VectorIndex,
  ) {}

  static open(db: LibraryDatabase, faces: FacesRepository, cacheDir: string): FaceIndex {
    const restored = FaceIndex.restore(db, faces, cacheDir);
    if (restored) {
      restored.refresh();
      if (restored.index.size === faces.count()) return restored;
    }
    const fresh = new FaceIndex(db, faces, cacheDir, createVectorIndex(DIMENSIONS));
    fresh.rebuild();
    return fresh;
  }

  private static restore(
    db: LibraryDatabase,
    faces: FacesRepository,
    cacheDir: string,
  ): FaceIndex | undefined {
    try {
      const meta = JSON.parse(fs.readFileSync(path.join(cacheDir, 'face-index.json'), 'utf8')) as CacheMeta;
      if (meta.format !== CACHE_FORMAT) return undefined;
      const index = createVectorIndex(DIMENSIONS);
      if (!(index instanceof HnswVectorIndex)) return undefined;
      const idBytes = fs.readFileSync(path.join(cacheDir, meta.ids));
      const ids = new Float64Array(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength / 8);
      index.loadGraph(path.join(cacheDir, meta.graph), Float64Array.from(ids));
      const restored = new FaceIndex(db, faces, cacheDir, index);
      restored.seq = meta.seq;
      return restored;
    } catch {
      return undefined; // no cache yet, or one another process is replacing: rebuild
    }
  }

  private lastLogged(): number {
    return (this.db.prepare(`SELECT COALESCE(MAX(seq), 0) FROM face_index_log`).pluck().get() as number) ?? 0;
  }

  /** Everything from SQLite, in batches (the native index builds a batch on all cores). */
  private rebuild(): void {
    this.seq = this.lastLogged();
    let ids: number[] = [];
    let vectors = new Float32Array(BUILD_BATCH * DIMENSIONS);
    const flush = () => {
      if (ids.length > 0) this.index.addMany(ids, vectors.subarray(0, ids.length * DIMENSIONS));
      ids = [];
      vectors = new Float32Array(BUILD_BATCH * DIMENSIONS);
    };
    for (const { id, embedding } of this.faces.allEmbeddings()) {
      vectors.set(embedding, ids.length * DIMENSIONS);
      ids.push(id);
      if (ids.length === BUILD_BATCH) flush();
    }
    flush();
    this.unsavedBuild = true;
  }

  /** Applies the faces added, changed or deleted since the index was last brought up to date. */
  refresh(): void {
    const changes = this.db
      .prepare(`SELECT DISTINCT face_id FROM face_index_log WHERE seq > ?`)
      .pluck()
      .all(this.seq) as number[];
    const latest = this.lastLogged();
    // Added and changed faces go in as one batch: the native index inserts a batch on all cores.
    const added: number[] = [];
    const vectors = new Float32Array(changes.length * DIMENSIONS);
    for (const faceId of changes) {
      const embedding = this.faces.embeddingIfAny(faceId);
      if (embedding) {
        vectors.set(embedding, added.length * DIMENSIONS);
        added.push(faceId);
      } else this.index.remove(faceId);
    }
    if (added.length > 0) this.index.addMany(added, vectors.subarray(0, added.length * DIMENSIONS));
    this.unsavedChanges += changes.length;
    this.seq = Math.max(this.seq, latest);
  }

  /** Whether `persist()` would save now. */
  get wantsSave(): boolean {
    return this.unsavedBuild || this.unsavedChanges >= saveThreshold(this.index.size);
  }

  /**
   * Saves the index when a build or enough changes are unsaved, then forgets the log it covers;
   * until then the log keeps what the saved copy lacks. Files are named by sequence number and the
   * small JSON pointer is replaced last (atomically), so a reader never pairs a graph with the
   * wrong ids.
   */
  persist(): void {
    if (!this.wantsSave || !(this.index instanceof HnswVectorIndex)) return;
    const graph = `face-index-${this.seq}.usearch`;
    const idsFile = `face-index-${this.seq}.ids`;
    const pointer = path.join(this.cacheDir, 'face-index.json');
    try {
      fs.mkdirSync(this.cacheDir, { recursive: true });
      // The pointer goes first: a graph file of this name may be the one it points to, and a
      // crash while that file is rewritten must not leave the pointer naming half a graph.
      fs.rmSync(pointer, { force: true });
      const ids = this.index.saveGraph(path.join(this.cacheDir, graph));
      fs.writeFileSync(
        path.join(this.cacheDir, idsFile),
        Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength),
      );
      const meta: CacheMeta = { format: CACHE_FORMAT, seq: this.seq, graph, ids: idsFile };
      fs.writeFileSync(`${pointer}.tmp`, JSON.stringify(meta));
      fs.renameSync(`${pointer}.tmp`, pointer);
    } catch {
      // A cache that cannot be saved (a full disk, a read-only folder) is rebuilt next time from
      // SQLite, which keeps the log it would have covered: the work goes on without it.
      for (const name of [graph, idsFile, 'face-index.json.tmp']) {
        try {
          fs.rmSync(path.join(this.cacheDir, name), { force: true });
        } catch {
          // nothing more to do on a read-only disk
        }
      }
      return;
    }
    for (const name of fs.readdirSync(this.cacheDir)) {
      if (/^face-index-\d+\.(usearch|ids)$/.test(name) && name !== graph && name !== idsFile) {
        fs.rmSync(path.join(this.cacheDir, name), { force: true });
      }
    }
    this.db.prepare(`DELETE FROM face_index_log WHERE seq <= ?`).run(this.seq);
    this.unsavedBuild = false;
    this.unsavedChanges = 0;
  }
}
