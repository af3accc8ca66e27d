import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

/** A fresh temp folder, removed after the test. */
export function tempDir(prefix = 'textvault-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The project's own sample backups (see test/fixtures/README.md). */
export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}
