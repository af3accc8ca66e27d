/**
 * The embedded store seen only through the MediaStore interface (src/blobs/media-store.ts), as the
 * vault uses it: what an S3 store must do alike.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBlobFile } from '../../src/blobs/blob-file.js';
import { SPOOL_BYTES } from '../../src/blobs/blob-store.js';
import type { MediaStore } from '../../src/blobs/media-store.js';
import { localMediaLocation, openMediaStore } from '../../src/blobs/open-media-store.js';
import { listBlobs, putBuffer } from '../helpers/media.js';
import { tempDir } from '../helpers/temp.js';

const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

function open(): Promise<MediaStore> {
  return openMediaStore(localMediaLocation(tempDir()));
}

async function read(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of stream) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('MediaStore (embedded)', () => {
  it('names blobs by their hash, stores the same bytes once, and answers has/size/list after the commit', async () => {
    const store = await open();
    const small = crypto.randomBytes(1_000);
    const big = crypto.randomBytes(SPOOL_BYTES + 7);
    expect(putBuffer(store, small)).toEqual({ sha256: sha(small), size: 1_000, isNew: true });
    expect(putBuffer(store, big).isNew).toBe(true);
    expect(putBuffer(store, small).isNew).toBe(false);
    // Staged: has sees it, reads and the listing do not yet.
    expect(await store.has(sha(small))).toBe(true);
    expect(await listBlobs(store)).toEqual([]);
    await store.commitStaged();
    expect((await listBlobs(store)).sort()).toEqual([sha(small), sha(big)].sort());
    expect(await store.size(sha(small))).toBe(1_000);
    expect(await store.size(sha(big))).toBe(SPOOL_BYTES + 7);
    expect(await store.size('0'.repeat(64))).toBeUndefined();
    expect(await store.has('0'.repeat(64))).toBe(false);
    expect(await read(store.openRead(sha(big), { start: SPOOL_BYTES, end: SPOOL_BYTES + 100 }))).toEqual(big.subarray(SPOOL_BYTES));
    expect(await store.check(sha(small), 1_000)).toEqual({ status: 'ok', size: 1_000 });
    // delete is idempotent; a file of its own gives its bytes back at once.
    expect(await store.delete(sha(big))).toBe(SPOOL_BYTES + 7);
    expect(await store.delete(sha(big))).toBe(0);
    expect(await store.has(sha(big))).toBe(false);
    await store.close();
  });

  it('a store opened from another store\u2019s location sees the same blobs (how a worker thread opens it)', async () => {
    const store = await open();
    const bytes = crypto.randomBytes(5_000);
    putBuffer(store, bytes);
    await store.commitStaged();
    const again = await openMediaStore(structuredClone(store.location));
    expect(await read(again.chunks(sha(bytes)))).toEqual(bytes);
    await again.close();
    await store.close();
  });

  it('a missing blob fails the read stream with ENOENT and never throws', async () => {
    const store = await open();
    const missing = sha(Buffer.from('never stored'));
    const err = await read(store.openRead(missing)).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
    await store.close();
  });

  it('refuses handed-over blobs that do not name its own packs or temp files', async () => {
    const store = await open();
    const name = '0'.repeat(64);
    expect(() => {
      store.adopt([{ sha256: name, tmpPath: '/etc/passwd' }]);
    }).toThrow(/not a staged blob/);
    expect(() => {
      store.adopt([{ sha256: name, something: 'else' }]);
    }).toThrow(/not a staged blob of a local store/);
    expect(() => {
      store.adopt([{ sha256: '../x', pack: 'a.pack', offset: 0, size: 1 }]);
    }).toThrow(/not a blob name/);
    await store.close();
  });
});

describe('writeBlobFile', () => {
  it('copies a packed and a big blob through the interface', async () => {
    const store = await open();
    const small = crypto.randomBytes(3_000);
    const big = crypto.randomBytes(SPOOL_BYTES * 2 + 1);
    putBuffer(store, small);
    putBuffer(store, big);
    await store.commitStaged();
    const out = tempDir();
    for (const b of [small, big]) {
      const target = path.join(out, sha(b));
      expect(await writeBlobFile(store, sha(b), target)).toBe(b.length);
      expect(fs.readFileSync(target)).toEqual(b);
    }
    expect(fs.readdirSync(out).sort()).toEqual([sha(small), sha(big)].sort());
    await store.close();
  });

  it('leaves no file, partial or whole, when the blob is missing', async () => {
    const store = await open();
    const out = tempDir();
    const err = await writeBlobFile(store, '1'.repeat(64), path.join(out, 'x')).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(fs.readdirSync(out)).toEqual([]);
    await store.close();
  });
});
