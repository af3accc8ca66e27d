/**
 * The media seam (issue 24, docs/architecture.md "The storage seam"): outside src/blobs/ the media
 * are reached only through the MediaStore interface (src/blobs/media-store.ts), so an S3 store can
 * stand in for the embedded one. Nothing there may know where a blob is: no blob paths (pathFor,
 * a store's root), no concrete store, no pack internals. Exceptions are named here with why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

/**
 * What code outside src/blobs/ may import from it: the interface, opening a store by location,
 * copying a blob out by stream, and the S3 connection settings (endpoint, region, credentials from
 * the AWS variables), which snapshots to a bucket share; none of these knows where a blob is.
 */
const OPEN_MODULES = new Set(['media-store', 'open-media-store', 'blob-file', 's3/s3-location', 's3/s3-client']);

/** Files outside src/blobs/ allowed to import one more module of it, and why. */
const ALLOWED_IMPORTS: Record<string, { module: string; why: string }> = {
  'vault/snapshot/take-snapshot.ts': {
    module: 'local-files',
    why: 'textvault snapshot copies an embedded vault file by file (packs up to their indexed end); local-only by design',
  },
};

/** Ways of reaching a blob by where it is, or the concrete local store. */
const FORBIDDEN: { pattern: RegExp; what: string }[] = [
  { pattern: /\bpathFor\s*\(/, what: 'a blob path (pathFor)' },
  { pattern: /\bblobs\??\.root\b/, what: "a media store's root folder" },
  { pattern: /\bblobsRoot\b/, what: "a media store's root folder handed on (pass its location)" },
  { pattern: /\.copyTo\s*\(\s*sha/, what: 'a blob copied by path (use blob-file.ts writeBlobFile)' },
  { pattern: /\bnew BlobStore\b/, what: 'the concrete local store (open it with openMediaStore)' },
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const outside = sourceFiles(SRC)
  .map((f) => path.relative(SRC, f).split(path.sep).join('/'))
  .filter((f) => !f.startsWith('blobs/'));

describe('the media seam', () => {
  it('code outside src/blobs/ imports only the media store interface from it', () => {
    expect(outside.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const f of outside) {
      const text = fs.readFileSync(path.join(SRC, f), 'utf8');
      for (const m of text.matchAll(/from\s+'((?:\.\.\/)+blobs\/([\w/-]+))\.js'/g)) {
        const module = m[2] ?? '';
        if (OPEN_MODULES.has(module) || ALLOWED_IMPORTS[f]?.module === module) continue;
        offenders.push(`${f} imports blobs/${module}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('nothing outside src/blobs/ reaches a blob by its path', () => {
    const offenders: string[] = [];
    for (const f of outside) {
      const lines = fs.readFileSync(path.join(SRC, f), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const { pattern, what } of FORBIDDEN) if (pattern.test(line)) offenders.push(`${f}:${String(i + 1)}: ${what}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('every allowed exception still exists (a stale allow-list hides nothing)', () => {
    for (const [f, { module }] of Object.entries(ALLOWED_IMPORTS)) {
      expect(fs.readFileSync(path.join(SRC, f), 'utf8')).toContain(`blobs/${module}.js'`);
    }
  });
});
