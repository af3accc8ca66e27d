import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

export const GOLDEN = path.resolve(import.meta.dirname, '../fixtures/exports/golden');

/** Compares bytes to a golden file; UPDATE_GOLDEN=1 rewrites it instead (review the diff). */
export function expectGolden(name: string, actual: Buffer | string): void {
  const file = path.join(GOLDEN, name);
  const bytes = typeof actual === 'string' ? Buffer.from(actual, 'utf8') : actual;
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  }
  expect(bytes.toString('utf8')).toBe(fs.readFileSync(file, 'utf8'));
  expect(bytes.equals(fs.readFileSync(file))).toBe(true);
}

export const EXPORT_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/exports');
