/**
 * What Textvault knows about one backup format, in one place: its descriptor. Detection
 * (detect.ts), opening (registry.ts), the import's worker choice, the exports, the command line's
 * help, the web app's lists (GET /api/formats) and docs/formats.md's table all read the list in
 * formats.ts, so adding a format is its own folder (reader, writer, `format.ts`) and one line there.
 *
 * A descriptor is data plus small pure functions: it must load nothing heavy (no reader, no ZIP
 * or mail library), because `textvault --help` and detection load every descriptor. Its reader
 * is loaded by `open`, when a file of that format is opened.
 */
import type { OpenedBackup, OpenOptions } from './backup-unit.js';

/** What detection looks at (detect.ts fills it from the file's first bytes). */
export interface Sniffed {
  container: 'plain' | 'gzip' | 'zip' | 'ssef';
  /** The first bytes of the content (decompressed for gzip); empty for ZIP and SSEF. */
  head: Buffer;
  /**
   * Entry names of a ZIP archive: detection keeps the first few and those a recogniser looks for
   * (`messages.ndjson`, `*.xml`), up to a bound (detect.ts).
   */
  zipNames: string[];
  /** How many entries the ZIP archive has (zipNames may list fewer). */
  zipCount?: number;
  /** The first bytes of the ZIP's first `.xml` entry, when it has one (two XML formats share ZIPs). */
  zipXmlHead?: Buffer;
  /** The first bytes of the ZIP's first Google Voice page (`Voice/Calls/*.html`), when it has one. */
  zipVoiceHead?: Buffer;
}

/** What a format can hold. */
export type Carried = 'sms' | 'mms' | 'calls' | 'contacts';

/** Opens a file already known to be in another format (an encrypted file's decrypted content). */
export type OpenAs = (file: string, format: string, options: OpenOptions) => Promise<OpenedBackup>;

export interface FormatWriter {
  /** The value of `export --format` and of the API's `format`. */
  id: string;
  /** What the web app's Export page shows. */
  label: string;
  /** The command line's description of the choice. */
  help: string;
  /** `files`: written into `--out DIR` (CLI, web); `imap`: appended to an IMAP folder (CLI only). */
  target: 'files' | 'imap';
}

export interface FormatDescriptor {
  /** Recorded with each import (the backups list) and used by the readers' units. */
  id: string;
  /** What a person sees: the "unknown file" error, the help, the web app, the docs. */
  label: string;
  /** docs/formats.md: what detection looks at, in Markdown. */
  recognisedBy?: string;
  /** docs/formats.md: what the format cannot carry, in Markdown. */
  cannot?: string;
  carries: readonly Carried[];
  /** True when the sniffed start of a file is this format. Formats' rules never overlap (test/formats/detect.test.ts). */
  recognise?: (s: Sniffed) => boolean;
  /** True when a folder is a backup of this format, imported as one (the folder's units). */
  recogniseFolder?: (dir: string) => boolean;
  /** What such a folder is, for the error given for other folders. */
  folderLabel?: string;
  /** Read by a source rather than from a file given to `import` (an `imap://` URL). */
  source?: 'imap';
  /** Opens a file (or a recognised folder) of this format as units; loads the reader. */
  open?: (file: string, options: OpenOptions, openAs: OpenAs) => Promise<OpenedBackup>;
  /**
   * Large files are read in a worker thread, which reopens the file by itself: only for formats
   * that need nothing but the file (no passphrase) and whose units come out the same every time.
   */
  worker: boolean;
  /** The export that writes this format, if any. */
  writer?: FormatWriter;
}

/** Keeps the literal ids (FormatId and ExportFormat are derived from them) while checking the shape. */
export function defineFormat<const D extends FormatDescriptor>(d: D): D {
  return d;
}

/** The first non-space text of a sniffed head: BOM and leading white space removed. */
export function textStart(head: Buffer): string {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.trimStart();
}

/** The base names of a ZIP's entries. */
export function zipBaseNames(s: Sniffed): string[] {
  return s.zipNames.map((n) => n.replace(/^.*\//, ''));
}
