/**
 * Writes a large Super Backup & Restore SMS file (`<allsms>`) for the benchmark, streaming: the
 * same realistic bodies, contacts and dates as the SMS Backup & Restore generator (generator-text),
 * in the app's shape and with its quirks: raw newlines inside bodies and, now and then, a `"`
 * left unescaped, which the reader's tolerant scanner must get through.
 *
 *   tsx bench/generate-superbackup.ts --out bench/data/superbackup-500k.xml --sms 500000
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { displayTime } from '../src/formats/superbackup/writer.js';
import { addressOf, Bodies, Clock, makeContacts, pickContact } from './generator-text.js';
import { Rng } from './generator-random.js';

const START = Date.UTC(2016, 0, 1);

const escape = (s: string, rawQuote: boolean): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, rawQuote ? '"' : '&quot;');

export async function writeSuperBackup(file: string, count: number, seed = 11): Promise<void> {
  const rng = new Rng(seed);
  const contacts = makeContacts(rng, 200);
  const bodies = new Bodies(rng, contacts);
  const clock = new Clock(rng, START, count);
  const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
  let buf = `<?xml version="1.0" encoding="UTF-8"?>\n<allsms count="${count}">\n`;
  for (let i = 0; i < count; i++) {
    const date = clock.tick();
    const contact = pickContact(rng, contacts);
    const service = rng.chance(0.03);
    const { address, body } = service ? bodies.service() : { address: addressOf(rng, contact), body: bodies.message(contact.lang) };
    const type = service ? 1 : rng.chance(0.45) ? 2 : 1;
    const name = service || contact.name === '(Unknown)' ? '' : contact.name;
    // The app writes newlines raw, and the odd body with its quotes unescaped.
    const text = escape(body, rng.chance(0.01));
    buf += `\t<sms address="${escape(address, false)}" time="${displayTime(date)}" date="${date}" type="${type}" body="${text}" read="1" service_center="${type === 1 ? '+15550009000' : 'null'}" name="${escape(name, false)}" />\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(`${buf}</allsms>\n`);
  await once(out, 'close');
}

if (process.argv[1]?.endsWith('generate-superbackup.ts') === true) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, sms: { type: 'string', default: '500000' } } });
  if (values.out === undefined) throw new Error('--out FILE');
  await writeSuperBackup(values.out, Number(values.sms));
}
