/**
 * A folder of SMS Backup+ mail saved as .eml files. Apart from the reader (unit.ts) so that
 * telling such a folder from other input loads no mail parser.
 */
import fs from 'node:fs';
import path from 'node:path';

export function emlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.toLowerCase().endsWith('.eml'))
    .map((d) => d.name)
    .sort()
    .map((n) => path.join(dir, n));
}

export function isEmlFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory() && emlFiles(dir).length > 0;
  } catch {
    return false;
  }
}
