/**
 * Reads a Textvault NDJSON export (schema.ts) back into records, streaming line by line, so
 * `textvault import export.ndjson` restores exactly what was exported. Media bytes are not in the
 * file: each part names its media by SHA-256, and `openMedia` (given by the caller) supplies the
 * bytes, which are streamed into the sink and must hash to that SHA-256. The path written in the
 * file is never used: the reader only ever asks for `media/<sha256>` with a validated hash.
 */
import { MalformedBackupError } from '../errors.js';
import { JsonParseError, parseJson } from '../json/parse.js';
import type { Attrs, MediaSink, PartRecord, RecordHandler, StoredMedia } from '../records.js';
import { CallLine, ContactLine, HeaderLine, MessageLine, NDJSON_SCHEMA, NDJSON_VERSION, SHA256, mediaPath, type PartLineT } from './schema.js';

export interface NdjsonReadOptions {
  /** Name of the file, for messages. */
  file: string;
  sink: MediaSink;
  handler: RecordHandler;
  /** The bytes of `media/<sha256>`; throw an error saying what is missing when there are none. */
  openMedia(relativePath: string, sha256: string): AsyncIterable<Buffer>;
}

/** A line longer than this is not an export of ours (the longest is an MMS with 64 KiB raw data). */
export const MAX_LINE_BYTES = 64 << 20;

const decoder = new TextDecoder('utf-8', { fatal: true });

export async function readNdjson(source: AsyncIterable<Buffer>, opts: NdjsonReadOptions): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNo = 0;
  // An object, so that TypeScript sees the closures' writes.
  const state = { sawHeader: false };
  const index = { sms: 0, mms: 0, call: 0, contact: 0 };

  const fail = (line: number, reason: string): never => {
    throw new MalformedBackupError(opts.file, line, 1, reason);
  };

  const handleLine = async (bytes: Buffer): Promise<void> => {
    lineNo++;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return fail(lineNo, 'not valid UTF-8');
    }
    if (lineNo === 1) text = text.replace(/^\uFEFF/, '');
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = parseJson(text);
    } catch (e) {
      if (!(e instanceof JsonParseError)) throw e;
      return fail(lineNo, `not a JSON object (${e.message.replace(/^is /, '')})`);
    }
    const type = typeof value === 'object' && value !== null && 'type' in value ? value.type : undefined;
    if (!state.sawHeader) {
      if (type !== 'header') return fail(lineNo, `the first line is not a ${NDJSON_SCHEMA} header`);
      const h = HeaderLine.safeParse(value);
      if (!h.success) return fail(lineNo, `bad header: ${h.error.issues[0]?.message ?? 'invalid'}`);
      if (h.data.version > NDJSON_VERSION) {
        return fail(lineNo, `written by a newer Textvault (schema version ${h.data.version}, this one reads up to ${NDJSON_VERSION}); upgrade Textvault to import it`);
      }
      state.sawHeader = true;
      const rootAttrs: [string, string][] = [
        ['schema', h.data.schema],
        ['version', String(h.data.version)],
        ['backup_date', String(h.data.exported_at_ms)],
      ];
      if (h.data.region !== undefined) rootAttrs.push(['region', h.data.region]);
      opts.handler.header({ content: 'messages', rootAttrs, creator: h.data.generator });
      return;
    }
    const position = { line: lineNo, column: 1 };
    if (type === 'message') {
      const m = MessageLine.safeParse(value);
      if (!m.success) return fail(lineNo, `bad message: ${issue(m.error.issues)}`);
      const attrs: Attrs = m.data.attrs;
      if (m.data.kind === 'sms') {
        opts.handler.record({ kind: 'sms', attrs, position: { ...position, index: index.sms++ } });
        return;
      }
      const parts: PartRecord[] = [];
      for (const p of m.data.parts ?? []) parts.push(await readPart(p, lineNo));
      opts.handler.record({
        kind: 'mms',
        attrs,
        parts,
        addrs: m.data.addrs === undefined || m.data.addrs === null ? null : m.data.addrs.map((a) => ({ attrs: a.attrs })),
        position: { ...position, index: index.mms++ },
      });
      return;
    }
    if (type === 'call') {
      const c = CallLine.safeParse(value);
      if (!c.success) return fail(lineNo, `bad call: ${issue(c.error.issues)}`);
      opts.handler.record({ kind: 'call', attrs: c.data.attrs, position: { ...position, index: index.call++ } });
      return;
    }
    if (type === 'contact') {
      // The archive's names (address book entries included), applied after the records' own names.
      const c = ContactLine.safeParse(value);
      if (!c.success) return fail(lineNo, `bad contact: ${issue(c.error.issues)}`);
      if (opts.handler.contact === undefined) return;
      const photo = c.data.photo === undefined ? undefined : await readMedia(c.data.photo.sha256, lineNo);
      opts.handler.contact({ name: c.data.name, numbers: [c.data.address], ...(photo ? { photo } : {}), position: { ...position, index: index.contact++ } });
      return;
    }
    opts.handler.warning({ code: 'unknown-element', message: `line of unknown type ${JSON.stringify(type)} skipped`, line: lineNo, column: 1 });
  };

  const readPart = async (p: PartLineT, line: number): Promise<PartRecord> => {
    const part: PartRecord = { attrs: p.attrs };
    if (p.damage !== undefined) part.damage = p.damage;
    if (p.raw_data !== undefined) part.rawData = p.raw_data;
    if (p.media === undefined) return part;
    part.media = await readMedia(p.media.sha256, line);
    return part;
  };

  const readMedia = async (sha: string, line: number): Promise<StoredMedia> => {
    if (!SHA256.test(sha)) fail(line, 'media sha256 is not 64 lowercase hex digits');
    const writer = opts.sink.begin();
    try {
      for await (const chunk of opts.openMedia(mediaPath(sha), sha)) writer.write(chunk);
    } catch (e) {
      writer.abort();
      throw e;
    }
    const stored = writer.finish();
    if (stored.sha256 !== sha) {
      return fail(line, `${mediaPath(sha)} does not hold the media it names (its bytes hash to ${stored.sha256}); restore the media folder from the export`);
    }
    return stored;
  };

  for await (const chunk of source) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      pendingBytes = 0;
      await handleLine(line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line);
      start = nl + 1;
    }
    if (start < chunk.length) {
      // Copied: the source may reuse its chunk buffers.
      pending.push(Buffer.from(chunk.subarray(start)));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_LINE_BYTES) fail(lineNo + 1, `line longer than ${MAX_LINE_BYTES} bytes; not a Textvault NDJSON export`);
    }
  }
  if (pendingBytes > 0) await handleLine(Buffer.concat(pending));
  if (!state.sawHeader) fail(1, `the file is empty (no ${NDJSON_SCHEMA} header)`);
}

function issue(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (first === undefined) return 'invalid';
  return `${first.path.map(String).join('.') || 'line'}: ${first.message}`;
}
