/**
 * The record model every backup format reads into and writes from.
 *
 * Records keep each attribute exactly as the backup had it, in its original order, as strings:
 * a missing attribute is absent from the list, `""` is the empty string and `"null"` is the
 * four-letter string. Nothing is parsed away here; the vault derives typed columns from these
 * attributes but the attribute list itself is what gets written back on export.
 */
import type { BodyCheckpoint } from './backup-unit.js';

/** One attribute as `[name, value]`; order in the list is the order in the source. */
export type Attr = readonly [name: string, value: string];

export type Attrs = readonly Attr[];

/** Where a record came from in its source file, for error messages and warnings. */
export interface SourcePosition {
  /** 1-based line of the record's opening tag (or line of the record for line-based formats). */
  line: number;
  /** 1-based column (in characters) of the record's opening tag. */
  column: number;
  /** 0-based index of the record among the records of its kind in the file. */
  index: number;
}

/** A media payload decoded from a backup and already written to the sink. */
export interface StoredMedia {
  sha256: string;
  size: number;
}

/**
 * Why a part's media could not be stored as clean bytes. `empty`: the data attribute was
 * present but empty. `corrupt`: it was not valid base64 (the decoded bytes of the valid prefix are
 * still stored when there are any).
 */
export type MediaDamage = 'empty' | 'corrupt';

export interface PartRecord {
  /** Attributes of the part; for the `data` attribute see `media` and `rawData`. */
  attrs: Attrs;
  /** The decoded bytes of `data`, stored through the MediaSink; absent when there were none. */
  media?: StoredMedia;
  /** Set when the part's media is damaged. */
  damage?: MediaDamage;
  /**
   * For a damaged `data` value short enough to keep (see MAX_RAW_DAMAGED_DATA), the value exactly
   * as it was, so an export writes back what the backup held.
   */
  rawData?: string;
}

export interface AddrRecord {
  attrs: Attrs;
}

export interface SmsRecord {
  kind: 'sms';
  attrs: Attrs;
  position: SourcePosition;
  /**
   * The same attributes as SbrXmlWriter writes them in its default mode (sbr/attribute-text.ts),
   * when the archive kept them so (readers pass theirs beside the record: RecordHandler.record):
   * that writer copies this instead of escaping `attrs` again.
   */
  attrText?: string;
}

export interface MmsRecord {
  kind: 'mms';
  attrs: Attrs;
  parts: PartRecord[];
  /** `null` when the backup had no `<addrs>` element at all (distinct from an empty one). */
  addrs: AddrRecord[] | null;
  position: SourcePosition;
}

export interface CallRecord {
  kind: 'call';
  attrs: Attrs;
  position: SourcePosition;
}

export type MessageRecord = SmsRecord | MmsRecord;
export type ArchiveRecord = SmsRecord | MmsRecord | CallRecord;

export type BackupContent = 'messages' | 'calls' | 'contacts';

/** Facts about a backup file itself, read from its root element and prolog. */

export interface BackupHeader {
  /** `messages` for a messages file, `calls` for a call-log file, `contacts` for an address book. */
  content: BackupContent;
  /** Attributes of the root element (`count`, `backup_set`, `backup_date`, `type`, ...). */
  rootAttrs: Attrs;
  /** The app's "File Created By ..." comment, when present. */
  creator?: string;
}

export type WarningCode =
  | 'lone-surrogate'
  | 'nul-character'
  | 'invalid-utf8'
  | 'media-empty'
  | 'media-corrupt'
  | 'unknown-element'
  | 'stray-text'
  | 'record-rejected'
  | 'line-skipped'
  /** A mail in a mailbox that is not an SMS Backup+ message (skipped, counted as a warning). */
  | 'mail-skipped'
  /** An archive entry ignored (its name climbs out of its folder, it is damaged) or read despite damage. */
  | 'entry-skipped';

export interface ReadWarning {
  code: WarningCode;
  message: string;
  line: number;
  column: number;
}

/**
 * Receives decoded media bytes while a reader streams them, so that a 600 MB attachment never
 * has to exist in memory. The vault passes its blob store here; readers never see the store.
 */
export interface MediaSink {
  begin(): MediaWriter;
}

export interface MediaWriter {
  /** `bytes` are the caller's to reuse once this returns: keep a copy, not the buffer. */
  write(bytes: Buffer): void;
  /** Completes the media; returns its hash and size. */
  finish(): StoredMedia;
  /** Discards what was written (the record is being dropped). */
  abort(): void;
}

/** A name for one or more numbers, from a contacts file (vCard, SMS Import/Export contacts). */
export interface ContactRecord {
  name: string;
  /** The numbers (or e-mail addresses) as the file wrote them. */
  numbers: string[];
  /** A photo stored through the MediaSink, when the file embedded one. */
  photo?: StoredMedia;
  position: SourcePosition;
}

/** Callbacks a streaming reader calls, in file order. */
export interface RecordHandler {
  header(header: BackupHeader): void;
  /**
   * `attrText`: an SMS that SBR XML held in its plain form comes with its attributes exactly as
   * attribute text (sbr/attribute-text.ts), straight from the file, for the archive to keep.
   */
  record(record: ArchiveRecord, attrText?: string): void;
  warning(warning: ReadWarning): void;
  /** Contacts files only. */
  contact?(contact: ContactRecord): void;
  /** Every record before this point of the file has been handed over (see ReadContext.checkpointEvery). */
  checkpoint?(checkpoint: BodyCheckpoint): void;
  /**
   * The records before this known point (one of ReadContext.knownPrefixes) are the same bytes an
   * earlier import read: they are skipped, and reading goes on after it. Called at most once,
   * after `header` and before any record.
   */
  resumed?(checkpoint: BodyCheckpoint): void;
}

/** Damaged `data` values up to this many characters are kept verbatim for a faithful export. */
export const MAX_RAW_DAMAGED_DATA = 64 * 1024;

/** Looks up an attribute's value; `undefined` when absent. */
export function attr(attrs: Attrs, name: string): string | undefined {
  for (const a of attrs) if (a[0] === name) return a[1];
  return undefined;
}
