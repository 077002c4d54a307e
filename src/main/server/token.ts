import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `candidate` is the server's token, in time that depends on neither where the two differ
 * nor how long the candidate is: both are hashed to 32 bytes first, so `timingSafeEqual` always
 * compares equal lengths and a wrong length is not answered any faster than a wrong byte.
 */
export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  // Hash even a missing candidate, so that "no token" costs the same as a wrong one.
  const same = timingSafeEqual(digest(candidate ?? ''), digest(token));
  return same && typeof candidate === 'string' && candidate.length > 0;
}
