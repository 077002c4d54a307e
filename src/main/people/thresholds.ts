/**
 * Distances are Euclidean between 128-d descriptors (dlib's scale: one person < 0.6).
 * Measured on the fixtures (docs/people.md): same-person pairs have a median of 0.45 and a 95th
 * percentile of 0.56; the closest pair of different people was 0.60. Precision matters more
 * than recall (two people merged is the error users hate most), so automatic decisions stay
 * well inside 0.6 and the band up to 0.6 only produces suggestions.
 */
export const GROUPING = {
  /** How many nearest faces grouping looks at. */
  neighbours: 16,
  /** A face joins a person when that person's nearest face is this close… */
  joinDistance: 0.5,
  /** …and its nearest (up to) three faces are this close on average (a guard against chaining). */
  joinMeanDistance: 0.55,
  /** Two candidate people closer than this to each other in distance to the face: too close to call. */
  ambiguityMargin: 0.04,
  /** Faces within this distance of each other count as neighbours when founding a person. */
  foundDistance: 0.5,
  /** A new person needs this many faces (the founder included) within foundDistance. */
  minFacesToFound: 3,
  /** Stands in for the distance to a person's face that is not among the neighbours at all. */
  absentDistance: 0.7,
  /** A face no farther than this from a named person's confirmed faces is suggested for review. */
  suggestDistance: 0.6,
  /** Faces smaller than this (pixels, shorter side) can join a person but never found one. */
  minFoundingFacePx: 50,
  /** Detections less sure than this can join a person but never found one. */
  minFoundingScore: 0.7,
  /** How many rounds of "neighbours of newly grouped faces get another look". */
  maxRounds: 6,
} as const;

/** `kindred verify`'s decision threshold: dlib's own for this network (99.38% on LFW). */
export const VERIFY_THRESHOLD = 0.6;
