/**
 * Compaction and the pieces gc is made of, on a blob store alone: packs rewritten with every
 * indexed blob and nothing else, old-format packs given headers, what a kill leaves finished.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/blobs/blob-store.js';
import { scanPack } from '../../src/blobs/pack-format.js';
import { PackIndex } from '../../src/blobs/pack-index.js';
import { tempDir } from '../helpers/temp.js';

const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

const packsOf = (root: string): string[] =>
  fs
    .readdirSync(path.join(root, 'packs'))
    .filter((n) => n.endsWith('.pack'))
    .sort();

async function read(store: BlobStore, sha256: string): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of store.openRead(sha256)) out.push(c as Buffer);
  return Buffer.concat(out);
}

/** A pack as versions before headers wrote it: the bytes one after another, only the index knows where. */
function writeOldPack(root: string, name: string, blobs: Buffer[]): void {
  fs.mkdirSync(path.join(root, 'packs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'packs', name), Buffer.concat(blobs));
  const index = new PackIndex(path.join(root, 'packs', 'index.db'));
  let offset = 0;
  index.add(
    blobs.map((b) => {
      const row = { sha256: sha(b), pack: name, offset, size: b.length };
      offset += b.length;
      return row;
    }),
  );
  index.close();
}

/** One import's worth of blobs: one pack each. */
async function imports(store: BlobStore, count: number, perImport: number): Promise<Buffer[]> {
  const all: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < perImport; j++) {
      const b = crypto.randomBytes(10_000 + j);
      store.putBuffer(b);
      all.push(b);
    }
    await store.commitStaged();
  }
  return all;
}

