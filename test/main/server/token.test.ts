/**
 * The token compare of `kindred serve` must not answer faster for a wrong length or an early
 * wrong byte. Time cannot be asserted, so the test checks how: every candidate, whatever its
 * length, reaches crypto.timingSafeEqual as two buffers of the same length.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const crypto = vi.hoisted(() => ({ calls: [] as [Buffer, Buffer][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    crypto.calls.push([
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ]);
    return original.timingSafeEqual(a, b);
  };
  return { ...original, default: { ...original, timingSafeEqual }, timingSafeEqual };
});

const { tokenMatches } = await import('../../../src/main/server/token');

const TOKEN = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg';

beforeEach(() => crypto.calls.splice(0));

describe('tokenMatches', () => {
  it('accepts the token and nothing else', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    for (const wrong of [
      '',
      null,
      undefined,
      TOKEN.slice(0, -1),
      `${TOKEN}x`,
      `x${TOKEN.slice(1)}`,
      TOKEN.toLowerCase(),
      `${TOKEN}\0`,
      TOKEN.repeat(100),
    ]) {
      expect(tokenMatches(wrong, TOKEN), JSON.stringify(wrong)).toBe(false);
    }
  });

  it.each([
    ['the same length', `x${TOKEN.slice(1)}`],
    ['one byte short', TOKEN.slice(0, -1)],
    ['much longer', TOKEN.repeat(50)],
    ['empty', ''],
    ['missing', null],
  ])('compares a candidate of %s in constant time, on equal-length buffers', (_what, candidate) => {
    expect(tokenMatches(candidate, TOKEN)).toBe(false);
    expect(crypto.calls).toHaveLength(1);
    const [[a, b]] = crypto.calls;
    expect(a.length).toBe(b.length);
    expect(a.length).toBe(32);
  });
});
