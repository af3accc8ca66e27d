/**
 * Reads a plain SMS Backup & Restore file with checkpoints, and skips what an earlier import of
 * the same growing file already read.
 *
 * The app's "archive" mode rewrites one file with each backup: the same records, byte for byte,
 * then the new ones; only the root's attributes (`count`, `backup_date`) change. An import
 * therefore records, every `checkpointEvery` bytes, a point between two records with the SHA-256
 * of the records' bytes up to it (body-start.ts says where the records start). The next import of
 * the file hashes its records' bytes (about 1.6 GB/s with SHA-NI, far faster than reading them),
 * finds the last checkpoint whose hash still matches, and parses only what follows. SHA-256 over
 * every byte before the point is what makes this sound: any change at all before it fails the
 * match, and the file is read from the last point before the change.
 *
 * The whole file is still hashed once for its digest (the import history's SHA-256): by this
 * thread as it reads when there is nothing to compare, else by a thread of its own while this one
 * compares (digest-thread.ts). Only the bytes there were when reading began are read.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import type { BodyCheckpoint, Digest, ReadContext, ReadOutcome } from '../backup-unit.js';
import { attr, type BackupHeader } from '../records.js';
import type { InputLimits } from '../limits.js';
import { digestInThread } from '../digest-thread.js';
import { BODY_START_HEAD_BYTES, sbrBodyStart } from './body-start.js';
import { SbrReader } from './reader.js';

const CHUNK = 1 << 20;

interface Match {
  checkpoint: BodyCheckpoint;
  /** The records' hash at the checkpoint, to go on with. */
  hash: Hash;
}

/**
 * Reads up to `length` bytes at `position` (into `into` when given, else a new buffer the caller
 * may keep); fewer only at the end of the file.
 */
async function readAt(fh: fs.promises.FileHandle, position: number, length: number, into?: Buffer): Promise<Buffer> {
  const buf = into ?? Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === buf.length ? buf : buf.subarray(0, got);
}

/**
 * Whether a plain file can be read here: it starts with a prolog and root of the simple form
 * body-start.ts knows. Anything else goes to the plain stream reader.
 */
export async function prefixReadable(file: string): Promise<boolean> {
  const fh = await fs.promises.open(file, 'r');
  try {
    return sbrBodyStart(await readAt(fh, 0, BODY_START_HEAD_BYTES)) !== undefined;
  } finally {
    await fh.close();
  }
}

