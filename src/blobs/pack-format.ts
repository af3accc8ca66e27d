/**
 * The bytes of a pack file, so that a pack describes itself: a lost or damaged `index.db` can be
 * rebuilt from the packs alone (`textvault verify --repair`), as git's `index-pack` does.
 *
 * Format 2 (this one):
 *   file header   8 bytes  "TVPK" + uint32 BE format (2)
 *   per blob     48 bytes  "BLOB" + uint32 BE 0 (reserved) + uint64 BE length + SHA-256 (32 bytes)
 *                 then the blob's `length` bytes.
 * The index's offset of a blob is that of its bytes, past its header, so readers never look at the
 * headers. A blob's header is written as zeros when its bytes begin to stream in (the hash is not
 * known yet) and filled in once they are complete; a scan stops at a header that is not whole or
 * whose bytes do not hash to it (the tail an interrupted import left).
 *
 * Format 1 (packs written before): the blobs' bytes one after another, nothing else; only the
 * index knows where each one lies, so such a pack cannot be rebuilt from alone. Nearly every
 * media file begins with its own magic number (JPEG FF D8, PNG 89 50 ...); a format 1 pack whose
 * first blob begins with "TVPK" followed by the bytes 0 0 0 2 would be scanned as format 2 and
 * then fail at its first header, since its bytes would not hash to it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export const PACK_MAGIC = Buffer.from('TVPK', 'latin1');
export const PACK_FORMAT = 2;
export const PACK_HEADER_BYTES = 8;
const BLOB_MAGIC = Buffer.from('BLOB', 'latin1');
export const BLOB_HEADER_BYTES = 48;

/** The first bytes of a new pack. */
export function packHeader(): Buffer {
  const b = Buffer.alloc(PACK_HEADER_BYTES);
  PACK_MAGIC.copy(b, 0);
  b.writeUInt32BE(PACK_FORMAT, 4);
  return b;
}

/** A blob's header, written before its bytes. */
export function blobHeader(sha256: string, length: number): Buffer {
  const b = Buffer.alloc(BLOB_HEADER_BYTES);
  BLOB_MAGIC.copy(b, 0);
  b.writeBigUInt64BE(BigInt(length), 8);
  b.write(sha256, 16, 32, 'hex');
  return b;
}

/** 1 for a pack of bare bytes (written before headers), 2 for one with headers. */
export function packFormatOf(head: Buffer): 1 | 2 {
  return head.length >= PACK_HEADER_BYTES && head.subarray(0, 4).equals(PACK_MAGIC) && head.readUInt32BE(4) === PACK_FORMAT ? 2 : 1;
}

export interface ScannedBlob {
  sha256: string;
  /** Where its bytes begin (past its header): what the index records. */
  offset: number;
  size: number;
}

export interface PackScan {
  format: 1 | 2;
  blobs: ScannedBlob[];
  /** Bytes past the last whole blob (an interrupted import's tail, never indexed); 0 for format 1. */
  tailBytes: number;
  fileBytes: number;
}

/** Reads a pack's blobs from its headers, re-hashing each (a blob whose bytes do not match ends the scan). */
export function scanPack(file: string): PackScan {
  const fd = fs.openSync(file, 'r');
  try {
    const fileBytes = fs.fstatSync(fd).size;
    const head = readExactly(fd, 0, PACK_HEADER_BYTES);
    if (head === undefined || packFormatOf(head) === 1) return { format: 1, blobs: [], tailBytes: 0, fileBytes };
    const blobs: ScannedBlob[] = [];
    let at = PACK_HEADER_BYTES;
    while (at + BLOB_HEADER_BYTES <= fileBytes) {
      const header = readExactly(fd, at, BLOB_HEADER_BYTES);
      if (header === undefined || !header.subarray(0, 4).equals(BLOB_MAGIC)) break;
      const length = Number(header.readBigUInt64BE(8));
      const sha256 = header.subarray(16, 48).toString('hex');
      const offset = at + BLOB_HEADER_BYTES;
      if (!Number.isSafeInteger(length) || offset + length > fileBytes) break;
      const bytes = readExactly(fd, offset, length);
      if (bytes === undefined || createHash('sha256').update(bytes).digest('hex') !== sha256) break;
      blobs.push({ sha256, offset, size: length });
      at = offset + length;
    }
    return { format: 2, blobs, tailBytes: fileBytes - at, fileBytes };
  } finally {
    fs.closeSync(fd);
  }
}

function readExactly(fd: number, position: number, length: number): Buffer | undefined {
  const b = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, b, got, length - got, position + got);
    if (n === 0) return undefined;
    got += n;
  }
  return b;
}
