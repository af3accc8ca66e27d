/**
 * The media store: what the vault needs from wherever MMS media and contact photos are kept
 * (issue 24, "the storage seam"). The embedded default is `BlobStore` (blob-store.ts: packs and
 * files in the vault folder); an S3-compatible store implements the same contract with one object
 * per blob. Nothing outside `src/blobs/` may depend on where or how a blob is kept: no paths, no
 * packs (test/repository/media-seam.test.ts holds that line).
 *
 * ## Names
 * A blob is named by the SHA-256 of its bytes, as 64 lowercase hex digits. The name is computed by
 * the store from the bytes written, never taken from a caller. The same bytes are stored once:
 * writing bytes the store already has (committed, or staged by this store object) stores nothing
 * new. A stored blob's bytes never change; nothing overwrites them (an S3 store writes each
 * object once, e.g. with `If-None-Match: *` or after a HEAD, and treats "already there" as done).
 *
 * ## Writing: stage, then commit (the import's transaction)
 * 1. `beginImport()` once per import, under the vault's import lock (and by gc under both locks):
 *    removes what an interrupted import of any process left (temp spool files; for S3 e.g.
 *    unfinished multipart uploads under the store's prefix). Returns how many leftovers went.
 * 2. `begin()` hands out a `BlobSink` per blob. Its `write` and `finish` are SYNCHRONOUS: backup
 *    readers call them from inside a synchronous parse (formats/records.ts MediaSink), so they must
 *    never wait for the network. An implementation hashes the bytes as they come and spools them
 *    locally (memory up to a bound such as SPOOL_BYTES, then a local temp file; the local store
 *    appends to a pack) so that any size streams in bounded memory. `finish()` returns the name
 *    and size and stages the blob; `isNew` is a hint (false: known to be stored or staged already;
 *    an S3 store may answer true for an object it has not looked up yet). `abort()` drops a blob
 *    that will not be finished. A sink begun while another is open must work too (its bytes may go
 *    elsewhere; the local store gives it a temp file of its own).
 * 3. `commitStaged()` is awaited right BEFORE the archive's database commit. When it resolves,
 *    every staged blob is durable and readable by any process opening the same location (the local
 *    store fsyncs and renames; an S3 store finishes its uploads, streamed from the spool). Only
 *    then may a database row name the blob. If it rejects, the import calls `discardStaged()` and
 *    fails: blobs that did reach durable storage are unreferenced and gc removes them later.
 * 4. `discardStaged()` (the import failed before its database commit) drops everything staged and
 *    adopted and not committed. A crash at any point leaves only what step 1 or gc removes.
 * Staged blobs are not readable (openRead, chunks, check) before `commitStaged()`; `has` sees them.
 *
 * ## Several threads of one import
 * The import may read a backup in a worker thread (vault/import/read-worker.ts). The worker opens
 * its own store from `location` (plain data, passed through postMessage) with `openMediaStore`
 * (open-media-store.ts), stages blobs, and calls `handOver()`, which returns structured-clone data
 * naming them (`HandedOverBlob`); the importing thread's store `adopt`s it, and from then on those
 * blobs are committed or discarded with its own. Adopt only what a store of the same location in
 * the same process handed over; implementations validate what they are given (it crossed a thread).
 *
 * ## Reading
 * `openRead` streams a blob or an inclusive byte range of it (HTTP Range for audio and video: the
 * end is clipped to the blob's last byte, and a range past the end yields no bytes). It never
 * throws: a missing blob fails the stream with an error whose `code` is `'ENOENT'` (an S3 store maps
 * NoSuchKey to it), which the media route and the exports report as missing media. `chunks` is the
 * same whole-blob read as an async iterable, tuned for exports reading many small blobs (the local
 * store reads a small blob in one synchronous call); an implementation may simply iterate
 * `openRead`. Readers get a blob's bytes only by its name, never by where it is.
 *
 * ## Integrity and garbage collection
 * `check` re-hashes one committed blob, streamed (verify). `list` yields the name of every committed
 * blob, in any order, streamed (never the whole listing in memory: an S3 store pages
 * ListObjectsV2); staged and temp data are not listed. `delete` (gc, under the import and gc locks)
 * forgets a blob; it is idempotent, and answers the bytes it freed at once (a packed blob's bytes
 * are reclaimed later by compaction, so it answers 0 for those). `packs` is the local store's pack
 * maintenance (index rebuild, compaction, packs no index names): an implementation without packs
 * has `packs: null`, and gc, verify and repair skip that work.
 */
