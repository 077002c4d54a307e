import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvDocument, csvField } from '../../../src/main/export/csv';
import { copyFileNames } from '../../../src/main/export/file-names';
import { knownPersonName } from '../../../src/main/export/known-names';

describe('copyFileNames', () => {
  it('keeps both of two IMG_0001.jpg from different folders, the older photo first', () => {
    const names = copyFileNames([
      { id: 7, path: '/b/IMG_0001.JPG' },
      { id: 3, path: '/a/IMG_0001.jpg' },
      { id: 5, path: '/a/beach.png' },
    ]);
    expect(names.get(3)).toBe('IMG_0001.jpg');
    expect(names.get(7)).toBe('IMG_0001 (2).jpg');
    expect(names.get(5)).toBe('beach.jpg');
  });

  it('gives a photo the same name whatever is added later, and never a name a photo already has', () => {
    const before = copyFileNames([
      { id: 1, path: '/a/x.jpg' },
      { id: 2, path: '/b/x.jpg' },
    ]);
    const after = copyFileNames([
      { id: 1, path: '/a/x.jpg' },
      { id: 2, path: '/b/x.jpg' },
      { id: 3, path: '/c/x (2).jpg' },
      { id: 4, path: '/d/X.jpeg' },
    ]);
    expect(after.get(1)).toBe(before.get(1));
    expect(after.get(2)).toBe(before.get(2));
    const all = [...after.values()].map((name) => name.toLowerCase());
    expect(new Set(all).size).toBe(all.length);
    expect(after.get(3)).toBe('x (2) (2).jpg');
  });

  it('makes names that stay inside the output folder', () => {
    const names = copyFileNames([
      { id: 1, path: '/a/we:ird*na"me.tiff' },
      { id: 2, path: '/a/.jpg' },
    ]);
    for (const name of names.values()) expect(path.basename(name)).toBe(name);
    expect(names.get(1)).toBe('we_ird_na_me.jpg');
  });
});

describe('csv', () => {
  it('quotes commas, quotes, line breaks and edge spaces, and leaves plain text alone', () => {
    expect(csvField('Ann')).toBe('Ann');
    expect(csvField('Smith, Ann')).toBe('"Smith, Ann"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.5)).toBe('0.5');
    expect(csvDocument(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
});

describe('knownPersonName', () => {
  it('reads a sub-folder name, or a file name without a trailing number', () => {
    expect(knownPersonName('/k', '/k/Grandma/beach 2019.jpg')).toBe('Grandma');
    expect(knownPersonName('/k', '/k/Grandma/sub/x.jpg')).toBe('Grandma');
    expect(knownPersonName('/k', '/k/Grandma.jpg')).toBe('Grandma');
    expect(knownPersonName('/k', '/k/Grandma_2.jpg')).toBe('Grandma');
    expect(knownPersonName('/k', '/k/Uncle Bob 3.png')).toBe('Uncle Bob');
    expect(knownPersonName('/k', '/k/R2D2.png')).toBe('R2D2');
  });
});
