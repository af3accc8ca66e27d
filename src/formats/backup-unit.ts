/**
 * The one interface every backup reader offers the vault: a file is opened as one or more
 * BackupUnits (an SBR XML file is one unit, a ZIP of them one per entry, an SMS Import/Export ZIP
 * one for its messages), and each unit is read into records through a RecordHandler. The vault's
 * import pipeline handles every format the same way through this interface.
 */
import type { FormatId } from './formats.js';
import type { InputLimits } from './limits.js';
import type { CallFields, MessageFields } from './fields.js';
import type { BackupContent, CallRecord, MediaSink, MmsRecord, RecordHandler, SmsRecord } from './records.js';

/** How a format's records map to what the vault matches and shows (fields.ts). */
export interface RecordFields {
  sms(r: SmsRecord): MessageFields;
  mms(r: MmsRecord): MessageFields;
  call(r: CallRecord): CallFields;
}

export interface Digest {
  sha256: string;
  size: number;
}

/**
 * A point between two records of a file, with what its bytes before that point were: a later
 * import of a file that grew (SMS Backup & Restore's "archive" mode rewrites one file with the
 * new messages after the old ones) compares its bytes with these and reads only what follows the
 * last point that still matches (sbr/prefix-read.ts).
 */
export interface BodyCheckpoint {
  /** Bytes from the start of the records (just after the root's start tag) to this point. */
  offset: number;
  /** SHA-256 of those bytes, lower-case hex. */
  sha256: string;
  /** Newlines in those bytes (never 0: see prefix-read.ts), and the column of the point: positions in messages stay right. */
  lines: number;
  column: number;
}

export interface ReadContext {
  sink: MediaSink;
  handler: RecordHandler;
  /**
   * Skip a damaged record (a malformed NDJSON line, a JSON element that is not an object) with a
   * `line-skipped` warning instead of failing the whole import.
   */
  salvage: boolean;
  /** Bytes of the file consumed so far (compressed bytes for archives), for progress. */
  onBytes(n: number): void;
  /**
   * Bytes of content the reader consumed after decompression (the same as onBytes for a plain
   * file), for progress in uncompressed bytes. Readers of compressed input report it.
   */
  onExpanded?(n: number): void;
  /**
   * Checkpoints of earlier imports (one list per import, in offset order). A reader that can,
   * compares the unit's bytes with them, skips the records before the last point that matches
   * (announced with `handler.resumed`) and reads the rest. Readers that cannot ignore them.
   */
  knownPrefixes?: readonly (readonly BodyCheckpoint[])[];
  /** Bytes between the checkpoints a reader that can reports (`handler.checkpoint`); none when absent. */
  checkpointEvery?: number;
}

export interface ReadOutcome {
  /** SHA-256 and size of the bytes the unit was read from (see BackupUnit.digest). */
  digest: Digest;
  /** Set when salvage skipped damage: what was skipped, for the import's notes. */
  skipped?: string;
}

export interface BackupUnit {
  format: FormatId;
  /** What the unit holds, known from detection (the header repeats it). */
  content: BackupContent;
  /** For messages and the backups list: `file` or `archive.zip!entry`. */
  name: string;
  /** The file on disk. */
  file: string;
  /** The entry inside an archive, when the unit is one (display only, never used as a path). */
  entryName?: string;
  /** Bytes on disk reading the unit consumes (progress). */
  sizeOnDisk: number;
  /** The size digest() reports; used to find an identical earlier import cheaply. */
  digestSize: number;
  /** SHA-256 and size of the unit's bytes, without decoding records. */
  digest(): Promise<Digest>;
  /** Up to `limit` characters of the unit's text (decrypted, decompressed), for region inference. */
  sampleText(limit: number): Promise<string>;
  /** Read from a decrypted temporary copy, or decrypted as it is read: `file` alone (encrypted) cannot be reopened elsewhere. */
  decrypted?: boolean;
  /** The meaning of this format's records; SBR's (sbr/fields.ts) when absent. */
  fields?: RecordFields;
  /** Reads every record into ctx.handler: header first, then records in file order. */
  read(ctx: ReadContext): Promise<ReadOutcome>;
}

/** What opening a file may need beyond its bytes. */
export interface OpenOptions {
  /** How far the file may expand and how much a record may hold; the defaults when absent. */
  limits?: InputLimits;
  /** The passphrase of an encrypted backup; asked only when the file is encrypted. */
  passphrase?: () => Promise<string>;
  /** A private folder for decrypted temporary copies (removed by `dispose`). */
  tempDir?: string;
}

export interface OpenedBackup {
  format: FormatId;
  units: BackupUnit[];
  /** Removes temporary files (decrypted copies); call when done with the units. */
  dispose(): void;
}