import type { Readable } from 'node:stream';
import type { CompactOptions, CompactReport, IndexRebuild, UnindexedSweep } from './pack-maintenance.js';
import type { S3MediaLocation } from './s3/s3-location.js';

export type { S3MediaLocation } from './s3/s3-location.js';

export type { CompactOptions, CompactReport, IndexRebuild, UnindexedSweep } from './pack-maintenance.js';

/** A blob's name, size, and whether this write stored it (see "Writing" above). */
export interface BlobInfo {
  sha256: string;
  size: number;
  /** False when the same bytes were already stored or staged; a hint, see the contract above. */
  isNew: boolean;
}

/** One blob being written: synchronous, hashed as written (see "Writing" above). */
export interface BlobSink {
  write(bytes: Buffer): void;
  finish(): BlobInfo;
  abort(): void;
}

/** An inclusive byte range, as HTTP Range names it. */
export interface ByteRange {
  start: number;
  end: number;
}

export type BlobCheck =
  | { status: 'ok'; size: number }
  | { status: 'missing' }
  | { status: 'corrupt'; actual: string; size: number };

/**
 * Where a store is, as plain data a worker thread can be given to open the same store
 * (open-media-store.ts). Each backend adds its member to this union.
 */
export type MediaStoreLocation = LocalMediaLocation | S3MediaLocation;

/** The embedded store: packs and files below `dir` (the vault's `blobs/` folder). */
export interface LocalMediaLocation {
  readonly backend: 'local';
  readonly dir: string;
}

/** Staged blobs a worker's store hands to the importing thread's store (structured-clone data). */
export type HandedOverBlob = { readonly sha256: string } & Readonly<Record<string, string | number>>;

/**
 * Pack upkeep of the local store (pack-maintenance.ts); an S3 store writes one object per blob
 * and has none of it. Each runs only under the locks its caller (gc, verify --repair) holds.
 */
export interface PackMaintenance {
  /** Removes what a gc killed in the middle left; only while no other gc runs. */
  finishInterruptedGc(): number;
  /** Pack files no index row refers to. */
  unindexedPacks(): string[];
  /**
   * An import's first step after beginImport, under the import lock and before any look-up: indexes
   * the blobs of published packs no index row refers to (a killed import's) that are not stored
   * elsewhere, and removes such packs that hold none.
   */
  adoptUnindexedPacks(): UnindexedSweep;
  /** Indexes the `wanted` blobs of packs no index row refers to, removes the rest; only while no import runs. */
  sweepUnindexedPacks(wanted: (sha256: string) => boolean): UnindexedSweep;
  /** Rewrites packs with dead space, of the old format, or small; only while no other gc runs. */
  compactPacks(options?: Partial<CompactOptions>): Promise<CompactReport>;
  /** Rebuilds a lost or damaged pack index from the packs; only while no import and no gc runs. */
  rebuildIndex(): IndexRebuild;
}

export interface MediaStore {
  /** How another thread opens this same store (open-media-store.ts). */
  readonly location: MediaStoreLocation;

  // Writing: see "Writing" above.
  /** Removes leftovers of interrupted imports; under the import lock. Resolves to how many went. */
  beginImport(): Promise<number>;
  begin(): BlobSink;
  /** Makes every staged and adopted blob durable and readable; awaited before the database commit. */
  commitStaged(): Promise<void>;
  /** Drops every staged and adopted blob not committed (the import failed). */
  discardStaged(): void;
  /** In a worker thread: gives up its staged blobs for the importing thread to adopt. */
  handOver(): Promise<HandedOverBlob[]>;
  /** Takes blobs a worker's store handed over into this store's next commit (or discard). */
  adopt(blobs: readonly HandedOverBlob[]): void;

  // Reading: see "Reading" above.
  /** Whether a blob is committed, or staged by this store object. */
  has(sha256: string): Promise<boolean>;
  /** A committed blob's size in bytes, or undefined when it is not stored. */
  size(sha256: string): Promise<number | undefined>;
  openRead(sha256: string, range?: ByteRange): Readable;
  chunks(sha256: string): AsyncIterable<Buffer>;
  /** Where a blob is, for messages to the person running verify (a path, an object URL). */
  describe(sha256: string): string;

  // Integrity and gc: see above.
  check(sha256: string, expectedSize?: number): Promise<BlobCheck>;
  list(): AsyncIterable<string>;
  delete(sha256: string): Promise<number>;
  readonly packs: PackMaintenance | null;

  /** Nothing may be staged. */
  close(): void | Promise<void>;
}
