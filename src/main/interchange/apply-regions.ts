import type { FacesRepository } from '../repositories/faces';
import type { PeopleRepository } from '../repositories/people';
import type { AnalysedRegion } from '../vision/task';
import { matchRegions, sameFace } from './match-regions';

export interface RegionsApplied {
  /** Faces given a name from a region. */
  named: number;
  /** Faces created from regions no face matched. */
  added: number;
}

/**
 * Inside the writer's transaction, right after a photo's faces are stored: each named region
 * names the stored face it overlaps best (one to one), as a user decision, to the person of that
 * exact name (made when nobody has it yet). What the user decided in Kindred wins: a face with a
 * decision keeps it, a face rejected from that person is not given to them, and a region over a
 * face deleted as "not a face" does not bring it back. A region no face matches becomes a drawn
 * face, embedded by the worker from the region's box.
 */
export function applyRegions(
  deps: { faces: FacesRepository; people: PeopleRepository },
  photoId: number,
  regions: readonly AnalysedRegion[],
  now: string,
): RegionsApplied {
  const applied: RegionsApplied = { named: 0, added: 0 };
  if (regions.length === 0) return applied;
  const stored = deps.faces.ofPhoto(photoId);
  const matches = matchRegions(
    regions.map((region) => region.box),
    stored.map((face) => face.box),
  );
  const tombstones = deps.faces.tombstonesOf(photoId);

  regions.forEach((region, i) => {
    const match = matches[i];
    let faceId: number;
    if (match !== undefined) {
      faceId = stored[match].id;
      if (deps.faces.get(faceId)?.decided) return;
    } else {
      // A detected face was here and the user deleted it, or the region could not be embedded.
      if (!region.face || tombstones.some((box) => sameFace(region.box, box))) return;
      faceId = deps.faces.insertManual(photoId, region.face, now);
      applied.added++;
    }
    const existing = deps.people.findByName(region.name);
    if (existing && deps.faces.isRejected(faceId, existing.id)) return;
    deps.faces.decide(faceId, existing?.id ?? deps.people.insert(region.name, now), now);
    applied.named++;
  });
  return applied;
}
