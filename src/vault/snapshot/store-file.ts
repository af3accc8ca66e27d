/**
 * Cuts one file into chunks and stores the ones the snapshot folder does not hold yet.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { SnapshotError } from './errors.js';
import type { SnapshotChunk, SnapshotFile } from './manifest.js';
import { CHUNK_BYTES, type SnapshotRepository } from './repository.js';

export interface StoreTally {
  /** Bytes read from the vault. */
  bytes: number;
  /** Objects written, and their size on disk (what this snapshot added to the folder). */
  addedObjects: number;
  addedBytes: number;
}

/**
 * Stores the first `length` bytes of `file` (all of it when undefined) as `relPath`, in chunks of
 * `chunkBytes`. A file that is shorter than `length` is an error naming it.
 */
export async function storeFile(repo: SnapshotRepository, file: string, relPath: string, tally: StoreTally, length?: number, chunkBytes = CHUNK_BYTES): Promise<SnapshotFile> {
  const fd = fs.openSync(file, 'r');
  try {
    const size = length ?? fs.fstatSync(fd).size;
    const whole = createHash('sha256');
    const chunks: SnapshotChunk[] = [];
    const buffer = Buffer.allocUnsafe(chunkBytes);
    let position = 0;
    while (position < size) {
      const want = Math.min(chunkBytes, size - position);
      let got = 0;
      while (got < want) {
        const n = fs.readSync(fd, buffer, got, want - got, position + got);
        if (n === 0) throw new SnapshotError(`${file} ended at byte ${position + got} while being copied, before the ${size} bytes it should hold; run textvault verify on the vault`);
        got += n;
      }
      const plain = buffer.subarray(0, want);
      whole.update(plain);
      const sha256 = createHash('sha256').update(plain).digest('hex');
      const put = await repo.putChunk(plain, sha256);
      if (put.added) {
        tally.addedObjects++;
        tally.addedBytes += put.bytes;
      }
      chunks.push({ id: put.id, sha256, size: want });
      position += want;
    }
    tally.bytes += size;
    return { path: relPath, size, sha256: whole.digest('hex'), chunks };
  } finally {
    fs.closeSync(fd);
  }
}
