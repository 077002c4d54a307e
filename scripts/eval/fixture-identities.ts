import path from 'node:path';

import { type ManifestFile } from '../../test/support/fixtures';

export { FIXTURES, readManifest } from '../../test/support/fixtures';

export interface PlacedFace {
  id: number;
  box: { x: number; y: number; width: number; height: number };
}

const centreX = (face: PlacedFace) => face.box.x + face.box.width / 2;
const centreY = (face: PlacedFace) => face.box.y + face.box.height / 2;
const leftToRight = (faces: readonly PlacedFace[]) => [...faces].sort((a, b) => centreX(a) - centreX(b));

/**
 * The identity of each detected face of a fixture photo, by the manifest: a people/ crop is its
 * person; a group photo lists people left to right (bbt4 in two rows, back row first; bbt2 with an
 * unlabeled man at the left edge). A group whose face count differs from the manifest's gets no
 * names at all, so a missed face can never shift a name onto the wrong person.
 */
export function identify(file: ManifestFile, faces: readonly PlacedFace[]): Map<number, string> {
  const names = new Map<number, string>();
  if (file.identity && faces.length === 1) names.set(faces[0].id, file.identity);
  const identities = file.identities ?? [];
  if (identities.length === 0) return names;
  const unlabeled = file.unlabeled_faces ?? 0;
  let ordered: PlacedFace[] = [];
  if (path.basename(file.path) === 'bbt4.jpg' && faces.length === 6) {
    const byHeight = [...faces].sort((a, b) => centreY(a) - centreY(b));
    ordered = [...leftToRight(byHeight.slice(0, 3)), ...leftToRight(byHeight.slice(3))];
  } else if (faces.length === identities.length + unlabeled) {
    ordered = leftToRight(faces).slice(unlabeled);
  } else if (faces.length === identities.length) {
    ordered = leftToRight(faces);
  }
  ordered.forEach((face, i) => names.set(face.id, identities[i]));
  return names;
}
