import type { Box } from '../../common/api';
import { csvDocument } from './csv';

/** One face in faces.csv / faces.json. */
export interface FaceListRow {
  /** The original photo's absolute path. */
  photo: string;
  /** The copy's file name in the output folder. */
  copy: string;
  takenAt: string | null;
  /** Pixels of the upright original. */
  box: Box;
  /** Fractions (0–1) of the upright width and height: the same on the original and the copy. */
  normalizedBox: Box;
  personId: number | null;
  personName: string | null;
  /** The detector's confidence (1 for a face drawn by hand). */
  score: number;
}

const round = (value: number, places: number) => Number(value.toFixed(places));

export function faceListCsv(rows: readonly FaceListRow[]): string {
  return csvDocument(
    [
      'photo',
      'copy',
      'taken_at',
      'x',
      'y',
      'width',
      'height',
      'x_norm',
      'y_norm',
      'width_norm',
      'height_norm',
      'person_id',
      'person_name',
      'score',
    ],
    rows.map((row) => [
      row.photo,
      row.copy,
      row.takenAt,
      round(row.box.x, 1),
      round(row.box.y, 1),
      round(row.box.width, 1),
      round(row.box.height, 1),
      round(row.normalizedBox.x, 6),
      round(row.normalizedBox.y, 6),
      round(row.normalizedBox.width, 6),
      round(row.normalizedBox.height, 6),
      row.personId,
      row.personName,
      round(row.score, 4),
    ]),
  );
}

export function faceListJson(rows: readonly FaceListRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}
