/**
 * Packs describe themselves: every blob behind a header (hash, length), so the index can be
 * rebuilt from the packs alone; packs of the first format (no headers) are still read.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/blobs/blob-store.js';
import { BLOB_HEADER_BYTES, PACK_HEADER_BYTES, scanPack } from '../../src/blobs/pack-format.js';
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

function inPieces(store: BlobStore, bytes: Buffer, piece = 16 * 1024): ReturnType<BlobStore['begin']> {
  const w = store.begin();
  for (let at = 0; at < bytes.length; at += piece) w.write(bytes.subarray(at, at + piece));
  return w;
}

describe('pack format 2', () => {
  it('puts each blob behind a header a scan reads back, at the offsets the index holds, whether the header was still buffered or written out', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root);
    // 700 KB then 900 KB: the second's header is written out with the 1 MiB buffer before its hash is known.
    const blobs = [crypto.randomBytes(700_000), crypto.randomBytes(900_000), crypto.randomBytes(10), crypto.randomBytes(40_000)];
    for (const b of blobs) inPieces(store, b).finish();
    // A duplicate and an aborted blob leave no header behind.
    inPieces(store, blobs[0] ?? Buffer.alloc(0)).finish();
    inPieces(store, crypto.randomBytes(5_000)).abort();
    await store.commitStaged();
    const [pack] = packsOf(root);
    const scan = scanPack(path.join(root, 'packs', pack ?? ''));
    expect(scan.format).toBe(2);
    expect(scan.tailBytes).toBe(0);
    expect(scan.blobs.map((b) => b.sha256)).toEqual(blobs.map(sha));
    expect(scan.fileBytes).toBe(PACK_HEADER_BYTES + blobs.reduce((n, b) => n + BLOB_HEADER_BYTES + b.length, 0));
    for (const b of scan.blobs) expect(store.describe(b.sha256)).toContain(`(bytes ${b.offset}-${b.offset + b.size - 1})`);
    store.close();
  });

  it('rebuilds a lost index from the packs alone; a header never filled in (a kill in the middle of a blob) ends the scan', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root, { packMaxBytes: 100_000 });
    const blobs = Array.from({ length: 6 }, (_, i) => crypto.randomBytes(30_000 + i));
    for (const b of blobs.slice(0, 3)) store.putBuffer(b);
    await store.commitStaged();
    for (const b of blobs.slice(3)) store.putBuffer(b);
    await store.commitStaged();
    store.close();
    const packs = packsOf(root);
    expect(packs).toHaveLength(2);
    // What an import killed while a blob streamed in leaves: a zero header and some bytes.
    const last = path.join(root, 'packs', packs[1] ?? '');
    fs.appendFileSync(last, Buffer.concat([Buffer.alloc(BLOB_HEADER_BYTES), crypto.randomBytes(1_000)]));
    for (const f of fs.readdirSync(path.join(root, 'packs'))) if (f.startsWith('index.db')) fs.rmSync(path.join(root, 'packs', f));

    const after = new BlobStore(root);
    expect(await after.has(sha(blobs[0] ?? Buffer.alloc(0)))).toBe(false);
    const report = after.rebuildIndex();
    expect(report).toMatchObject({ packs: 2, scannedPacks: 2, blobsFound: 6, blobsAdded: 6, oldFormatIndexed: [], oldFormatUnindexed: [] });
    for (const b of blobs) expect((await read(after, sha(b))).equals(b)).toBe(true);
    expect(after.unindexedPacks()).toEqual([]);
    // Again: nothing to add.
    expect(after.rebuildIndex().blobsAdded).toBe(0);
    expect(scanPack(last).tailBytes).toBe(BLOB_HEADER_BYTES + 1_000);
    after.close();
  });

  it('moves a damaged index aside and builds a new one', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root);
    const b = crypto.randomBytes(20_000);
    store.putBuffer(b);
    await store.commitStaged();
    store.close();
    const index = path.join(root, 'packs', 'index.db');
    fs.writeFileSync(index, Buffer.alloc(8192, 0x41));
    const after = new BlobStore(root);
    const report = after.rebuildIndex();
    expect(report.damagedIndexMovedTo).toMatch(/index\.db\.damaged-\d+$/);
    expect(fs.existsSync(report.damagedIndexMovedTo ?? '')).toBe(true);
    expect(report.blobsAdded).toBe(1);
    expect((await read(after, sha(b))).equals(b)).toBe(true);
    after.close();
  });

  it('stops at a blob whose bytes do not hash to its header', async () => {
    const root = path.join(tempDir(), 'blobs');
    const store = new BlobStore(root);
    const a = crypto.randomBytes(1_000);
    const b = crypto.randomBytes(1_000);
    store.putBuffer(a);
    store.putBuffer(b);
    await store.commitStaged();
    store.close();
    const file = path.join(root, 'packs', packsOf(root)[0] ?? '');
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([0]), 0, 1, PACK_HEADER_BYTES + BLOB_HEADER_BYTES + 1_000 + BLOB_HEADER_BYTES + 5);
    fs.closeSync(fd);
    const scan = scanPack(file);
    expect(scan.blobs.map((x) => x.sha256)).toEqual([sha(a)]);
    expect(scan.tailBytes).toBe(BLOB_HEADER_BYTES + 1_000);
  });
});
