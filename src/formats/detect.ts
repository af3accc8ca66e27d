/**
 * Which backup format a file holds, decided from its content, never from its name: magic bytes,
 * the first non-space characters of its text, the entry names of a ZIP, the shape of its first
 * JSON element. A file that matches nothing gets a NotABackupError listing every known format.
 *
 * Adding a format: add its id and description to KNOWN_FORMATS and a rule to classify(); the
 * reader goes in registry.ts.
 */
import fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import { listZip, sniff } from './container.js';
import { NotABackupError } from './errors.js';

export type FormatId =
  | 'sbr'
  | 'sms-ie'
  | 'sms-ie-encrypted'
  | 'sms-ie-calls'
  | 'sms-ie-contacts'
  | 'fossify'
  | 'vcard'
  | 'smsbackupplus-mbox'
  | 'smsbackupplus-eml'
  /** Not a file: an IMAP folder read by src/sources/imap. */
  | 'smsbackupplus-imap'
  | 'textvault-ndjson';

export interface KnownFormat {
  id: FormatId;
  /** What the user sees, e.g. in the "unknown file" error. */
  description: string;
}

export const KNOWN_FORMATS: readonly KnownFormat[] = [
  { id: 'sbr', description: 'SMS Backup & Restore XML (sms-*.xml, calls-*.xml; also gzip or ZIP of them)' },
  { id: 'sms-ie', description: 'SMS Import/Export messages ZIP (messages.ndjson + data/)' },
  { id: 'sms-ie-encrypted', description: 'SMS Import/Export encrypted backup (.ssef)' },
  { id: 'sms-ie-calls', description: 'SMS Import/Export call log (calls-*.json)' },
  { id: 'sms-ie-contacts', description: 'SMS Import/Export contacts (contacts-*.json)' },
  { id: 'fossify', description: 'Fossify Messages / Simple SMS Messenger JSON export' },
  { id: 'vcard', description: 'vCard contacts (.vcf, versions 2.1, 3.0, 4.0)' },
  { id: 'smsbackupplus-mbox', description: 'SMS Backup+ mailbox (mbox, e.g. a Google Takeout of the SMS label)' },
  { id: 'smsbackupplus-eml', description: 'SMS Backup+ message (.eml)' },
  { id: 'textvault-ndjson', description: 'Textvault NDJSON export (textvault.ndjson + media/)' },
];

export function describeFormat(id: FormatId): string {
  return KNOWN_FORMATS.find((f) => f.id === id)?.description ?? id;
}

/** The "SSEF" 0x00 0xFF magic of SMS Import/Export's encrypted files. */
export const SSEF_MAGIC = Buffer.from([0x53, 0x53, 0x45, 0x46, 0x00, 0xff]);

/** What detection looks at. */
export interface Sniffed {
  container: 'plain' | 'gzip' | 'zip' | 'ssef';
  /** The first bytes of the content (decompressed for gzip); empty for ZIP and SSEF. */
  head: Buffer;
  /** Entry names of a ZIP archive. */
  zipNames: string[];
}

const HEAD_BYTES = 64 * 1024;
/** Detection only needs entry names; an sms-ie archive has one entry per MMS attachment. */
const MAX_DETECT_ENTRIES = 10_000_000;

export async function sniffFile(file: string): Promise<Sniffed> {
  const raw = await readStart(file, HEAD_BYTES);
  if (raw.subarray(0, SSEF_MAGIC.length).equals(SSEF_MAGIC)) return { container: 'ssef', head: Buffer.alloc(0), zipNames: [] };
  const kind = await sniff(file);
  if (kind === 'zip') {
    const entries = await listZip(file, MAX_DETECT_ENTRIES);
    return { container: 'zip', head: Buffer.alloc(0), zipNames: entries.map((e) => e.fileName) };
  }
  if (kind === 'gzip') return { container: 'gzip', head: await gunzipStart(file, HEAD_BYTES), zipNames: [] };
  return { container: 'plain', head: raw, zipNames: [] };
}

/** The format of a file, or a NotABackupError naming every format Textvault reads. */
export async function detectFormat(file: string): Promise<FormatId> {
  const s = await sniffFile(file);
  const id = classify(s);
  if (id === undefined) throw unknownFormat(file, s);
  return id;
}

