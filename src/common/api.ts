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

/** A photo that could not be indexed, with the reason. */
export interface FolderError {
  photoId: number;
  path: string;
  error: string;
}

/** What a correction did, in words for the user. */
export interface ChangeResult {
  message: string;
}

/** A photo in a grid: what a thumbnail and its place in the timeline need. */
export interface GridPhoto {
  id: number;
  width: number | null;
  height: number | null;
  takenAt: string | null;
}

/** Which photos a grid shows. Newest first; photos without a date come last. */
export interface PhotoFilter {
  /** Only photos with these people: all of them, or any of them with `anyPerson`. */
  personIds?: number[];
  anyPerson?: boolean;
}

/** One month of a timeline: `month` is YYYY-MM, or null for photos without a date. */
export interface TimelineMonth {
  month: string | null;
  count: number;
}

export interface PhotoPageQuery extends PhotoFilter {
  offset: number;
  limit: number;
}

/** A face as the photo viewer draws it. */
export interface PhotoFace {
  id: number;
  box: Box;
  personId: number | null;
  personName: string | null;
  /** The user confirmed this face (or drew it). */
  confirmed: boolean;
  /** A named person it may be, waiting for review. */
  suggestion: { personId: number; personName: string } | null;
}

export interface PhotoDetail {
  id: number;
  path: string;
  /** The library folder the photo belongs to. */
  folder: string;
  fileName: string;
  width: number | null;
  height: number | null;
  takenAt: string | null;
  camera: string | null;
  status: PhotoStatus;
  error: string | null;
  /**
   * Its folder cannot be read now (an unplugged drive, an unmounted share): the photo's images are
   * the previews Kindred cached, and its faces can still be named and corrected.
   */
  offline: boolean;
  faces: PhotoFace[];
}

/** A face in a person's strip. */
export interface PersonFace {
  id: number;
  photoId: number;
  takenAt: string | null;
  confirmed: boolean;
}

/** Suggested faces of one named person, closest first. */
export interface ReviewGroup {
  person: PersonSummary;
  faces: { faceId: number; photoId: number; distance: number }[];
}

/** An in-progress (or just finished) scan, for the progress bar. */
export interface ScanState {
  running: boolean;
  /** The folders being scanned. */
  folders: string[];
  /** 'walking' while files are listed, 'analysing' while faces are found, 'grouping' at the end. */
  phase: 'walking' | 'analysing' | 'grouping' | 'done' | 'failed';
  done: number;
  total: number;
  failed: number;
  /** Photos per second over the analysis so far. */
  photosPerSecond: number;
  /** Seconds left at the current speed, or null before it can be estimated. */
  etaSeconds: number | null;
  /** Set when phase is 'failed'. */
  error: string | null;
}

/** What to export (kindred export, the app's Export dialog): annotated JPEG copies of photos. */
export interface ExportRequest {
  /** Absolute path of the output folder; created when missing. */
  outDir: string;
  /** Photos with all of these people (or any of them, with `anyPerson`). */
  personIds?: number[];
  anyPerson?: boolean;
  /** These photos too. With no people and no photos: every photo with a face to draw. */
  photoIds?: number[];
  /** Also box faces without a name, labelled "?". */
  unnamed?: boolean;
  /** Longest side of the copies in pixels (never enlarged). */
  maxSize?: number;
  /** JPEG quality 1–100 (default 90). */
  quality?: number;
  /**
   * Embed the named faces in each copy as XMP face regions (MWG and Microsoft Photo), which
   * Lightroom, digiKam, Picasa, Apple Photos and Kindred itself read.
   */
  xmp?: boolean;
  /** Also write faces.csv / faces.json in the output folder. */
  csv?: boolean;
  json?: boolean;
}

export interface ExportResult extends ChangeResult {
  /** The output folder (its real path). */
  outDir: string;
  /** The copies written, absolute paths. */
  files: string[];
  /** Faces drawn (and listed) over all copies. */
  faces: number;
  /** faces.csv / faces.json when asked for. */
  lists: string[];
  /** Photos that could not be exported, with the reason. */
  failed: { photo: string; error: string }[];
}

