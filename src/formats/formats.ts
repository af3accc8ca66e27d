/**
 * Every format Textvault reads or writes, one descriptor each (format.ts), in the order the help,
 * the web app and the docs list them. Adding a format: its folder under src/formats/ with a
 * `format.ts`, and one line here.
 */
import { androidBackupFormat } from './androidbackup/format.js';
import { csvFormat } from './csv/format.js';
import type { FormatDescriptor, FormatWriter } from './format.js';
import { fossifyFormat } from './fossify/format.js';
import { googleVoiceFormat } from './googlevoice/format.js';
import { htmlFormat, pdfFormat } from './html/format.js';
import { ndjsonFormat } from './ndjson/format.js';
import { qksmsFormat } from './qksms/format.js';
import { sbrFormat } from './sbr/format.js';
import { emlFormat, imapFormat, mboxFormat } from './smsbackupplus/format.js';
import { superBackupFormat } from './superbackup/format.js';
import { titaniumFormat } from './titanium/format.js';
import { smsIeCallsFormat, smsIeContactsFormat, smsIeEncryptedFormat, smsIeFormat } from './smsie/format.js';
import { vcardFormat } from './vcard/format.js';

export const FORMATS = [
  sbrFormat,
  superBackupFormat,
  smsIeFormat,
  smsIeEncryptedFormat,
  smsIeCallsFormat,
  smsIeContactsFormat,
  fossifyFormat,
  qksmsFormat,
  titaniumFormat,
  vcardFormat,
  mboxFormat,
  emlFormat,
  imapFormat,
  androidBackupFormat,
  googleVoiceFormat,
  ndjsonFormat,
  csvFormat,
  htmlFormat,
  pdfFormat,
] as const;

type Descriptor = (typeof FORMATS)[number];

/** A format backups are read from (recorded with each import). */
export type FormatId = Extract<Descriptor, { open: unknown } | { source: unknown }>['id'];

type Writer = Extract<Descriptor, { writer: unknown }>['writer'];
/** A value of `export --format`. */
export type WriterId = Writer['id'];
/** An export written into a folder (the command line's --out, the web app's downloads). */
export type ExportFormat = Extract<Writer, { target: 'files' }>['id'];

/** The list as plain descriptors, for code that looks at any of them. */
export const ALL_FORMATS: readonly FormatDescriptor[] = FORMATS;

export function findFormat(id: string): FormatDescriptor | undefined {
  return ALL_FORMATS.find((f) => f.id === id);
}

export function isFormatId(id: string): id is FormatId {
  const f = findFormat(id);
  return f !== undefined && (f.open !== undefined || f.source !== undefined);
}

/** Formats a file (or folder) given to `import` is recognised as. */
export const READABLE: readonly FormatDescriptor[] = ALL_FORMATS.filter((f) => f.open !== undefined);

/** Everything `import` reads: files and folders, and sources such as an IMAP folder. */
export const IMPORTABLE: readonly FormatDescriptor[] = ALL_FORMATS.filter((f) => f.open !== undefined || f.source !== undefined);

/** Every export, in the list's order. */
export const WRITERS: readonly FormatWriter[] = ALL_FORMATS.flatMap((f) => (f.writer === undefined ? [] : [f.writer]));

type FileWriting = Extract<Descriptor, { writer: { target: 'files' } }>;

function writesFiles(f: Descriptor): f is FileWriting {
  return 'writer' in f && f.writer.target === 'files';
}

export const EXPORT_FORMATS: readonly ExportFormat[] = FORMATS.filter(writesFiles).map((f) => f.writer.id);

export function isExportFormat(id: string): id is ExportFormat {
  return EXPORT_FORMATS.some((f) => f === id);
}
