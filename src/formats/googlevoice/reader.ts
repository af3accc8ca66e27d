/**
 * Reads a Takeout's Voice files (source.ts) into records: `Phones.vcf` first for the owner's
 * number, then every page of `Calls/` in name order (page.ts parses, mapping.ts shapes), each
 * message's attachments streamed from the files beside the page into the MediaSink.
 *
 * A one-to-one conversation names its other party on their messages only; a page holding only
 * the owner's messages ("Me to Ann") is read last, when every other page has shown which number
 * goes with that name. Without one, the number in the page's file name is used, and failing that
 * the name itself, so no message is dropped.
 */
import type { ReadContext } from '../backup-unit.js';
import { MalformedBackupError } from '../errors.js';
import { formatSize, LimitExceededError, type InputLimits } from '../limits.js';
import type { AddrRecord, Attr, PartRecord, ReadWarning, SourcePosition } from '../records.js';
import {
  callAttrs,
  callType,
  durationSeconds,
  isPlainName,
  mediaPartAttrs,
  mmsAttrs,
  smsAttrs,
  textPartAttrs,
  timeMs,
  type Counterpart,
  type MessageShape,
} from './mapping.js';
import { MEDIA_HEAD_BYTES, mediaTypeOf } from './media-type.js';
import { PageDepthError, parsePage, positions, type CallPage, type ConversationPage, type Party } from './page.js';

/** Line and column of an offset in a page. */
type Where = (at: number) => { line: number; column: number };
import { MAX_PHONES_BYTES, ownerNumber } from './phones.js';
import type { CallsFolder, VoiceFile, VoiceSource } from './source.js';

export interface VoiceReadStats {
  skipped: number;
  firstSkipped?: string;
}

const FROM = '137';
const TO = '151';

export async function readVoice(source: VoiceSource, ctx: ReadContext, limits: InputLimits): Promise<VoiceReadStats> {
  ctx.handler.header({ content: 'messages', rootAttrs: [] });
  const stats: VoiceReadStats = { skipped: 0 };
  const counters = { sms: 0, mms: 0, call: 0 };
  const position = (kind: keyof typeof counters, line: number, column: number): SourcePosition => ({ line, column, index: counters[kind]++ });
  /** Names to numbers, from every party a page shows with both. */
  const numbers = new Map<string, string>();

  for (const folder of source.folders) {
    const owner = await readOwner(folder.phones, ctx);
    const deferred: { file: VoiceFile; where: Where; page: ConversationPage }[] = [];

    const pageOf = async (file: VoiceFile): Promise<{ where: Where; page: ReturnType<typeof parsePage> }> => {
      if (file.size > limits.maxRecordChars) {
        throw new LimitExceededError(file.name, 'maxRecordChars', `the page is ${formatSize(file.size)}`, formatSize(limits.maxRecordChars));
      }
      const html = (await file.read()).toString('utf8');
      ctx.onBytes(file.sizeOnDisk);
      const where = positions(html);
      try {
        return { where, page: parsePage(html) };
      } catch (e) {
        if (!(e instanceof PageDepthError)) throw e;
        const { line, column } = where(e.at);
        throw new MalformedBackupError(file.name, line, column, e.message);
      }
    };

    const fail = (file: VoiceFile, where: Where, at: number, reason: string): void => {
      const { line, column } = where(at);
      if (!ctx.salvage) throw new MalformedBackupError(file.name, line, column, `${reason}; import with --salvage to skip it`);
      stats.skipped++;
      stats.firstSkipped ??= `${file.name}:${line}:${column}: ${reason}`;
      ctx.handler.warning({ code: 'record-rejected', message: `${file.base}: ${reason}; skipped`, line, column });
    };

    const conversation = async (file: VoiceFile, where: Where, page: ConversationPage, to: Counterpart[]): Promise<void> => {
      const read = !page.labels.includes('unread');
      const group = page.participants !== undefined;
      for (const m of page.messages) {
        const dateMs = timeMs(m.time);
        if (dateMs === undefined || m.time === undefined) {
          fail(file, where, m.at, `a message without a valid time (<abbr class="dt" title="${m.time ?? ''}">)`);
          continue;
        }
        const out = m.sender?.me === true || (owner !== undefined && m.sender?.number === owner);
        const shape: MessageShape = { out, dateMs, time: m.time, text: m.text, read };
        const { line, column } = where(m.at);
        if (!group && m.attachments.length === 0) {
          const only = to[0] ?? { address: '', name: null };
          ctx.handler.record({ kind: 'sms', attrs: smsAttrs(only, shape), position: position('sms', line, column) });
          continue;
        }
        const parts: PartRecord[] = m.text === '' ? [] : [{ attrs: textPartAttrs(m.text) }];
        for (const name of m.attachments) parts.push(await attachment(folder, file, name, { line, column }, ctx));
        const self = out ? (m.sender?.number ?? owner) : owner;
        const addrs: AddrRecord[] = [];
        const row = (address: string | undefined, type: string): void => {
          if (address !== undefined && address !== '') addrs.push({ attrs: [['address', address], ['type', type], ['charset', '106']] });
        };
        if (out) {
          row(self, FROM);
          for (const p of to) row(p.address, TO);
        } else {
          const from = m.sender?.number !== undefined && m.sender.number !== '' ? m.sender.number : to[0]?.address;
          row(from, FROM);
          row(self, TO);
          for (const p of to) if (p.address !== from) row(p.address, TO);
        }
        ctx.handler.record({ kind: 'mms', attrs: mmsAttrs(to, shape), parts, addrs, position: position('mms', line, column) });
      }
    };

    const call = (file: VoiceFile, where: Where, page: CallPage): void => {
      const dateMs = timeMs(page.time);
      if (dateMs === undefined || page.time === undefined) {
        fail(file, where, page.at, `a call without a valid time (<abbr class="published" title="${page.time ?? ''}">)`);
        return;
      }
      const { line, column } = where(page.at);
      const attrs: Attr[] = callAttrs({
        number: page.party?.number ?? '',
        name: page.party?.name ?? null,
        dateMs,
        time: page.time,
        durationS: durationSeconds(page.duration) ?? 0,
        type: callType(page.labels, page.title),
        transcript: page.transcript,
      });
      ctx.handler.record({ kind: 'call', attrs, position: position('call', line, column) });
    };

    for (const file of folder.pages) {
      const { where, page } = await pageOf(file);
      if (page.kind === 'other') {
        ctx.handler.warning({ code: 'entry-skipped', message: `${file.base} is not a Google Voice conversation or call page; skipped`, line: 1, column: 1 });
        continue;
      }
      if (page.kind === 'call') {
        learn(numbers, page.party);
        call(file, where, page);
        continue;
      }
      for (const p of [...(page.participants ?? []), ...page.messages.map((m) => m.sender)]) learn(numbers, p);
      if (page.participants !== undefined) {
        await conversation(file, where, page, page.participants.filter((p) => !p.me && p.number !== owner).map(counterpart));
        continue;
      }
      const other = page.messages.map((m) => m.sender).find((p): p is Party => p !== undefined && !p.me && p.number !== '' && p.number !== owner);
      if (other === undefined) deferred.push({ file, where, page });
      else await conversation(file, where, page, [counterpart(other)]);
    }
    for (const { file, where, page } of deferred) await conversation(file, where, page, [unnamedCounterpart(file, page, numbers)]);
  }
  return stats;
}

