import { describe, expect, it } from 'vitest';
import { printable } from '../../../src/main/cli/printable';
import { renderTable } from '../../../src/main/cli/table';

describe('printable', () => {
  it('leaves ordinary text, accents and emoji alone', () => {
    for (const text of [
      '/home/ann/Pictures/a b.jpg',
      'Ünïcødé 相片',
      '👨‍👩‍👧 family 🎉.jpg',
      'C:\\Photos\\x.jpg',
    ]) {
      expect(printable(text)).toBe(text);
    }
  });

  it('shows newlines, tabs, escapes, DEL, C1 and bidi overrides as visible escapes', () => {
    expect(printable('new\nline\r\t.jpg')).toBe('new\\nline\\r\\t.jpg');
    expect(printable('\x1b[31mred\x1b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(printable('\x00\x7f\x9b')).toBe('\\x00\\x7f\\x9b');
    expect(printable('photo\u202egpj.exe')).toBe('photo\\u{202e}gpj.exe');
  });

  it('keeps a table row on one line whatever the cell holds', () => {
    const table = renderTable(
      ['id', 'path'],
      [
        [1, 'a\nb.jpg'],
        [2, '\x1b]0;title\x07.jpg'],
      ],
    );
    expect(table.split('\n')).toHaveLength(4);
    expect(table).toContain('a\\nb.jpg');
    expect(table).toContain('\\x1b]0;title\\x07.jpg');
  });
});
