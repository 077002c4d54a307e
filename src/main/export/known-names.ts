import path from 'node:path';

/**
 * Who a photo under the `--known` folder shows: the name of its first sub-folder
 * (`known/Grandma/beach.jpg` → "Grandma"), or for a photo directly inside, its file name without
 * the extension and without a trailing number after a space, "_" or "-"
 * (`Grandma.jpg`, `Grandma_2.jpg`, `Grandma 3.png` → "Grandma").
 */
export function knownPersonName(knownDir: string, photoPath: string): string {
  const parts = path.relative(knownDir, photoPath).split(path.sep);
  if (parts.length > 1) return parts[0];
  const base = parts[0];
  const stem = base.slice(0, base.length - path.extname(base).length) || base;
  return stem.replace(/[ _-]+\d+$/, '').trim() || stem;
}
