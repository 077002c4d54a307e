import { UserInputError } from '../services/errors';

export const DEFAULT_QUALITY = 90;
export const MIN_MAX_SIZE = 64;
/** JPEG cannot be larger than this on a side. */
export const MAX_MAX_SIZE = 65_500;

/** Checks --max-size and --quality (from the CLI or the app) and names the value that is wrong. */
export function checkCopyOptions(options: { maxSize?: number; quality?: number }): {
  maxSize?: number;
  quality: number;
} {
  const { maxSize, quality = DEFAULT_QUALITY } = options;
  if (
    maxSize !== undefined &&
    (!Number.isInteger(maxSize) || maxSize < MIN_MAX_SIZE || maxSize > MAX_MAX_SIZE)
  ) {
    throw new UserInputError(
      `Invalid max size ${maxSize}: give the longest side in pixels, a whole number from ${MIN_MAX_SIZE} to ${MAX_MAX_SIZE}.`,
    );
  }
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new UserInputError(
      `Invalid JPEG quality ${quality}: give a whole number from 1 to 100 (default ${DEFAULT_QUALITY}).`,
    );
  }
  return { maxSize, quality };
}

/** A whole-number option as typed on the command line; a clear error naming it when it is not one. */
export function parseWholeNumber(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(text))
    throw new UserInputError(`${option} must be a whole number (got "${text}").`);
  return Number(text);
}
