/**
 * The repository stands alone: a fresh clone has no folder beside it, so no tracked file outside
 * the conformance suite (test/conformance/, which skips itself without its samples) may name the
 * shared folder the developers' machines keep next to the project.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
// Spelled in pieces so that this file does not name it either.
const SHARED = ['..', 'shared'].join('/');
const NAMES = new RegExp(`${SHARED.replace(/\./g, '\\.')}\\b|\\bshared/(fixtures|FORMATS\\.md|STYLE\\.md|hooks|peers)\\b`);
const ALLOWED = ['test/conformance/'];

/** Tracked files: git's list in a clone, else every file below the root but build output. */
function trackedFiles(): string[] {
  const git = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  if (git.status === 0) return git.stdout.split('\0').filter((f) => f !== '');
  const skip = new Set(['node_modules', 'dist', '.git']);
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = dir === '' ? e.name : `${dir}/${e.name}`;
      if (skip.has(e.name)) return [];
      return e.isDirectory() ? walk(rel) : [rel];
    });
  return walk('');
}

describe('the repository stands alone', () => {
  it(`no tracked file outside ${ALLOWED.join(' and ')} names ${SHARED}`, () => {
    const files = trackedFiles();
    expect(files).toContain('package.json');
    const offenders = files
      .filter((f) => !ALLOWED.some((a) => f.startsWith(a)) && fs.existsSync(path.join(ROOT, f)))
      .flatMap((f) => {
        const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
        return text.split('\n').flatMap((line, i) => (NAMES.test(line) ? [`${f}:${String(i + 1)}: ${line.trim()}`] : []));
      });
    expect(offenders).toEqual([]);
  });

  it('the own fixtures cover every case of test/fixtures/README.md', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'test/fixtures/README.md'), 'utf8');
    const listed = [...new Set([...readme.matchAll(/`((?:sbr|dedup)\/[\w.-]+\.xml)`/g)].map((m) => m[1]))];
    const present = ['sbr', 'dedup'].flatMap((d) => fs.readdirSync(path.join(ROOT, 'test/fixtures', d)).map((n) => `${d}/${n}`));
    expect(listed.sort()).toEqual(present.sort());
  });
});