/** What to identify (kindred identify, the app's Identify dialog): three absolute folders. */
export interface IdentifyRequest {
  /** One sub-folder per person, or photos named after the person (amy.jpg, amy 2.jpg). */
  knownDir: string;
  /** Every face in the photos under it is compared with the known people. */
  unknownDir: string;
  /** Receives an annotated copy of each unknown photo and results.csv; created when missing. */
  outDir: string;
  /** Faces closer than this to a known face are that person: above 0, at most 2 (default 0.6). */
  threshold?: number;
}

/** One face of an unknown photo and who it is. */
export interface IdentifiedFace {
  /** Absolute path of the unknown photo. */
  photo: string;
  /** The annotated copy's file name in the output folder ('' when it could not be written). */
  copy: string;
  box: Box;
  /** The known person's name, or "unknown". */
  name: string;
  /** Distance to the nearest known face; null when nobody is known. */
  distance: number | null;
}

export interface IdentifyResult extends ChangeResult {
  /** The known people with the number of their photos that were used. */
  people: { name: string; photos: number }[];
  faces: IdentifiedFace[];
  /** Known photos not used (no face, several faces, unreadable), each naming the person. */
  warnings: string[];
  /** Unknown photos that could not be read or copied. */
  failed: { photo: string; error: string }[];
  /** The output folder (its real path) and results.csv in it. */
  outDir: string;
  resultsCsv: string;
}

/** What the UI subscribes to. */
export type LibraryEvent =
  | { type: 'scan-progress'; scan: ScanState }
  /** An export is writing copies: `done` of `total`. */
  | { type: 'export-progress'; done: number; total: number }
  /** An identify is indexing the photos, then writing the annotated copies: `done` of `total`. */
  | { type: 'identify-progress'; phase: 'indexing' | 'annotating'; done: number; total: number }
  /** Something changed (a scan wrote photos, a correction): views reload what they show. */
  | { type: 'library-changed' };

/**
 * Every query and action of the app. Each method takes one options object (or nothing) and
 * answers with JSON, so it crosses IPC and HTTP alike; main validates every argument.
 */
export interface LibraryApi {
  listPhotos(query?: PhotoQuery): Promise<PhotoSummary[]>;
  listFaces(query?: FaceQuery): Promise<FaceSummary[]>;

  // People
  listPeople(options?: { includeHidden?: boolean }): Promise<PersonSummary[]>;
  getPerson(options: { personId: number }): Promise<PersonSummary>;
  personFaces(options: { personId: number; offset?: number; limit?: number }): Promise<PersonFace[]>;

  // Photos
  timeline(filter?: PhotoFilter): Promise<TimelineMonth[]>;
  photoPage(query: PhotoPageQuery): Promise<GridPhoto[]>;
  getPhoto(options: { photoId: number }): Promise<PhotoDetail>;

  // Review
  reviewGroups(): Promise<ReviewGroup[]>;

  // Corrections (issue "People")
  namePerson(options: { personId: number; name: string; merge?: boolean }): Promise<ChangeResult>;
  mergePeople(options: { personIds: number[]; intoId: number }): Promise<ChangeResult>;
  /** To an existing person, or to a new person called `newPersonName`. */
  moveFaces(options: { faceIds: number[]; personId?: number; newPersonName?: string }): Promise<ChangeResult>;
  unassignFaces(options: { faceIds: number[] }): Promise<ChangeResult>;
  /** "Not this person": from `personId`, or from the face's person or suggestion. */
  rejectFaces(options: { faceIds: number[]; personId?: number }): Promise<ChangeResult>;
  /** "Not a face": deleted, and not found again on a rescan. */
  deleteFace(options: { faceId: number }): Promise<ChangeResult>;
  setHidden(options: { personId: number; hidden: boolean }): Promise<ChangeResult>;
  setCover(options: { personId: number; faceId: number }): Promise<ChangeResult>;
  setBirthDate(options: { personId: number; birthDate: string }): Promise<ChangeResult>;
  addFace(options: {
    photoId: number;
    box: Box;
    personId?: number;
  }): Promise<ChangeResult & { faceId: number }>;
  confirmFaces(options: { faceIds: number[] }): Promise<ChangeResult>;
  confirmAll(options: { personId: number }): Promise<ChangeResult>;

