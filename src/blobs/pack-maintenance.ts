/**
 * Work on the packs as a whole, beside the imports that append to them: rebuilding a lost or
 * damaged index from the packs' own headers, taking in or removing packs no index row refers to,
 * and compaction (rewriting packs with dead space, of the old format, or too small, into new
 * ones). The vault decides when each may run (vault/gc.ts, vault/repair.ts); this file only
 * knows packs.
 *
 * Compaction is safe beside imports because a pack the index lists is never appended to again
 * (pack-file.ts): the blobs it copies cannot change under it, and an import only ever adds rows
 * for blobs the index lacks. Each output pack is committed in one index transaction that moves
 * its blobs' rows to it and drops the packs it emptied; the files are removed after. A kill at
 * any point leaves an output pack no row refers to, or emptied packs: both are noted in the
 * index's gc_packs table before they exist, and finishInterrupted() removes them.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACK_SUFFIX, PackFile } from './pack-file.js';
import { BLOB_HEADER_BYTES, PACK_HEADER_BYTES, blobHeader, packFormatOf, scanPack } from './pack-format.js';
import type { PackIndex } from './pack-index.js';

const fsyncAsync = promisify(fs.fsync);

/** What gc writes until its pack is complete; an import's cleanup (`.pack.tmp`) never touches it. */
export const GC_SUFFIX = `${PACK_SUFFIX}.gc`;

export interface IndexRebuild {
  /** Packs in blobs/packs. */
  packs: number;
  /** Format 2 packs read from their headers, and the blobs found in them. */
  scannedPacks: number;
  blobsFound: number;
  /** Blobs the index lacked and now has. */
  blobsAdded: number;
  /** Format 1 packs (no headers) the index still lists: readable, but lost with the index; gc rewrites them. */
  oldFormatIndexed: string[];
  /** Format 1 packs the index does not list: their media cannot be found from the packs alone. */
  oldFormatUnindexed: string[];
  /** Where a damaged index was moved before a new one was built. */
  damagedIndexMovedTo?: string;
}

export interface CompactOptions {
  /** An output pack is closed at this size. */
  packMaxBytes: number;
  /** Packs below this size are merged (when there are at least two). */
  smallPackBytes: number;
  /** A pack whose dead bytes are more than this share of it is rewritten. */
  deadShare: number;
  onProgress?: (done: number, total: number) => void;
}

export interface CompactReport {
  /** Packs rewritten (their blobs copied into new packs, the files removed). */
  packsRewritten: number;
  /** Of them, packs of format 1 (now format 2). */
  oldFormatRewritten: number;
  packsWritten: number;
  blobsMoved: number;
  /** File bytes of the packs rewritten, less those of the packs written. */
  bytesReclaimed: number;
  /** Packs left as they were because a blob in them does not hash to its name. */
  damaged: string[];
}