export async function readPlainSbr(file: string, name: string, ctx: ReadContext, limits: InputLimits): Promise<ReadOutcome> {
  const fh = await fs.promises.open(file, 'r');
  let header: BackupHeader | undefined;
  const reader = new SbrReader({
    file: name,
    sink: ctx.sink,
    limits,
    handler: {
      ...ctx.handler,
      header: (h) => {
        header = h;
        ctx.handler.header(h);
      },
    },
  });
  try {
    const size = (await fh.stat()).size;
    const head = await readAt(fh, 0, Math.min(size, BODY_START_HEAD_BYTES));
    const bodyStart = sbrBodyStart(head);
    if (bodyStart === undefined) throw new Error(`${name}: read with checkpoints without a simple prolog (see prefixReadable)`);
    // The prolog and the root's start tag: the header is known after them.
    const prolog = head.subarray(0, bodyStart);
    reader.push(prolog);
    ctx.onBytes(bodyStart);
    ctx.onExpanded?.(bodyStart);
    const base = reader.position();

    // A full backup's records all count (the vault marks what a phone deleted from them); the
    // app's other modes are the growing files this is for.
    const known = header !== undefined && attr(header.rootAttrs, 'type') !== 'full' ? (ctx.knownPrefixes ?? []) : [];
    const fileDigest: { thread: Promise<Digest> } | { hash: Hash } = known.length > 0 ? { thread: digestInThread(file, size) } : { hash: createHash('sha256').update(prolog) };
    // Handled when awaited below; until then a rejection must not count as unhandled.
    if ('thread' in fileDigest) fileDigest.thread.catch(() => undefined);
    const compared = await compare(fh, bodyStart, size, known, (n) => {
      ctx.onBytes(n);
      ctx.onExpanded?.(n);
    });
    const resumeAt = compared.match?.checkpoint;
    if (resumeAt !== undefined) {
      ctx.handler.resumed?.(resumeAt);
      reader.skipLines(resumeAt.lines, resumeAt.column);
    }

    const every = ctx.checkpointEvery;
    const bodyHash = compared.match?.hash ?? createHash('sha256');
    let next = (resumeAt?.offset ?? 0) + (every ?? 0);
    let hashedTo = compared.end;
    let at = bodyStart + (resumeAt?.offset ?? 0);
    while (at < size) {
      const chunk = await readAt(fh, at, Math.min(CHUNK, size - at));
      if (chunk.length === 0) break;
      const chunkEnd = at + chunk.length;
      if (chunkEnd > hashedTo) {
        // Bytes the comparison read were counted then.
        const fresh = chunk.subarray(Math.max(0, hashedTo - at));
        if ('hash' in fileDigest) fileDigest.hash.update(fresh);
        ctx.onBytes(fresh.length);
        ctx.onExpanded?.(fresh.length);
        hashedTo = chunkEnd;
      }
      let bodyHashed = 0;
      const chunkAt = at;
      reader.push(
        chunk,
        every === undefined
          ? undefined
          : (end) => {
              bodyHash.update(chunk.subarray(bodyHashed, end));
              bodyHashed = end;
              const offset = chunkAt + end - bodyStart;
              if (offset < next) return;
              const { line, column } = reader.position();
              // On the records' first line a column depends on the root's attributes, which change.
              if (line === base.line) return;
              ctx.handler.checkpoint?.({ offset, sha256: bodyHash.copy().digest('hex'), lines: line - base.line, column });
              next = offset + every;
            },
      );
      if (every !== undefined) bodyHash.update(chunk.subarray(bodyHashed));
      at = chunkEnd;
    }
    reader.end();
    return { digest: 'thread' in fileDigest ? await fileDigest.thread : { sha256: fileDigest.hash.digest('hex'), size: hashedTo } };
  } catch (error) {
    reader.abort();
    throw error;
  } finally {
    await fh.close();
  }
}

/**
 * Hashes the records' bytes from the start and checks them against each known import's
 * checkpoints, in offset order, while one of those imports still matches everything so far.
 * Returns the last checkpoint that matched and where the bytes read end.
 */
async function compare(
  fh: fs.promises.FileHandle,
  bodyStart: number,
  size: number,
  known: readonly (readonly BodyCheckpoint[])[],
  onBytes: (n: number) => void,
): Promise<{ match?: Match; end: number }> {
  let end = bodyStart;
  if (known.length === 0) return { end };
  const points = known.flatMap((list, candidate) => list.map((checkpoint) => ({ candidate, checkpoint }))).sort((a, b) => a.checkpoint.offset - b.checkpoint.offset);
  const alive = new Set(known.keys());
  const bodyHash = createHash('sha256');
  // One buffer for the whole comparison: a new 1 MiB buffer a read is mapped and unmapped by the
  // allocator each time (5 s of system time over 3.4 GB).
  const buffer = Buffer.allocUnsafe(CHUNK);
  let match: Match | undefined;
  let digestAt = -1;
  let digest = '';
  for (const { candidate, checkpoint } of points) {
    if (!alive.has(candidate)) continue;
    const target = bodyStart + checkpoint.offset;
    if (target > size) break;
    while (end < target) {
      const chunk = await readAt(fh, end, Math.min(CHUNK, target - end), buffer);
      if (chunk.length === 0) break;
      bodyHash.update(chunk);
      onBytes(chunk.length);
      end += chunk.length;
    }
    if (end < target) break;
    if (digestAt !== target) {
      digest = bodyHash.copy().digest('hex');
      digestAt = target;
    }
    if (digest === checkpoint.sha256 && checkpoint.lines > 0) {
      if (match?.checkpoint.offset !== checkpoint.offset) match = { checkpoint, hash: bodyHash.copy() };
    } else {
      alive.delete(candidate);
      if (alive.size === 0) break;
    }
  }
  return match === undefined ? { end } : { match, end };
}