  // Folders and scans
  listFolders(): Promise<FolderSummary[]>;
  folderErrors(options: { folderId: number }): Promise<FolderError[]>;
  /** Adds the folder and starts scanning it; progress arrives as 'scan-progress' events. */
  addFolder(options: { path: string }): Promise<ChangeResult>;
  /** Forgets the folder and its photos (the files on disk are never touched). */
  removeFolder(options: { folderId: number }): Promise<ChangeResult>;
  /** Scans every folder again (new, changed and removed files). */
  rescan(): Promise<ChangeResult>;
  scanState(): Promise<ScanState | null>;

  // Export
  /** Annotated copies into a folder; progress arrives as 'export-progress' events. */
  exportPhotos(options: ExportRequest): Promise<ExportResult>;
  /**
   * Names the faces under `unknownDir` after the photos under `knownDir`, in a temporary library
   * (the app's own library is not changed); progress arrives as 'identify-progress' events.
   */
  identifyPhotos(options: IdentifyRequest): Promise<IdentifyResult>;
  /**
   * XMP sidecars beside the originals of photos with named faces (of these people, or of anyone),
   * so other photo tools show the names; the photos themselves are never written.
   */
  writeSidecars(options: { personIds?: number[] }): Promise<SidecarsResult>;
}

/** What `kindred sidecars` (or the app) did for one photo. */
export interface SidecarReport {
  photo: string;
  /** The sidecar written, or null when nothing was written (see error). */
  sidecar: string | null;
  /** Named faces written as regions. */
  faces: number;
  /** Where the previous sidecar was copied before the merge, or null. */
  backup: string | null;
  /** Why nothing was written for this photo, or null. */
  error: string | null;
}

export interface SidecarsResult extends ChangeResult {
  reports: SidecarReport[];
}

/** The method names of LibraryApi, for the preload bridge and the IPC handlers to share. */
export const LIBRARY_API_METHODS = [
  'listPhotos',
  'listFaces',
  'listPeople',
  'getPerson',
  'personFaces',
  'timeline',
  'photoPage',
  'getPhoto',
  'reviewGroups',
  'namePerson',
  'mergePeople',
  'moveFaces',
  'unassignFaces',
  'rejectFaces',
  'deleteFace',
  'setHidden',
  'setCover',
  'setBirthDate',
  'addFace',
  'confirmFaces',
  'confirmAll',
  'listFolders',
  'folderErrors',
  'addFolder',
  'removeFolder',
  'rescan',
  'scanState',
  'exportPhotos',
  'writeSidecars',
  'identifyPhotos',
] as const satisfies readonly (keyof LibraryApi)[];

export type LibraryApiMethod = (typeof LIBRARY_API_METHODS)[number];

/** Fails to compile when a LibraryApi method is missing from LIBRARY_API_METHODS. */
type MissingMethods = Exclude<keyof LibraryApi, LibraryApiMethod>;
export const ALL_METHODS_LISTED: MissingMethods extends never ? true : never = true;

/** What the native folder dialog is asked for (its title and button say so). */
export type FolderPurpose = 'photos' | 'export' | 'known' | 'unknown' | 'identified';

/** The renderer's view of the library: the API, its events, and where images come from. */
export interface KindredBridge extends LibraryApi {
  /** Calls `listener` with every event until the returned function is called. */
  subscribe(listener: (event: LibraryEvent) => void): () => void;
  /**
   * The native folder dialog: in the Electron app only; browser mode asks for a typed path.
   * 'export' asks for a folder to write copies to (one can be created there); 'known' and
   * 'unknown' ask for the Identify dialog's folders of photos to read, 'identified' for its output.
   */
  chooseFolder?: (purpose?: FolderPurpose) => Promise<string | null>;
}

/** The kinds of image the media endpoints serve, always by id. */
export type MediaKind = 'thumb' | 'face' | 'photo';

/** The Electron app's image protocol; browser mode serves the same paths under /media/. */
export const MEDIA_SCHEME = 'kindred-media';
