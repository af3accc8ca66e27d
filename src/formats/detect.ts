/**
 * Which backup format a file holds, decided from its content, never from its name: magic bytes,
 * the first non-space characters of its text, the entry names of a ZIP (and the start of its
 * first XML entry), the shape of its first JSON element. Each format's rule is its descriptor's
 * `recognise` (formats.ts); a file that matches none gets a NotABackupError saying what it is (file-kind.ts).
 */
import fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import { forEachZipEntry, openInput, readHead, readZipEntryHead, sniff } from './container.js';
import { NotABackupError } from './errors.js';
import { fileKind, isOfficeDocument } from './file-kind.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from './limits.js';
import type { Sniffed } from './format.js';
import { findFormat, isFormatId, READABLE, type FormatId } from './formats.js';
import { SSEF_MAGIC } from './smsie/format.js';
import { isVoicePageName, PAGE_HEAD_BYTES } from './googlevoice/takeout.js';

export type { FormatId } from './formats.js';
export type { Sniffed } from './format.js';
export { SSEF_MAGIC } from './smsie/format.js';
export { looksLikeNdjson } from './ndjson/format.js';

export interface KnownFormat {
  id: FormatId;
  /** What the user sees, e.g. in the "unknown file" error. */
  description: string;
}

/** Every format a file given to `import` can be in, in the list's order. */
export const KNOWN_FORMATS: readonly KnownFormat[] = READABLE.flatMap((f) => (isFormatId(f.id) ? [{ id: f.id, description: f.label }] : []));

export function describeFormat(id: string): string {
  return findFormat(id)?.label ?? id;
}

const HEAD_BYTES = 64 * 1024;
/** Enough of an XML entry to see its root element past the prolog and comments. */
const XML_HEAD_BYTES = 4 * 1024;
/** Detection only needs entry names; an sms-ie archive has one entry per MMS attachment. */
const MAX_DETECT_ENTRIES = 10_000_000;
/** Entry names shown in the "unknown file" error, and names kept at most. */
const SHOWN_NAMES = 5;
const MAX_KEPT_NAMES = 1000;

/** A ZIP entry name a format's recogniser looks for (`messages.ndjson`, `*.xml`, a Google Voice page). */
function isTellingName(name: string): boolean {
  return name === 'messages.ndjson' || /\.xml$/i.test(name) || isVoicePageName(name);
}

export async function sniffFile(file: string): Promise<Sniffed> {
  const raw = await readStart(file, HEAD_BYTES);
  if (raw.subarray(0, SSEF_MAGIC.length).equals(SSEF_MAGIC)) return { container: 'ssef', head: Buffer.alloc(0), zipNames: [] };
  const kind = await sniff(file);
  if (kind === 'zip') {
    // Names only, and few of them: an archive may list millions of entries, and detection runs
    // on the server's own thread.
    const zipNames: string[] = [];
    const zipCount = await forEachZipEntry(file, MAX_DETECT_ENTRIES, (e) => {
      if (zipNames.length < SHOWN_NAMES || (zipNames.length < MAX_KEPT_NAMES && isTellingName(e.fileName))) zipNames.push(e.fileName);
    });
    const xml = zipNames.includes('messages.ndjson') ? undefined : zipNames.find((n) => /\.xml$/i.test(n) && !n.endsWith('/'));
    // A Takeout is told by its Voice pages' content, not by their names alone.
    const voice = zipNames.find(isVoicePageName);
    return {
      container: 'zip',
      head: Buffer.alloc(0),
      zipNames,
      zipCount,
      ...(xml === undefined ? {} : { zipXmlHead: await zipEntryHead(file, xml, XML_HEAD_BYTES) }),
      ...(voice === undefined ? {} : { zipVoiceHead: await voicePageHead(file, voice) }),
    };
  }
  if (kind === 'gzip') return { container: 'gzip', head: await gunzipStart(file, HEAD_BYTES), zipNames: [] };
  return { container: 'plain', head: raw, zipNames: [] };
}

const HEAD_ONLY_LIMITS: InputLimits = { ...DEFAULT_INPUT_LIMITS, maxExpandedBytes: Number.POSITIVE_INFINITY, maxExpansionRatio: Number.POSITIVE_INFINITY };

/** The start of one ZIP entry, to tell XML formats apart by their root element. */
async function zipEntryHead(file: string, name: string, bytes: number): Promise<Buffer> {
  try {
    // Only its first 4 KiB are read, so the expansion limits (the vault's settings, unknown
    // here) do not apply: with the defaults, a ZIP a user allowed by raising them would not be
    // recognised.
    const entry = (await openInput(file, HEAD_ONLY_LIMITS)).find((e) => e.entryName === name);
    return entry === undefined ? Buffer.alloc(0) : await readHead(entry, bytes);
  } catch {
    // A damaged or refused archive: detection goes by the names, and the reader reports the damage.
    return Buffer.alloc(0);
  }
}

/**
 * The start of a ZIP's first Voice page. A Takeout holds a page per conversation and call and
 * their attachments, often more entries than openInput lists (10,000), so the page is found
 * without listing the archive.
 */
async function voicePageHead(file: string, name: string): Promise<Buffer> {
  try {
    return (await readZipEntryHead(file, name, PAGE_HEAD_BYTES)) ?? Buffer.alloc(0);
  } catch {
    // A damaged or refused archive: the reader reports the damage.
    return Buffer.alloc(0);
  }
}

/** The format of a file, or a NotABackupError saying what the file is instead. */
export async function detectFormat(file: string): Promise<FormatId> {
  const s = await sniffFile(file);
  // An Office document is a ZIP of XML, which the SMS Backup & Restore rule would take for a
  // ZIP of backups and then fail on with a confusing "root element is <Types>".
  const id = isOfficeDocument(s) ? undefined : classify(s);
  if (id === undefined) throw unknownFormat(file, s);
  return id;
}

/**
 * Where the error for a file no format recognised sends the user: the list of formats, not the
 * list itself (600 characters on every failure buried what happened).
 */
export const FORMATS_POINTER = 'Import a backup from one of the apps listed in docs/formats.md (the web app lists them under "Import a backup")';

export function unknownFormat(file: string, s: Sniffed): NotABackupError {
  const kind = fileKind(s);
  // Takeout is where people get Google Voice from; a Takeout of other products is the usual mistake.
  const takeout = s.container === 'zip' && s.zipNames.some((n) => n.startsWith('Takeout/'));
  const what = takeout
    ? 'this is a Google Takeout without Google Voice, and only Voice holds texts and calls: choose Voice at takeout.google.com'
    : `this is ${kind}, not a phone backup`;
  // One line, like every import error; `expected` empty: the reason is the whole sentence.
  return new NotABackupError(file, `${what}. ${FORMATS_POINTER}.`, '');
}

/** Pure: the format a sniffed file is in, or undefined. The formats' rules do not overlap, so order does not matter. */
export function classify(s: Sniffed): FormatId | undefined {
  const id = READABLE.find((f) => f.recognise?.(s) === true)?.id;
  return id !== undefined && isFormatId(id) ? id : undefined;
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