function learn(numbers: Map<string, string>, p: Party | undefined): void {
  if (p === undefined || p.me || p.name === null || p.number === '' || numbers.has(p.name)) return;
  numbers.set(p.name, p.number);
}

function counterpart(p: Party): Counterpart {
  return { address: p.number === '' ? (p.name ?? '') : p.number, name: p.name };
}

/**
 * The other party of a one-to-one page whose messages show no number for them: a page of only the
 * owner's messages names them in its title ("Me to Ann"), a page of theirs without a `tel:` on
 * their messages or in its title ("Ann"). Another page gave Ann's number, or the file name starts
 * with it (`+15551234567 - Text - ...`); else the name stands for the number.
 */
function unnamedCounterpart(file: VoiceFile, page: ConversationPage, numbers: Map<string, string>): Counterpart {
  const titled = /^Me to\s*(.*)$/i.exec(page.title)?.[1]?.trim();
  const sender = page.messages.map((m) => m.sender).find((p) => p !== undefined && !p.me && p.name !== null)?.name ?? undefined;
  const candidate = titled ?? sender ?? page.title.trim();
  const name = candidate === '' ? null : candidate;
  const known = name === null ? undefined : numbers.get(name);
  if (known !== undefined) return { address: known, name };
  const fromFile = /^(\+?\d[\d ()-]{2,})\s+-\s/.exec(file.base)?.[1]?.trim();
  if (fromFile !== undefined) return { address: fromFile, name };
  return { address: name ?? '', name };
}

async function readOwner(phones: VoiceFile | undefined, ctx: ReadContext): Promise<string | undefined> {
  if (phones === undefined || phones.size > MAX_PHONES_BYTES) return undefined;
  const text = (await phones.read()).toString('utf8');
  ctx.onBytes(phones.sizeOnDisk);
  return ownerNumber(text);
}

/** The file a message links to, from beside its page: exactly that name, or that name with an extension. */
function findAttachment(folder: CallsFolder, name: string): VoiceFile | undefined {
  const candidates = [name];
  try {
    const decoded = decodeURIComponent(name);
    if (decoded !== name) candidates.push(decoded);
  } catch {
    // Not percent-encoded: the name as written is all there is.
  }
  for (const c of candidates) {
    if (!isPlainName(c)) continue;
    const exact = folder.files.get(c);
    if (exact !== undefined && !/\.html$/i.test(exact.base)) return exact;
    const withExtension = folder.stems.get(c)?.find((f) => !/\.html$/i.test(f.base));
    if (withExtension !== undefined) return withExtension;
  }
  return undefined;
}

async function attachment(folder: CallsFolder, page: VoiceFile, name: string, at: { line: number; column: number }, ctx: ReadContext): Promise<PartRecord> {
  const file = isPlainName(name) ? findAttachment(folder, name) : undefined;
  if (file === undefined) {
    const why = isPlainName(name) ? 'which is not beside it in the Takeout' : 'which is not a file name beside the page (a path); ignored';
    const w: ReadWarning = { code: 'media-empty', message: `${page.base} links ${JSON.stringify(name)}, ${why}`, ...at };
    ctx.handler.warning(w);
    return { attrs: mediaPartAttrs('application/octet-stream', name), damage: 'empty' };
  }
  const writer = ctx.sink.begin();
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of await file.open()) {
      const b = chunk as Buffer;
      if (head.length < MEDIA_HEAD_BYTES) head = Buffer.concat([head, b.subarray(0, MEDIA_HEAD_BYTES - head.length)]);
      writer.write(b);
    }
  } catch (e) {
    writer.abort();
    throw e;
  }
  ctx.onBytes(file.sizeOnDisk);
  return { attrs: mediaPartAttrs(mediaTypeOf(head), file.base), media: writer.finish() };
}