export function unknownFormat(file: string, s: Sniffed): NotABackupError {
  const what =
    s.container === 'zip'
      ? `a ZIP archive holding ${s.zipNames.length === 0 ? 'nothing' : s.zipNames.slice(0, 5).join(', ') + (s.zipNames.length > 5 ? ', ...' : '')}`
      : s.head.length === 0
        ? 'an empty file'
        : `content starting ${JSON.stringify(textStart(s.head).slice(0, 40))}`;
  // One line, like every import error; the list is what the user needs to pick the right file.
  const known = KNOWN_FORMATS.map((f) => f.description).join('; ');
  return new NotABackupError(file, `${what} matches no format Textvault knows. It reads: ${known}`, 'a backup Textvault can read');
}

/**
 * True when `head` (the first bytes of a file) starts like a Textvault NDJSON export. Here, not
 * in the reader, so that detecting a format loads none of the readers (the reader's schema: ~0.1 s).
 */
export function looksLikeNdjson(head: Buffer): boolean {
  const text = head.subarray(0, 256).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return /^\{\s*"type"\s*:\s*"header"\s*,\s*"schema"\s*:\s*"textvault-ndjson"/.test(text);
}

/** Pure: the format a sniffed file is in, or undefined. */
export function classify(s: Sniffed): FormatId | undefined {
  if (s.container === 'ssef') return 'sms-ie-encrypted';
  if (s.container === 'zip') return classifyZip(s.zipNames);
  const text = textStart(s.head);
  if (text.startsWith('<')) return /<(smses|calls)[\s>/]/.test(text) ? 'sbr' : undefined;
  if (/^BEGIN:VCARD\r?\n/i.test(text)) return 'vcard';
  // An mbox: its reader skips and counts mail that is not from SMS Backup+.
  if (text.startsWith('From ')) return 'smsbackupplus-mbox';
  if (/^X-smssync-[A-Za-z_]+:/im.test(text) && /^[\w-]+:/.test(text)) return 'smsbackupplus-eml';
  if (text.startsWith('[')) return classifyJsonArray(text);
  // Our own export announces itself in its first line, before any message line.
  if (looksLikeNdjson(s.head)) return 'textvault-ndjson';
  if (text.startsWith('{')) return looksLikeMessageLine(text) ? 'sms-ie' : undefined;
  return undefined;
}

function classifyZip(names: string[]): FormatId | undefined {
  const base = names.map((n) => n.replace(/^.*\//, ''));
  if (names.includes('messages.ndjson')) return 'sms-ie';
  if (base.some((n) => /\.xml$/i.test(n))) return 'sbr';
  return undefined;
}

function classifyJsonArray(text: string): FormatId | undefined {
  const body = text.slice(1).trimStart();
  if (body.startsWith(']')) return 'fossify';
  if (!body.startsWith('{')) return undefined;
  // The first element's keys, as far as the head shows them.
  const first = body.slice(0, 8192);
  if (/"backupType"\s*:/.test(first)) return 'fossify';
  if (/"raw_contacts"\s*:/.test(first) || /"contacts_data"\s*:/.test(first)) return 'sms-ie-contacts';
  if (/"number"\s*:/.test(first) && /"duration"\s*:/.test(first)) return 'sms-ie-calls';
  return undefined;
}

function looksLikeMessageLine(text: string): boolean {
  const line = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  return /"(address|date|msg_box|__parts|type)"\s*:/.test(line);
}

/** The head as text: BOM and leading white space removed. */
function textStart(head: Buffer): string {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.trimStart();
}

async function readStart(file: string, limit: number): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(limit);
    const { bytesRead } = await fh.read(buf, 0, limit, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function gunzipStart(file: string, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  const input = fs.createReadStream(file, { end: 1 << 20 });
  const gunzip = createGunzip();
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) {
      const b = chunk as Buffer;
      chunks.push(b);
      n += b.length;
      if (n >= limit) break;
    }
  } catch {
    // A truncated or damaged stream: what came out before the damage is enough to classify.
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}