describe('pack compaction', () => {
  it('merges many small packs into one, keeping every indexed blob and dropping forgotten ones', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root);
    const blobs = await imports(store, 12, 5);
    expect(packsOf(root)).toHaveLength(12);
    const forgotten = blobs.filter((_, i) => i % 3 === 0);
    for (const b of forgotten) await store.delete(sha(b));
    const before = packsOf(root).reduce((n, p) => n + fs.statSync(path.join(root, 'packs', p)).size, 0);
    const report = await store.compactPacks();
    expect(report).toMatchObject({ packsRewritten: 12, packsWritten: 1, blobsMoved: blobs.length - forgotten.length, damaged: [] });
    const [pack] = packsOf(root);
    expect(packsOf(root)).toHaveLength(1);
    const after = fs.statSync(path.join(root, 'packs', pack ?? '')).size;
    expect(report.bytesReclaimed).toBe(before - after);
    expect(scanPack(path.join(root, 'packs', pack ?? '')).blobs).toHaveLength(blobs.length - forgotten.length);
    for (const b of blobs) {
      if (forgotten.includes(b)) expect(await store.has(sha(b))).toBe(false);
      else expect((await read(store, sha(b))).equals(b)).toBe(true);
    }
    expect(store.unindexedPacks()).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'packs')).filter((n) => n.endsWith('.gc'))).toEqual([]);
    // Nothing left worth rewriting: one pack, no dead bytes.
    expect((await store.compactPacks()).packsRewritten).toBe(0);
    store.close();
  });

  it('leaves a big pack with little dead space alone, and rewrites one with much', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root);
    const blobs = await imports(store, 1, 40);
    expect((await store.compactPacks({ smallPackBytes: 1_000 })).packsRewritten).toBe(0);
    for (const b of blobs.slice(0, 5)) await store.delete(sha(b));
    // 5 of 40 forgotten: 12.5 % dead, under the 25 % that makes a rewrite worth it.
    expect((await store.compactPacks({ smallPackBytes: 1_000 })).packsRewritten).toBe(0);
    for (const b of blobs.slice(5, 15)) await store.delete(sha(b));
    const report = await store.compactPacks({ smallPackBytes: 1_000 });
    expect(report).toMatchObject({ packsRewritten: 1, packsWritten: 1, blobsMoved: 25 });
    for (const b of blobs.slice(15)) expect((await read(store, sha(b))).equals(b)).toBe(true);
    store.close();
  });

  it('rewrites old-format packs with headers, so that the index can be rebuilt from them afterwards', async () => {
    const root = path.join(tempDir(), 'blobs');
    const old = [crypto.randomBytes(3_000), crypto.randomBytes(4_000), crypto.randomBytes(5_000)];
    writeOldPack(root, 'mold-000000000000.pack', old);
    const store = new BlobStore(root);
    for (const b of old) expect((await read(store, sha(b))).equals(b)).toBe(true);
    // Before: the index cannot be rebuilt from this pack.
    expect(store.rebuildIndex().oldFormatIndexed).toEqual(['mold-000000000000.pack']);
    const report = await store.compactPacks();
    expect(report).toMatchObject({ packsRewritten: 1, oldFormatRewritten: 1, packsWritten: 1, blobsMoved: 3 });
    store.close();
    for (const f of fs.readdirSync(path.join(root, 'packs'))) if (f.startsWith('index.db')) fs.rmSync(path.join(root, 'packs', f));
    const again = new BlobStore(root);
    expect(again.rebuildIndex()).toMatchObject({ blobsAdded: 3, oldFormatIndexed: [], oldFormatUnindexed: [] });
    for (const b of old) expect((await read(again, sha(b))).equals(b)).toBe(true);
    again.close();
  });

  it('keeps a pack whose blob does not match its name as it was', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root);
    const blobs = await imports(store, 3, 2);
    const packs = packsOf(root);
    const damaged = path.join(root, 'packs', packs[1] ?? '');
    const bytes = fs.readFileSync(damaged);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    fs.writeFileSync(damaged, bytes);
    const report = await store.compactPacks();
    expect(report.damaged).toEqual([packs[1]]);
    expect(report.packsRewritten).toBe(2);
    expect(fs.readFileSync(damaged).equals(bytes)).toBe(true);
    for (const [i, b] of blobs.entries()) if (i !== 3) expect((await read(store, sha(b))).equals(b)).toBe(true);
    store.close();
  });

  it('keeps a blob readable for a reader that found it before its pack was rewritten', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root);
    const blobs = await imports(store, 4, 3);
    const target = blobs[1] ?? Buffer.alloc(0);
    // Another process's store (the server) opened the blob before gc, and one looked it up before and opens after.
    const reader = new BlobStore(root);
    const stream = reader.openRead(sha(target));
    const gc = new BlobStore(root);
    await gc.compactPacks();
    gc.close();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(target)).toBe(true);
    expect((await read(reader, sha(target))).equals(target)).toBe(true);
    expect((await reader.check(sha(target), target.length)).status).toBe('ok');
    reader.close();
    store.close();
  });

  it('finishes what a gc killed in the middle left: an output pack not committed, packs emptied but not removed', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root);
    const blobs = await imports(store, 3, 2);
    const packs = packsOf(root);
    const index = new PackIndex(path.join(root, 'packs', 'index.db'));
    // Killed while writing: the note is there, the file still has its gc name.
    index.noteGcPack('a-1.pack', 'writing');
    fs.writeFileSync(path.join(root, 'packs', 'a-1.pack.gc'), 'partial');
    // Killed after renaming its output, before the transaction that moves the blobs.
    index.noteGcPack('b-2.pack', 'writing');
    fs.copyFileSync(path.join(root, 'packs', packs[0] ?? ''), path.join(root, 'packs', 'b-2.pack'));
    // Killed after the transaction: the copy holds the blobs now, the old pack is emptied but still there.
    const moved = index.blobsIn(packs[2] ?? '');
    fs.copyFileSync(path.join(root, 'packs', packs[2] ?? ''), path.join(root, 'packs', 'c-3.pack'));
    index.moveBlobs('c-3.pack', moved.map((m) => ({ sha256: m.sha256, from: m.pack, offset: m.offset })), [packs[2] ?? '']);
    index.close();
    expect(store.finishInterruptedGc()).toBe(3);
    expect(packsOf(root)).toEqual([packs[0], packs[1], 'c-3.pack'].sort());
    expect(fs.readdirSync(path.join(root, 'packs')).filter((n) => n.endsWith('.gc'))).toEqual([]);
    expect(store.unindexedPacks()).toEqual([]);
    for (const b of blobs) expect((await read(store, sha(b))).equals(b)).toBe(true);
    store.close();
  });

  it('takes in the wanted blobs of a pack no index row refers to, and removes one with none', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root);
    const kept = await imports(store, 1, 2);
    const lost = await imports(store, 1, 2);
    const [first, second] = packsOf(root);
    // An import killed before its index commit: copies of packs no row refers to.
    fs.copyFileSync(path.join(root, 'packs', first ?? ''), path.join(root, 'packs', 'z-dup.pack'));
    fs.renameSync(path.join(root, 'packs', second ?? ''), path.join(root, 'packs', 'z-lost.pack'));
    for (const b of lost) await store.delete(sha(b));
    const wanted = new Set([...kept, lost[0] ?? Buffer.alloc(0)].map(sha));
    const swept = store.sweepUnindexedPacks((s) => wanted.has(s));
    // The duplicate of the first pack goes; the lost pack comes back for the one blob wanted.
    expect(swept).toMatchObject({ removed: 1, blobsAdded: 1, oldFormatKept: [] });
    expect(packsOf(root)).toEqual([first, 'z-lost.pack'].sort());
    expect((await read(store, sha(lost[0] ?? Buffer.alloc(0)))).equals(lost[0] ?? Buffer.alloc(0))).toBe(true);
    expect(await store.has(sha(lost[1] ?? Buffer.alloc(0)))).toBe(false);
    store.close();
  });

  it('an import takes in every blob of a format 2 pack no index row refers to, and leaves gc’s packs, format 1 and damaged packs and its own pack alone', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root);
    const lost = await imports(store, 1, 3);
    const [published] = packsOf(root);
    const packDir = path.join(root, 'packs');
    // An import killed after publishing its pack, before its index commit.
    fs.renameSync(path.join(packDir, published ?? ''), path.join(packDir, 'a-killed.pack'));
    for (const b of lost) await store.delete(sha(b));
    const index = new PackIndex(path.join(packDir, 'index.db'));
    index.forgetPack(published ?? '');
    // gc beside the import: an output being written, and one published but not yet committed
    // (noted in the index before its file existed), which must not be taken for a leftover.
    fs.writeFileSync(path.join(packDir, 'b-gc.pack.gc'), 'partial');
    index.noteGcPack('c-gc.pack', 'writing');
    fs.copyFileSync(path.join(packDir, 'a-killed.pack'), path.join(packDir, 'c-gc.pack'));
    index.close();
    // A format 1 pack no row refers to: nothing tells what it holds.
    fs.writeFileSync(path.join(packDir, 'd-old.pack'), crypto.randomBytes(5_000));
    // A copy whose first blob was damaged: its scan stops there, so the rest is not known to be stored.
    const damaged = fs.readFileSync(path.join(packDir, 'a-killed.pack'));
    damaged[100] = (damaged[100] ?? 0) ^ 1;
    fs.writeFileSync(path.join(packDir, 'e-damaged.pack'), damaged);
    // This store's own pack in progress (an import that begins anew reuses the store).
    const pending = crypto.randomBytes(2_000);
    store.putBuffer(pending);
    const own = fs.readdirSync(packDir).filter((n) => n.endsWith('.pack.tmp'));
    expect(own).toHaveLength(1);

    expect(await store.beginImport()).toBe(0);
    expect(store.adoptUnindexedPacks()).toMatchObject({ removed: 0, packsTakenIn: 1, blobsAdded: 3, oldFormatKept: ['d-old.pack'], damagedKept: ['e-damaged.pack'] });
    expect(store.unindexedPacks().sort()).toEqual(['c-gc.pack', 'd-old.pack', 'e-damaged.pack']);
    for (const b of lost) expect((await read(store, sha(b))).equals(b)).toBe(true);
    expect(fs.readdirSync(packDir).sort()).toEqual(['a-killed.pack', 'b-gc.pack.gc', 'c-gc.pack', 'd-old.pack', 'e-damaged.pack', 'index.db', 'index.db-shm', 'index.db-wal', ...own].sort());
    // Taken in once: a second look finds nothing more to do.
    expect(store.adoptUnindexedPacks()).toMatchObject({ removed: 0, packsTakenIn: 0, blobsAdded: 0, oldFormatKept: ['d-old.pack'], damagedKept: ['e-damaged.pack'] });
    await store.commitStaged();
    expect(await store.has(sha(pending))).toBe(true);
    store.close();
  });
});
