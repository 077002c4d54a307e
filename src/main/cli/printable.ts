/**
 * Control characters (C0, DEL, C1) and the bidirectional overrides. A file name may hold any of
 * them: printed raw, a newline splits a table row in two, an ESC sequence recolours or retitles
 * the terminal, and a right-to-left override makes "gpj.exe" read as "exe.jpg".
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text safe to print on one terminal line: each unsafe character becomes a visible escape
 * (`\n`, `\x1b`, `\u{202e}`). Printable Unicode, emoji included, is left alone; `--json` output
 * never goes through this (JSON escapes what it must and keeps the exact path).
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const named = NAMED[char];
    if (named) return named;
    const code = char.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
