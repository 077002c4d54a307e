/**
 * The one API of a Kindred library. The Electron IPC layer, browser mode's HTTP server and the
 * CLI all speak it, so the renderer never knows which one it is talking to.
 * This module imports nothing: it is shared by every process and the renderer.
 */

export type PhotoStatus = 'pending' | 'indexed' | 'error';

/** One photo, as `kindred photos --json` prints it. */
export interface PhotoSummary {
  id: number;
  /** Absolute path on disk. */
  path: string;
  /** Upright size, after EXIF orientation. Null until the photo has been decoded. */
  width: number | null;
  height: number | null;
  /** ISO 8601 from EXIF DateTimeOriginal (with its offset when the camera wrote one), or null. */
  takenAt: string | null;
  status: PhotoStatus;
  /** Null, or a message naming the cause (and what to do about it where something can be done). */
  error: string | null;
  /** Number of faces found. */
  faces: number;
}

/** One library folder, as `kindred folders --json` prints it. */
export interface FolderSummary {
  id: number;
  /** Absolute path of the folder's root. */
  path: string;
  /** False while the folder's root is missing (an unplugged drive, an unmounted share). */
  online: boolean;
  photos: number;
  pending: number;
  errors: number;
  /** ISO 8601 time of the last completed scan, or null. */
  lastScan: string | null;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face, as `kindred faces --json` prints it. */
export interface FaceSummary {
  id: number;
  /** Absolute path of the photo the face is in. */
  photo: string;
  /** In upright pixel coordinates of the oriented photo. */
  box: Box;
  score: number;
  personId: number | null;
  personName: string | null;
  /** 128 numbers; only when asked for. */
  embedding?: number[];
}

export interface PhotoQuery {
  status?: PhotoStatus;
  /** Person ids: photos with all of them (or any of them with `anyPerson`). */
  personIds?: number[];
  anyPerson?: boolean;
  /** Paging, for long lists (a person's photos, the timeline). */
  limit?: number;
  offset?: number;
}

export interface FaceQuery {
  withEmbeddings?: boolean;
  personId?: number;
  unassigned?: boolean;
}

/** One person, as `kindred people --json` prints it. */
export interface PersonSummary {
  id: number;
  name: string | null;
  faces: number;
  photos: number;
  /** The face that represents the person: chosen by the user, else the clearest one. */
  coverFaceId: number | null;
  hidden: boolean;
  /** YYYY-MM-DD or null. */
  birthDate: string | null;
}

/** A named person a face may be, waiting for the user (`kindred review`). */
export interface Suggestion {
  faceId: number;
  photo: string;
  box: Box;
  personId: number;
  personName: string;
  distance: number;
}

export interface Verification {
  distance: number;
  threshold: number;
  same: boolean;
}

export interface LibraryApi {
  listPhotos(query?: PhotoQuery): Promise<PhotoSummary[]>;
  listFaces(query?: FaceQuery): Promise<FaceSummary[]>;
}

/** The method names of LibraryApi, for the preload bridge and the IPC handlers to share. */
export const LIBRARY_API_METHODS = [
  'listPhotos',
  'listFaces',
] as const satisfies readonly (keyof LibraryApi)[];