export function isSqliteCorruption(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** The pack files (final names) in the folder. */
export function packFiles(packDir: string): string[] {
  return fs
    .readdirSync(packDir)
    .filter((n) => n.endsWith(PACK_SUFFIX))
    .sort();
}

/**
 * Adds to the index every blob the format 2 packs hold that it lacks (INSERT OR IGNORE: rows it has
 * stay). An index SQLite cannot read is moved aside first and a new one built.
 */
export function rebuildIndex(packDir: string, index: PackIndex): IndexRebuild {
  let damagedIndexMovedTo: string | undefined;
  try {
    index.create();
    if (index.quickCheck().length > 0) throw Object.assign(new Error('quick_check failed'), { code: 'SQLITE_CORRUPT' });
  } catch (e) {
    if (!isSqliteCorruption(e)) throw e;
    index.close();
    const file = path.join(packDir, 'index.db');
    damagedIndexMovedTo = `${file}.damaged-${Date.now()}`;
    fs.renameSync(file, damagedIndexMovedTo);
    for (const ext of ['-wal', '-shm']) fs.rmSync(`${file}${ext}`, { force: true });
    index.create();
  }
  const listed = index.packs();
  const report: IndexRebuild = { packs: 0, scannedPacks: 0, blobsFound: 0, blobsAdded: 0, oldFormatIndexed: [], oldFormatUnindexed: [] };
  if (damagedIndexMovedTo !== undefined) report.damagedIndexMovedTo = damagedIndexMovedTo;
  for (const name of packFiles(packDir)) {
    report.packs++;
    const scan = scanPack(path.join(packDir, name));
    if (scan.format === 1) {
      (listed.has(name) ? report.oldFormatIndexed : report.oldFormatUnindexed).push(name);
      continue;
    }
    report.scannedPacks++;
    report.blobsFound += scan.blobs.length;
    report.blobsAdded += index.addFound(name, scan.blobs);
  }
  return report;
}

/** Removes what a gc killed in the middle left (see the file's comment); true if anything was. */
export function finishInterrupted(packDir: string, index: PackIndex): number {
  let removed = 0;
  for (const name of fs.readdirSync(packDir)) {
    if (!name.endsWith(GC_SUFFIX)) continue;
    fs.rmSync(path.join(packDir, name), { force: true });
    removed++;
  }
  for (const { name } of index.gcPacks()) {
    // An output pack whose transaction committed has rows (and no note); one that did not has none.
    if (!index.holdsBlobs(name)) {
      if (fs.existsSync(path.join(packDir, name))) removed++;
      fs.rmSync(path.join(packDir, name), { force: true });
      index.forgetPack(name);
    }
    index.noteGcPack(name, null);
  }
  return removed;
}

/** What taking in packs no index row refers to did. */
export interface UnindexedSweep {
  /** Packs removed (nothing in them was added), and their bytes. */
  removed: number;
  bytes: number;
  /** Packs blobs were added from, and how many blobs. */
  packsTakenIn: number;
  blobsAdded: number;
  /** Format 1 packs no index row refers to: kept (nothing tells what they hold). */
  oldFormatKept: string[];
  /** Packs whose scan stopped at a blob that does not match its header: kept for verify and gc. */
  damagedKept: string[];
}

/**
 * Published packs (`*.pack`) that the index does not list and gc has not noted. Packs being
 * written (an import's `.pack.tmp`, gc's `.pack.gc`) are never among them. The folder is read
 * before the index, which makes a pack that gc's compaction is publishing beside an import
 * safe: gc notes it in the index before its file exists and lists it in the commit that drops
 * the note, so a `.pack` file the folder already showed is, in the index read after, either
 * noted or listed.
 */
export function unindexedPackNames(packDir: string, index: PackIndex): string[] {
  const names = packFiles(packDir);
  const { listed, noted } = index.knownPacks();
  return names.filter((n) => !listed.has(n) && !noted.has(n));
}

/**
 * Takes in packs no index row refers to (an import killed between publishing a pack and
 * committing its rows, or a lost index): of a format 2 pack, the whole blobs its headers describe
 * (each re-hashed by the scan) that `add` accepts go into the index; a pack nothing was added
 * from is removed, unless `keepDamaged` and its scan stopped before its end. Format 1 packs are kept: nothing tells what they hold. Only while no import
 * runs (under the import lock); compaction may run meanwhile (see unindexedPackNames).
 */
function takeInUnindexed(packDir: string, index: PackIndex, add: (sha256: string) => boolean, keepDamaged: boolean): UnindexedSweep {
  const out: UnindexedSweep = { removed: 0, bytes: 0, packsTakenIn: 0, blobsAdded: 0, oldFormatKept: [], damagedKept: [] };
  for (const name of unindexedPackNames(packDir, index)) {
    const file = path.join(packDir, name);
    let scan: ReturnType<typeof scanPack>;
    try {
      scan = scanPack(file);
    } catch (e) {
      // Removed since the folder was read: an emptied pack of a compaction that finished meanwhile.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    if (scan.format === 1) {
      out.oldFormatKept.push(name);
      continue;
    }
    const wanted = scan.blobs.filter((b) => add(b.sha256));
    const added = wanted.length > 0 ? index.addFound(name, wanted) : 0;
    if (added > 0) {
      out.packsTakenIn++;
      out.blobsAdded += added;
    } else if (keepDamaged && scan.tailBytes > 0) {
      out.damagedKept.push(name);
    } else {
      out.bytes += scan.fileBytes;
      fs.rmSync(file, { force: true });
      out.removed++;
    }
  }
  return out;
}

/**
 * gc's sweep: of packs no index row refers to, the blobs that are `wanted` (registered in the
 * archive) and not found elsewhere are added to the index; the rest of each pack is removed.
 */
export function sweepUnindexed(packDir: string, index: PackIndex, has: (sha256: string) => boolean, wanted: (sha256: string) => boolean): UnindexedSweep {
  return takeInUnindexed(packDir, index, (sha) => wanted(sha) && !has(sha), false);
}

/**
 * An import's start (docs/reliability.md, "Media packs"): every blob of a pack no index row refers
 * to that is not stored elsewhere is indexed, so the re-run of an import killed between publishing
 * its pack and committing the index finds its media stored and writes none of them again.
 */
export function adoptUnindexed(packDir: string, index: PackIndex, has: (sha256: string) => boolean): UnindexedSweep {
  // A pack whose scan stopped early is kept: a kill never leaves one published (a pack is
  // fsynced whole before its rename), so its blobs past the damage may be media a lost index
  // knew; gc removes it when the archive needs none of what can be read.
  return takeInUnindexed(packDir, index, (sha) => !has(sha), true);
}

interface Candidate {
  name: string;
  fileBytes: number;
  format: 1 | 2;
}

/** The packs worth rewriting: of format 1, with more than `deadShare` dead bytes, or small (two or more). */
export function compactionCandidates(packDir: string, index: PackIndex, options: Pick<CompactOptions, 'smallPackBytes' | 'deadShare'>): Candidate[] {
  const chosen: Candidate[] = [];
  const small: Candidate[] = [];
  for (const use of index.packUse()) {
    const file = path.join(packDir, use.pack);
    let fileBytes: number;
    let format: 1 | 2;
    try {
      fileBytes = fs.statSync(file).size;
      format = packFormatOf(readHead(file));
    } catch (e) {
      // A pack the index lists but the disk lost: verify reports its media; nothing to rewrite.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    const live = format === 1 ? use.bytes : PACK_HEADER_BYTES + use.blobs * BLOB_HEADER_BYTES + use.bytes;
    const c = { name: use.pack, fileBytes, format };
    if (format === 1 || use.blobs === 0 || fileBytes - live > options.deadShare * fileBytes) chosen.push(c);
    else if (fileBytes < options.smallPackBytes) small.push(c);
  }
  if (small.length >= 2) chosen.push(...small);
  return chosen;
}

export async function compact(packDir: string, index: PackIndex, options: CompactOptions): Promise<CompactReport> {
  const report: CompactReport = { packsRewritten: 0, oldFormatRewritten: 0, packsWritten: 0, blobsMoved: 0, bytesReclaimed: 0, damaged: [] };
  const candidates = compactionCandidates(packDir, index, options);
  let output: PackFile | null = null;
  let moved: { sha256: string; from: string; offset: number }[] = [];
  let emptied: Candidate[] = [];

  const commit = async (): Promise<void> => {
    const out = output;
    output = null;
    let target: string | null = null;
    if (out !== null && out.hasBlobs) {
      await out.sync();
      out.close();
      out.publish();
      await fsyncPath(packDir);
      target = out.name;
      report.packsWritten++;
      report.bytesReclaimed -= out.size;
    } else if (out !== null) {
      out.rollBack();
      index.noteGcPack(out.name, null);
    }
    index.moveBlobs(target, moved, emptied.map((c) => c.name));
    report.blobsMoved += moved.length;
    for (const c of emptied) {
      fs.rmSync(path.join(packDir, c.name), { force: true });
      report.packsRewritten++;
      if (c.format === 1) report.oldFormatRewritten++;
      report.bytesReclaimed += c.fileBytes;
    }
    await fsyncPath(packDir);
    for (const c of emptied) index.noteGcPack(c.name, null);
    moved = [];
    emptied = [];
  };

  for (const [i, c] of candidates.entries()) {
    if (output === null) {
      const created = PackFile.create(packDir, GC_SUFFIX.slice(PACK_SUFFIX.length));
      // Noted before its file exists: a kill from here on leaves something finishInterrupted() finds.
      index.noteGcPack(created.name, 'writing');
      output = created;
    }
    const out: PackFile = output;
    const start = out.size;
    const copied = copyBlobs(path.join(packDir, c.name), index, c.name, out);
    if (copied === 'damaged') {
      out.rewind(start);
      report.damaged.push(c.name);
    } else {
      moved.push(...copied);
      emptied.push(c);
    }
    options.onProgress?.(i + 1, candidates.length);
    if (out.size >= options.packMaxBytes) await commit();
  }
  if (output !== null || emptied.length > 0) await commit();
  return report;
}

/** Appends the blobs the index places in `pack` to `out`, each re-hashed on the way. */
function copyBlobs(file: string, index: PackIndex, pack: string, out: PackFile): { sha256: string; from: string; offset: number }[] | 'damaged' {
  const moved: { sha256: string; from: string; offset: number }[] = [];
  const fd = fs.openSync(file, 'r');
  try {
    for (const b of index.blobsIn(pack)) {
      const bytes = Buffer.allocUnsafe(b.size);
      let got = 0;
      while (got < b.size) {
        const n = fs.readSync(fd, bytes, got, b.size - got, b.offset + got);
        if (n === 0) return 'damaged';
        got += n;
      }
      if (createHash('sha256').update(bytes).digest('hex') !== b.sha256) return 'damaged';
      out.write(blobHeader(b.sha256, b.size));
      moved.push({ sha256: b.sha256, from: pack, offset: out.size });
      out.write(bytes);
    }
  } finally {
    fs.closeSync(fd);
  }
  return moved;
}

function readHead(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(PACK_HEADER_BYTES);
    const n = fs.readSync(fd, b, 0, PACK_HEADER_BYTES, 0);
    return b.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

async function fsyncPath(p: string): Promise<void> {
  const fd = fs.openSync(p, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
