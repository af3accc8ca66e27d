import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore, SPOOL_BYTES } from '../../src/blobs/blob-store.js';
import { tempDir } from '../helpers/temp.js';

const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

describe('BlobStore', () => {
  it('stores bytes under blobs/ab/cd/<sha256> only once they are committed', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const bytes = crypto.randomBytes(10_000);
    const info = store.putBuffer(bytes);
    expect(info).toEqual({ sha256: sha(bytes), size: 10_000, isNew: true });
    expect(fs.existsSync(store.pathFor(info.sha256))).toBe(false);
    await store.commitStaged();
    const file = store.pathFor(info.sha256);
    expect(file.endsWith(path.join(info.sha256.slice(0, 2), info.sha256.slice(2, 4), info.sha256))).toBe(true);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('stores the same bytes once, however often they arrive', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const bytes = Buffer.from('the same picture');
    expect(store.putBuffer(bytes).isNew).toBe(true);
    expect(store.putBuffer(bytes).isNew).toBe(false);
    await store.commitStaged();
    expect(store.putBuffer(bytes).isNew).toBe(false);
    expect([...store.list()]).toEqual([sha(bytes)]);
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
  });

  it('leaves nothing behind when staged blobs are discarded', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    store.putBuffer(Buffer.from('a'));
    store.discardStaged();
    // A small blob is written on the thread pool; on a busy machine its temp file can appear
    // after the discard, and is removed once that write settles.
    await store.settled();
    expect([...store.list()]).toEqual([]);
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
  });

  it('detects a damaged and a missing blob when re-hashing', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const a = store.putBuffer(Buffer.from('alpha'));
    const b = store.putBuffer(Buffer.from('bravo'));
    await store.commitStaged();
    expect((await store.check(a.sha256, 5)).status).toBe('ok');
    fs.writeFileSync(store.pathFor(a.sha256), 'alphA');
    expect((await store.check(a.sha256, 5)).status).toBe('corrupt');
    fs.rmSync(store.pathFor(b.sha256));
    expect((await store.check(b.sha256, 5)).status).toBe('missing');
  });

  it('cleans temp files left by an interrupted write', () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const w = store.begin();
    // More than is held in memory, so the blob streams to a temp file.
    w.write(crypto.randomBytes(SPOOL_BYTES + 1));
    // the process "dies" here: no finish(), no abort()
    expect(store.cleanTemp()).toBe(1);
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
  });

  it('refuses names that are not SHA-256 hex (no path from a backup reaches the file system)', () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    expect(() => store.pathFor('../../etc/passwd')).toThrow(/not a SHA-256/);
  });

  it('writes small and big blobs (held in memory, streamed) to the same place, and a duplicate only once', async () => {
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
    expect(fs.readFileSync(store.pathFor(sha(small))).equals(small)).toBe(true);
    expect(fs.readFileSync(store.pathFor(sha(big))).equals(big)).toBe(true);
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
  });

  it('removes a held blob discarded while it is still being written', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    for (let i = 0; i < 50; i++) store.putBuffer(crypto.randomBytes(20_000));
    store.discardStaged();
    await store.settled();
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
    expect([...store.list()]).toEqual([]);
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
  });
});
