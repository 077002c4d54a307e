/**
 * Checks on what arrives over IPC. The renderer is untrusted: every LibraryApi method takes at most one
 * argument, an options object, so anything else is refused before it reaches a service.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Returns the one optional options argument of `method`, or throws an error naming the method. */
export function optionsArgument(
  method: string,
  args: readonly unknown[],
): Record<string, unknown> | undefined {
  if (args.length > 1) {
    throw new TypeError(
      `kindred:${method} takes at most one argument (an options object), got ${args.length}.`,
    );
  }
  const [arg] = args;
  if (arg === undefined || isPlainObject(arg)) return arg;
  throw new TypeError(`kindred:${method} expects an options object or nothing, got ${describe(arg)}.`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'an unknown class'}`;
  return `a ${typeof value}`;
}
