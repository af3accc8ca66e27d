import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore, SPOOL_BYTES } from '../../src/blobs/blob-store.js';
import { BLOB_HEADER_BYTES as H, PACK_HEADER_BYTES as P } from '../../src/blobs/pack-format.js';
import { tempDir } from '../helpers/temp.js';
import { writeBlobFile } from '../../src/blobs/blob-file.js';
import { listBlobs } from '../helpers/media.js';

const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

const packs = (store: BlobStore): string[] =>
  fs
    .readdirSync(path.join(store.root, 'packs'))
    .filter((n) => n.endsWith('.pack'))
    .sort();

async function bytesOf(store: BlobStore, sha256: string, range?: { start: number; end: number }): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of store.openRead(sha256, range)) out.push(c as Buffer);
  return Buffer.concat(out);
}

/** The bytes as another process sees them: a store of its own on the same folder. */
async function fromAnotherStore(root: string, sha256: string): Promise<Buffer | 'missing'> {
  const other = new BlobStore(root);
  try {
    return (await other.has(sha256)) ? await bytesOf(other, sha256) : 'missing';
  } finally {
    other.close();
  }
}

describe('BlobStore', () => {
  it('keeps a small blob in a pack and a big one under blobs/ab/cd/<sha256>, found only once committed', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const small = crypto.randomBytes(10_000);
    const big = crypto.randomBytes(SPOOL_BYTES + 1);
    expect(store.putBuffer(small)).toEqual({ sha256: sha(small), size: 10_000, isNew: true });
    store.putBuffer(big);
    expect(await fromAnotherStore(store.root, sha(small))).toBe('missing');
    expect(fs.existsSync(store.pathFor(sha(big)))).toBe(false);
    await store.commitStaged();
    expect((await fromAnotherStore(store.root, sha(small))) as Buffer).toEqual(small);
    expect((await fromAnotherStore(store.root, sha(big))) as Buffer).toEqual(big);
    const file = store.pathFor(sha(big));
    expect(file.endsWith(path.join(sha(big).slice(0, 2), sha(big).slice(2, 4), sha(big)))).toBe(true);
    expect(fs.readFileSync(file).equals(big)).toBe(true);
    expect(fs.existsSync(store.pathFor(sha(small)))).toBe(false);
    expect(packs(store)).toHaveLength(1);
    // Past the pack's header and the blob's.
    expect(store.describe(sha(small))).toMatch(/packs\/.+\.pack \(bytes 56-10055\)$/);
    store.close();
  });

  it('stores the same bytes once, however often they arrive', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const bytes = Buffer.from('the same picture');
    expect(store.putBuffer(bytes).isNew).toBe(true);
    expect(store.putBuffer(bytes).isNew).toBe(false);
    await store.commitStaged();
    expect(store.putBuffer(bytes).isNew).toBe(false);
    await store.commitStaged();
    expect(await listBlobs(store)).toEqual([sha(bytes)]);
    expect(fs.statSync(path.join(store.root, 'packs', packs(store)[0] ?? '')).size).toBe(P + H + bytes.length);
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
    store.close();
  });

  it('stores a big blob once: one it wrote, or one another store wrote before the next import began', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const big = crypto.randomBytes(SPOOL_BYTES + 1);
    expect(store.putBuffer(big).isNew).toBe(true);
    await store.commitStaged();
    expect(store.putBuffer(big).isNew).toBe(false);
    store.close();

    // A store that opened with no blob files of its own, while another process's import adds one:
    // every import begins with beginImport, from where the new file is known.
    const open = new BlobStore(path.join(tempDir(), 'blobs'));
    await open.beginImport();
    // Made up front: the import looks up every new blob in it.
    expect(fs.existsSync(path.join(open.root, 'packs', 'index.db'))).toBe(true);
    const other = new BlobStore(open.root);
    other.putBuffer(big);
    await other.commitStaged();
    other.close();
    await open.beginImport();
    expect(open.putBuffer(big).isNew).toBe(false);
    open.close();
  });

  it('leaves nothing behind when staged blobs are discarded', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    for (let i = 0; i < 50; i++) store.putBuffer(crypto.randomBytes(20_000));
    store.putBuffer(crypto.randomBytes(SPOOL_BYTES + 10));
    store.discardStaged();
    expect(await listBlobs(store)).toEqual([]);
    expect(packs(store)).toEqual([]);
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
    store.close();
  });

  it('leaves no unpublished pack behind when a committed import wrote only media stored already', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const a = crypto.randomBytes(30_000);
    store.putBuffer(a);
    await store.commitStaged();
    // A second import (a re-run) streams the same media: they go nowhere, its new pack stays empty.
    store.putBuffer(a);
    await store.commitStaged();
    store.close();
    expect(fs.readdirSync(path.join(store.root, 'packs')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(packs(store)).toHaveLength(1);
    expect((await fromAnotherStore(store.root, sha(a))) as Buffer).toEqual(a);
  });

  it('never touches a pack once the index refers to it: a failed import removes its own pack, the next one starts another', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const a = crypto.randomBytes(30_000);
    store.putBuffer(a);
    await store.commitStaged();
    const [pack] = packs(store);
    const committed = fs.readFileSync(path.join(store.root, 'packs', pack ?? ''));
    expect(committed.length).toBe(P + H + 30_000);
    const b = store.putBuffer(crypto.randomBytes(20_000));
    store.discardStaged();
    expect(packs(store)).toEqual([pack]);
    expect(await store.has(b.sha256)).toBe(false);
    const c = crypto.randomBytes(5_000);
    store.putBuffer(c);
    await store.commitStaged();
    expect(packs(store)).toHaveLength(2);
    expect(fs.readFileSync(path.join(store.root, 'packs', pack ?? '')).equals(committed)).toBe(true);
    expect((await fromAnotherStore(store.root, sha(a))) as Buffer).toEqual(a);
    expect((await fromAnotherStore(store.root, sha(c))) as Buffer).toEqual(c);
    expect(await fromAnotherStore(store.root, b.sha256)).toBe('missing');
    store.close();
  });

  it('starts a new pack when one is full, and discards the full ones of a failed import too', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'), { packMaxBytes: 100_000 });
    const blobs = Array.from({ length: 5 }, () => crypto.randomBytes(40_000));
    for (const b of blobs) store.putBuffer(b);
    await store.commitStaged();
    // 40, 80, 120 KB: full after the third blob.
    expect(packs(store)).toHaveLength(2);
    for (const b of blobs) expect((await fromAnotherStore(store.root, sha(b))) as Buffer).toEqual(b);
    for (let i = 0; i < 5; i++) store.putBuffer(crypto.randomBytes(40_000));
    store.discardStaged();
    expect(packs(store)).toHaveLength(2);
    expect((await listBlobs(store)).sort()).toEqual(blobs.map(sha).sort());
    store.close();
  });

  it('detects a damaged, a cut and a missing blob when re-hashing, in packs and in files', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const a = store.putBuffer(Buffer.from('alpha'));
    const b = store.putBuffer(Buffer.from('bravo'));
    const bigBytes = crypto.randomBytes(SPOOL_BYTES + 3);
    const big = store.putBuffer(bigBytes);
    await store.commitStaged();
    expect((await store.check(a.sha256, 5)).status).toBe('ok');
    expect((await store.check(b.sha256, 5)).status).toBe('ok');
    expect((await store.check(big.sha256, big.size)).status).toBe('ok');
    const pack = path.join(store.root, 'packs', packs(store)[0] ?? '');
    // "alpha" then "bravo", each behind its header: damage the first blob only.
    const fd = fs.openSync(pack, 'r+');
    fs.writeSync(fd, Buffer.from('A'), 0, 1, P + H + 4);
    fs.closeSync(fd);
    expect(await store.check(a.sha256, 5)).toMatchObject({ status: 'corrupt', size: 5 });
    expect((await store.check(b.sha256, 5)).status).toBe('ok');
    fs.truncateSync(pack, P + H + 5 + H + 2);
    expect(await store.check(b.sha256, 5)).toMatchObject({ status: 'corrupt', size: 2 });
    fs.rmSync(pack);
    expect((await store.check(b.sha256, 5)).status).toBe('missing');
    fs.writeFileSync(store.pathFor(big.sha256), bigBytes.subarray(1));
    expect((await store.check(big.sha256, big.size)).status).toBe('corrupt');
    fs.rmSync(store.pathFor(big.sha256));
    expect((await store.check(big.sha256, big.size)).status).toBe('missing');
    store.close();
  });

  it('cleans temp files and unpublished packs left by an interrupted import; never a published pack', async () => {
    const root = path.join(tempDir(), 'blobs');
    const kept = new BlobStore(root);
    const committed = crypto.randomBytes(1_000);
    kept.putBuffer(committed);
    await kept.commitStaged();
    kept.close();
    // A worker that handed its blobs over to an import that died before committing: its pack is
    // published, no index row refers to it.
    const handed = new BlobStore(root);
    handed.putBuffer(crypto.randomBytes(1_000));
    await handed.handOver();
    handed.close();
    const dying = new BlobStore(root);
    dying.putBuffer(crypto.randomBytes(1_000));
    const w = dying.begin();
    // More than is held in memory, so the blob streams to a temp file.
    w.write(crypto.randomBytes(SPOOL_BYTES + 1));
    // the process "dies" here: no finish(), no commit, no discard
    const next = new BlobStore(root);
    const unpublished = (): string[] => fs.readdirSync(path.join(root, 'packs')).filter((n) => n.endsWith('.pack.tmp'));
    expect(unpublished()).toHaveLength(1);
    expect(packs(next)).toHaveLength(2);
    expect(next.cleanTemp()).toBe(2);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect(unpublished()).toEqual([]);
    expect(packs(next)).toHaveLength(2);
    expect(next.unindexedPacks()).toHaveLength(1);
    expect(await bytesOf(next, sha(committed))).toEqual(committed);
    next.close();
  });

  it('refuses names that are not SHA-256 hex (no path from a backup reaches the file system)', () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    expect(() => store.pathFor('../../etc/passwd')).toThrow(/not a SHA-256/);
    expect(() => {
      store.adopt([{ sha256: '0'.repeat(64), pack: '../../x.pack', offset: 0, size: 1 }]);
    }).toThrow(/not a pack/);
    store.close();
  });

  it('takes over blobs another thread staged; a failure removes that thread’s pack', async () => {
    const root = path.join(tempDir(), 'blobs');
    const worker = new BlobStore(root);
    const small = crypto.randomBytes(3_000);
    const big = crypto.randomBytes(SPOOL_BYTES + 5);
    worker.putBuffer(small);
    worker.putBuffer(big);
    const handed = await worker.handOver();
    worker.close();
    const main = new BlobStore(root);
    main.adopt(handed);
    expect(main.stagedCount).toBe(2);
    await main.commitStaged();
    expect((await fromAnotherStore(root, sha(small))) as Buffer).toEqual(small);
    expect((await fromAnotherStore(root, sha(big))) as Buffer).toEqual(big);

    const again = new BlobStore(root);
    again.putBuffer(crypto.randomBytes(3_000));
    const failed = await again.handOver();
    again.close();
    expect(packs(main)).toHaveLength(2);
    main.adopt(failed);
    main.discardStaged();
    expect(packs(main)).toHaveLength(1);
    main.close();
  });

  it('writes a blob handed over in pieces without keeping the caller’s buffers', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const small = crypto.randomBytes(40_000);
    const big = crypto.randomBytes(SPOOL_BYTES * 2 + 7);
    const w = store.begin();
    // In pieces, like a base64 decoder hands them over; the writer must not keep the caller's buffer.
    const piece = Buffer.alloc(64 * 1024);
    for (let at = 0; at < big.length; at += piece.length) {
      const n = big.copy(piece, 0, at, at + piece.length);
      w.write(piece.subarray(0, n));
    }
    expect(w.finish()).toEqual({ sha256: sha(big), size: big.length, isNew: true });
    const reused = Buffer.from(small);
    const s = store.begin();
    s.write(reused);
    reused.fill(0);
    expect(s.finish().isNew).toBe(true);
    expect(store.putBuffer(small).isNew).toBe(false);
    await store.commitStaged();
    expect(await bytesOf(store, sha(small))).toEqual(small);
    expect(fs.readFileSync(store.pathFor(sha(big))).equals(big)).toBe(true);
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
    store.close();
  });

  it('streams a blob into the pack as it arrives: a duplicate or an aborted one leaves no bytes, one that grows too big moves to a file', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const first = crypto.randomBytes(50_000);
    store.putBuffer(first);
    const packFile = (): string => path.join(store.root, 'packs', packs(store)[0] ?? '');
    const inPieces = (bytes: Buffer): ReturnType<BlobStore['begin']> => {
      const w = store.begin();
      for (let at = 0; at < bytes.length; at += 64 * 1024) w.write(bytes.subarray(at, at + 64 * 1024));
      return w;
    };
    expect(inPieces(first).finish().isNew).toBe(false);
    const aborted = inPieces(crypto.randomBytes(30_000));
    aborted.abort();
    const grown = crypto.randomBytes(SPOOL_BYTES + 10);
    expect(inPieces(grown).finish()).toEqual({ sha256: sha(grown), size: grown.length, isNew: true });
    // Two at once (a reader that interleaves media): the second is held and gets a file.
    const a = crypto.randomBytes(1_000);
    const b = crypto.randomBytes(2_000);
    const wa = store.begin();
    const wb = store.begin();
    wa.write(a);
    wb.write(b);
    expect(wb.finish().isNew).toBe(true);
    expect(wa.finish().isNew).toBe(true);
    await store.commitStaged();
    expect(fs.statSync(packFile()).size).toBe(P + H + 50_000 + H + 1_000);
    expect(fs.existsSync(store.pathFor(sha(grown)))).toBe(true);
    expect(fs.existsSync(store.pathFor(sha(b)))).toBe(true);
    for (const bytes of [first, grown, a, b]) expect((await fromAnotherStore(store.root, sha(bytes))) as Buffer).toEqual(bytes);
    expect((await listBlobs(store)).sort()).toEqual([first, grown, a, b].map(sha).sort());
    store.close();
  });

  it('rewinds over a duplicate whose bytes were already written out, and keeps its neighbours', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const inPieces = (bytes: Buffer): ReturnType<BlobStore['begin']> => {
      const w = store.begin();
      for (let at = 0; at < bytes.length; at += 16 * 1024) w.write(bytes.subarray(at, at + 16 * 1024));
      return w;
    };
    // Big enough that the pack's 1 MiB write buffer is written out in the middle of each.
    const a = crypto.randomBytes(700_000);
    const b = crypto.randomBytes(900_000);
    inPieces(a).finish();
    await store.commitStaged();
    inPieces(b).finish();
    expect(inPieces(a).finish().isNew).toBe(false);
    expect(inPieces(b).finish().isNew).toBe(false);
    const c = crypto.randomBytes(5_000);
    inPieces(c).finish();
    await store.commitStaged();
    // The first commit's pack holds a; the second import's pack b and c.
    expect(packs(store).map((n) => fs.statSync(path.join(store.root, 'packs', n)).size).sort()).toEqual([P + H + 700_000, P + H + 900_000 + H + 5_000].sort());
    for (const bytes of [a, b, c]) expect((await fromAnotherStore(store.root, sha(bytes))) as Buffer).toEqual(bytes);
    store.close();
  });

  it('reads a range of a packed or a file blob (the media route)', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    store.putBuffer(Buffer.from('first'));
    const small = Buffer.from('0123456789');
    const big = crypto.randomBytes(SPOOL_BYTES + 100);
    store.putBuffer(small);
    store.putBuffer(big);
    await store.commitStaged();
    expect((await bytesOf(store, sha(small), { start: 2, end: 4 })).toString()).toBe('234');
    // A range past the end stops at the blob's end, never in the next blob of the pack.
    expect((await bytesOf(store, sha(small), { start: 8, end: 50 })).toString()).toBe('89');
    expect(await bytesOf(store, sha(big), { start: SPOOL_BYTES, end: SPOOL_BYTES + 99 })).toEqual(big.subarray(SPOOL_BYTES));
    const target = path.join(tempDir(), 'copy');
    await writeBlobFile(store, sha(small), target);
    expect(fs.readFileSync(target).toString()).toBe('0123456789');
    store.close();
  });

  it('reads a blob back in chunks: a small one in one buffer of its size, a big one in pieces of 1 MiB', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const small = store.putBuffer(Buffer.from('a small picture'));
    const bigBytes = crypto.randomBytes(2 * 1024 * 1024 + 5);
    const big = store.putBuffer(bigBytes);
    await store.commitStaged();
    const read = async (sha256: string): Promise<Buffer[]> => {
      const out: Buffer[] = [];
      for await (const c of store.chunks(sha256)) out.push(c);
      return out;
    };
    const smallChunks = await read(small.sha256);
    expect(smallChunks.map((c) => c.toString())).toEqual(['a small picture']);
    expect(smallChunks[0]?.buffer.byteLength).toBeLessThan(1024 * 1024);
    const bigChunks = await read(big.sha256);
    expect(bigChunks.map((c) => c.length)).toEqual([1024 * 1024, 1024 * 1024, 5]);
    expect(Buffer.concat(bigChunks).equals(bigBytes)).toBe(true);
    await expect(read('0'.repeat(64))).rejects.toThrow(/ENOENT/);
    store.close();
  });
});
