/**
 * The files of the embedded media store (blob-store.ts), for `textvault snapshot`
 * (vault/snapshot/take-snapshot.ts), which copies an embedded vault file by file while imports
 * run. LOCAL-ONLY: the one place outside this folder that may know where blobs are, allowed by
 * name in test/repository/media-seam.test.ts. A vault whose media are in an object store is not
 * snapshotted by copying files (its media are content-addressed objects written once; the
 * store's own versioning or replication keeps them), so nothing here has an S3 counterpart.
 */
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { PACK_SUFFIX } from './pack-file.js';

/** The embedded store's folder in a vault folder. */
export const LOCAL_MEDIA_DIR = 'blobs';
/** The pack index, below the store's folder. */
export const PACK_INDEX_FILE = 'packs/index.db';
const PACK_DIR = 'packs';
const SHA256_HEX = /^[0-9a-f]{64}$/;
const HEX2 = /^[0-9a-f]{2}$/;

export interface LocalMediaFile {
  /** Below the store's folder, with `/`. */
  rel: string;
  size: number;
  /** The pack's name, for a pack. */
  pack?: string;
}

/**
 * Published packs with their sizes now, and blobs of their own, in a stable order. Temp files and
 * unpublished packs (an import in progress, or one that was killed) hold nothing the archive
 * refers to. Packs are only appended to, so a pack copied up to the size listed here holds every
 * blob an index read before the listing names.
 */
export function localMediaFiles(storeDir: string): LocalMediaFile[] {
  const out: LocalMediaFile[] = [];
  const packDir = path.join(storeDir, PACK_DIR);
  for (const name of safeReaddir(packDir).sort()) {
    if (!name.endsWith(PACK_SUFFIX)) continue;
    out.push({ rel: `${PACK_DIR}/${name}`, size: fs.statSync(path.join(packDir, name)).size, pack: name });
  }
  for (const a of safeReaddir(storeDir).sort()) {
    if (!HEX2.test(a)) continue;
    for (const b of safeReaddir(path.join(storeDir, a)).sort()) {
      for (const name of safeReaddir(path.join(storeDir, a, b)).sort()) {
        if (SHA256_HEX.test(name)) out.push({ rel: `${a}/${b}/${name}`, size: fs.statSync(path.join(storeDir, a, b, name)).size });
      }
    }
  }
  return out;
}

/** Per pack, the end of the last blob a (frozen copy of the) pack index names in it. */
export function packEndsOf(index: BetterSqlite3.Database): Map<string, number> {
  const rows = index.prepare<[], { pack: string; end: number }>('SELECT pack, max(offset + size) AS "end" FROM packed GROUP BY pack').all();
  return new Map(rows.map((r) => [r.pack, r.end]));
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
