/**
 * fast-check arbitraries of random and malformed arguments for any LibraryApi method, derived
 * from its valibot schema (services/api-schemas.ts), so a method added later is fuzzed the same
 * way with no change here. Each argument list is a mix of near-valid options (right keys, some
 * values wrong) and plain junk: wrong types, huge strings, NaN/Infinity/negative numbers,
 * prototype-pollution keys, deep nesting, extra arguments, path strings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll } from 'vitest';
import { API_SCHEMAS } from '../../src/main/services/api-schemas';

/**
 * An absolute folder that does not exist, inside a temporary folder of the test file (removed after
 * it): a call that accepts it (an export creates its output folder) writes nowhere else.
 */
const FUZZ_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-fuzz-'));
afterAll(() => fs.rmSync(FUZZ_DIR, { recursive: true, force: true }));
const ABSENT_FOLDER = path.join(FUZZ_DIR, 'no-such-folder');

export const HOSTILE_STRINGS = [
  '',
  ' ',
  '../../etc/passwd',
  '..\\..\\..\\Windows\\win.ini',
  '/etc/passwd',
  '/dev/zero',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'file:///etc/passwd',
  '\u0000',
  'line\nbreak',
  '__proto__',
  'constructor',
  "'; DROP TABLE photos; --",
  '<img src=x onerror=alert(1)>',
  '\u202egpj.exe',
  '1',
  '-1',
  'NaN',
  '9'.repeat(400),
  'x'.repeat(100_000),
];

export const HOSTILE_NUMBERS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  0,
  -0,
  0.5,
  1.000001,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  -Number.MAX_VALUE,
];

/** Never a real folder: a random "/" must not send a fuzzed addFolder off to scan the disk. */
const isExistingFolder = (text: string) => {
  try {
    return path.isAbsolute(text) && fs.statSync(text).isDirectory();
  } catch {
    return false;
  }
};
const safeString = fc.string({ unit: 'binary', maxLength: 40 }).filter((text) => !isExistingFolder(text));

/** An object holding `key` as an own property (a literal `__proto__:` would set the prototype). */
function withOwnKey(
  key: string,
  value: unknown,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const object = { ...base };
  Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
  return object;
}

/** `depth` levels of nesting, built without recursion. */
function nested(depth: number, asArray: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

const leaf = fc.oneof(
  fc.constantFrom<unknown>(...HOSTILE_STRINGS, ...HOSTILE_NUMBERS, null, undefined, true, false),
  safeString,
  fc.integer(),
  fc.double(),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: leaf },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, values: [leaf] }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      JSON.parse('{"__proto__": {"polluted": true}}'),
      withOwnKey('constructor', { prototype: { polluted: true } }),
      withOwnKey('prototype', { polluted: true }),
      Object.create(null),
      [],
      {},
      new Array(20_000).fill(1),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 50, max: 3000 }), fc.boolean()).map(([d, a]) => nested(d, a)),
  },
);

interface SchemaNode {
  type: string;
  wrapped?: SchemaNode;
  entries?: Record<string, SchemaNode>;
  item?: SchemaNode;
  options?: unknown[];
}

/** Values shaped by `schema`, each part sometimes swapped for a hostile value. */
export function nearValid(schema: SchemaNode): fc.Arbitrary<unknown> {
  const shaped = shapedBy(schema);
  return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: hostileValue });
}

function shapedBy(schema: SchemaNode): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'optional':
    case 'nullable':
    case 'nullish':
    case 'exact_optional':
      return fc.oneof(fc.constant(undefined), nearValid(schema.wrapped!));
    case 'object':
    case 'strict_object':
    case 'loose_object': {
      const entries = Object.entries(schema.entries ?? {});
      const record = fc.record(Object.fromEntries(entries.map(([key, entry]) => [key, nearValid(entry)])), {
        requiredKeys: [],
      });
      const extraKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'path', 'file', 'sql');
      return fc.oneof(
        { weight: 4, arbitrary: record },
        {
          weight: 1,
          arbitrary: fc
            .tuple(record, extraKey, hostileValue)
            .map(([base, key, value]) => withOwnKey(key, value, base)),
        },
      );
    }
    case 'number':
      return fc.oneof(
        // Ids no library row has: a valid shape that only the library can refuse.
        fc.integer({ min: 1_000_000, max: 2 ** 31 }),
        fc.integer({ min: -3, max: 4 }),
        fc.double(),
        fc.constantFrom(...HOSTILE_NUMBERS),
      );
    case 'string':
      return fc.oneof(safeString, fc.constantFrom('Ada', '1987-05-14', ABSENT_FOLDER, ...HOSTILE_STRINGS));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.oneof(
        fc.array(nearValid(schema.item!), { maxLength: 6 }),
        fc.constant(new Array(20_000).fill(1_000_001)),
      );
    case 'picklist':
      return fc.constantFrom(...(schema.options ?? [null]), 'ERROR', '');
    default:
      return hostileValue;
  }
}

/**
 * Values of the right shape and type everywhere (ids of rows the library may well have, names,
 * dates), so that calls get past the argument check and meet what only the library can refuse:
 * a person merged into itself, a cover that is not their face, an id that is gone.
 */
export function wellTyped(schema: SchemaNode): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'optional':
    case 'nullable':
    case 'nullish':
    case 'exact_optional':
      return fc.option(wellTyped(schema.wrapped!), { nil: undefined });
    case 'object':
    case 'strict_object':
    case 'loose_object': {
      const entries = Object.entries(schema.entries ?? {});
      return fc.record(Object.fromEntries(entries.map(([key, entry]) => [key, wellTyped(entry)])));
    }
    case 'number':
      return fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) },
        fc.integer({ min: 0, max: 600 }),
      );
    case 'string':
      return fc.constantFrom('Ada', 'Grace Hopper', '1987-05-14', '2999-01-01', '42', ABSENT_FOLDER, ' ');
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(wellTyped(schema.item!), { minLength: 1, maxLength: 4 });
    case 'picklist':
      return fc.constantFrom(...(schema.options ?? [null]));
    default:
      return hostileValue;
  }
}

/** Argument lists for `method`: mostly one near-valid options object, sometimes junk or extra arguments. */
export function argumentsFor(method: string): fc.Arbitrary<unknown[]> {
  const schema = (API_SCHEMAS as Record<string, SchemaNode | undefined>)[method];
  const options = schema ? nearValid(schema) : hostileValue;
  const typed = schema ? wellTyped(schema) : hostileValue;
  return fc.oneof(
    { weight: 4, arbitrary: typed.map((value) => [value]) },
    { weight: 6, arbitrary: options.map((value) => [value]) },
    { weight: 2, arbitrary: fc.array(hostileValue, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.tuple(options, hostileValue).map((pair) => [...pair]) },
  );
}

/** Runs per method: enough to cover every key with junk, few enough for the file to stay fast. */
export const RUNS_PER_METHOD = 40;
