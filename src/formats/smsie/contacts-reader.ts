/**
 * Reads SMS Import/Export's contacts (contacts-*.json): contacts -> raw_contacts ->
 * contacts_data rows, as the Contacts provider has them. A contact's name is its `display_name`
 * (else its structured-name row); its numbers are the phone rows (and e-mail rows, which RCS
 * and e-mail senders use).
 */
import { forEachObject, type ElementStats } from '../json/element-reader.js';
import { isObject, type JsonObject } from '../json/values.js';
import type { MediaSink, RecordHandler, StoredMedia } from '../records.js';

const PHONE = 'vnd.android.cursor.item/phone_v2';
const EMAIL = 'vnd.android.cursor.item/email_v2';
const NAME = 'vnd.android.cursor.item/name';
const PHOTO = 'vnd.android.cursor.item/photo';

function rows(o: JsonObject): JsonObject[] {
  const raw = Array.isArray(o.raw_contacts) ? o.raw_contacts.filter(isObject) : [];
  return raw.flatMap((r) => (Array.isArray(r.contacts_data) ? r.contacts_data.filter(isObject) : []));
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export async function readSmsIeContacts(source: AsyncIterable<Buffer>, opts: { file: string; handler: RecordHandler; salvage: boolean; sink?: MediaSink }): Promise<ElementStats> {
  opts.handler.header({ content: 'contacts', rootAttrs: [] });
  return forEachObject(source, opts, (o, el) => {
    const data = rows(o);
    const name = text(o.display_name) ?? data.filter((d) => d.mimetype === NAME).map((d) => text(d.data1)).find((n) => n !== undefined);
    const numbers = data.filter((d) => d.mimetype === PHONE || d.mimetype === EMAIL).flatMap((d) => text(d.data1) ?? []);
    if (name === undefined || numbers.length === 0) return;
    // The photo row keeps its bytes base64 in `data15__base64__` (sms-ie's binary columns).
    const b64 = data.filter((d) => d.mimetype === PHOTO).map((d) => d.data15__base64__).find((v): v is string => typeof v === 'string' && v !== '');
    let photo: StoredMedia | undefined;
    if (b64 !== undefined && opts.sink !== undefined) {
      const w = opts.sink.begin();
      w.write(Buffer.from(b64, 'base64'));
      photo = w.finish();
    }
    opts.handler.contact?.({ name, numbers: [...new Set(numbers)], ...(photo ? { photo } : {}), position: { line: el.line, column: el.column, index: el.index } });
  });
}
