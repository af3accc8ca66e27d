/**
 * Turns records into NDJSON lines (schema.ts). Pure: the caller supplies what only the vault
 * knows (conversation, names, direction) and writes the media files under mediaPath().
 */
import type { CallView, PersonView } from '../export-view.js';
import type { CallRecord, MessageRecord, PartRecord } from '../records.js';
import { isoWithOffset } from '../time.js';
import {
  NDJSON_SCHEMA,
  NDJSON_VERSION,
  mediaPath,
  type CallLineT,
  type ContactLineT,
  type HeaderLineT,
  type MessageLineT,
  type PartLineT,
} from './schema.js';

export function headerLine(exportedAtMs: number, region: string | undefined, generator: string): string {
  const line: HeaderLineT = {
    type: 'header',
    schema: NDJSON_SCHEMA,
    version: NDJSON_VERSION,
    exported_at: isoWithOffset(exportedAtMs),
    exported_at_ms: exportedAtMs,
    ...(region === undefined ? {} : { region }),
    generator,
  };
  return JSON.stringify(line) + '\n';
}

export interface MessageContext {
  dateMs: number;
  direction: string;
  text: string;
  conversationId: number;
  participants: PersonView[];
}

function part(p: PartRecord): PartLineT {
  const out: PartLineT = { attrs: p.attrs.map((a) => [a[0], a[1]]) };
  if (p.media) out.media = { sha256: p.media.sha256, size: p.media.size, path: mediaPath(p.media.sha256) };
  if (p.damage) out.damage = p.damage;
  if (p.rawData !== undefined) out.raw_data = p.rawData;
  return out;
}

export function messageLine(r: MessageRecord, ctx: MessageContext): string {
  const line: MessageLineT = {
    type: 'message',
    kind: r.kind,
    date: isoWithOffset(ctx.dateMs),
    date_ms: ctx.dateMs,
    direction: ctx.direction,
    conversation: { id: ctx.conversationId, participants: ctx.participants },
    text: ctx.text,
    attrs: r.attrs.map((a) => [a[0], a[1]]),
  };
  if (r.kind === 'mms') {
    line.parts = r.parts.map(part);
    line.addrs = r.addrs === null ? null : r.addrs.map((a) => ({ attrs: a.attrs.map((x) => [x[0], x[1]]) }));
  }
  return JSON.stringify(line) + '\n';
}

export function callLine(r: CallRecord, view: CallView): string {
  const line: CallLineT = {
    type: 'call',
    date: isoWithOffset(view.dateMs),
    date_ms: view.dateMs,
    person: view.person,
    call_type: view.type,
    duration_s: view.durationS,
    attrs: r.attrs.map((a) => [a[0], a[1]]),
  };
  return JSON.stringify(line) + '\n';
}

export function contactLine(address: string, name: string, photo?: { sha256: string; size: number }): string {
  const line: ContactLineT = { type: 'contact', address, name };
  if (photo) line.photo = { sha256: photo.sha256, size: photo.size, path: mediaPath(photo.sha256) };
  return JSON.stringify(line) + '\n';
}
