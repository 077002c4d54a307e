/** A mistake in how the command was called or in what it was pointed at: message, exit code 2. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** The library is busy (another process indexes it, or held it locked too long): try again later (EX_TEMPFAIL). */
export const EXIT_BUSY = 75;
