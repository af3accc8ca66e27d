/**
 * Writes records as a Fossify Messages JSON export its importer restores (FORMATS.md section 4):
 * one array of `sms` and `mms` elements with Fossify's keys and JSON types, MMS `date` in
 * seconds, media as inline base64 streamed from the MediaSource (an attachment is never held in
 * memory). Fossify has no call log: calls are not written.
 */
import { randomBytes } from 'node:crypto';
import { base64Of, verifiedMedia } from '../media-base64.js';
import type { MessageRecord } from '../records.js';
import type { MediaSource } from '../sbr/writer.js';
import { mmsElement, smsElement } from './mapping.js';

export async function* fossifyJson(records: Iterable<MessageRecord>, media: MediaSource): AsyncGenerator<Buffer> {
  // A token no message text can contain marks where a part's base64 goes.
  const token = `tv-media-${randomBytes(12).toString('hex')}-`;
  let first = true;
  let batch: string[] = ['['];
  for (const r of records) {
    const sep = first ? '\n' : ',\n';
    first = false;
    if (r.kind === 'sms') {
      batch.push(sep + JSON.stringify(smsElement(r.attrs)));
      if (batch.length >= 256) {
        yield Buffer.from(batch.join(''));
        batch = [];
      }
      continue;
    }
    const text = JSON.stringify(
      mmsElement(r.attrs, r.addrs, r.parts, (i) => {
        const p = r.parts[i];
        // Damaged data goes back as it was, so a re-import sees the same damage (same identity).
        if (p?.rawData !== undefined) return p.rawData;
        if (p?.damage === 'empty') return '';
        return p?.media !== undefined ? `${token}${i}` : null;
      }),
    );
    const pieces = text.split(new RegExp(`"${token}(\\d+)"`));
    batch.push(sep + (pieces[0] ?? ''));
    yield Buffer.from(batch.join(''));
    batch = [];
    for (let k = 1; k < pieces.length; k += 2) {
      const part = r.parts[Number(pieces[k])];
      const m = part?.media;
      if (m === undefined) throw new Error('fossify writer: media marker without media');
      yield Buffer.from('"');
      yield* base64Of(verifiedMedia(media, m));
      yield Buffer.from('"' + (pieces[k + 1] ?? ''));
    }
  }
  batch.push(first ? ']\n' : '\n]\n');
  yield Buffer.from(batch.join(''));
}
