export interface Migration {
  /** Becomes PRAGMA user_version once applied; numbered from 1 without gaps. */
  version: number;
  name: string;
  /** Plain SQL, run inside the migration's transaction. */
  up: string;
}
