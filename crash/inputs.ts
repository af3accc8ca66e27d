/**
 * The backups the crash campaign imports, made once per campaign: an SMS Backup & Restore file
 * from the bench generator, an SMS Import/Export ZIP written by Textvault's own sms-ie export of
 * it, and an SMS Backup+ mbox written by Textvault's own mail writer.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { writeSmsBackup } from '../bench/generator.js';
import type { ArchiveRecord, MmsRecord } from '../src/formats/records.js';
import { writeMail, type MailWriteContext } from '../src/formats/smsbackupplus/writer.js';

/** Sizes at scale 1 (CRASH_SCALE multiplies them; the default 0.5 makes runs of one to three seconds on a loaded two-core machine). */
export function sbrSize(scale: number): { sms: number; mms: number; mediaBytes: number } {
  return { sms: Math.round(12_000 * scale), mms: Math.round(150 * scale), mediaBytes: 20_000 };
}

export async function writeSbr(file: string, scale: number, seed: number): Promise<void> {
  await writeSmsBackup(file, { seed, ...sbrSize(scale) });
}

const POS = { line: 0, column: 0, index: 0 };
// A tiny PNG header is enough: the importer stores media bytes as they are.
const picture = (i: number): Buffer => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from(`picture ${i} `.repeat(200))]);

function records(count: number): ArchiveRecord[] {
  const out: ArchiveRecord[] = [];
  for (let i = 0; i < count; i++) {
    const date = String(1_600_000_000_000 + i * 61_000);
    if (i % 25 === 0) {
      const media = picture(i);
      const mms: MmsRecord = {
        kind: 'mms',
        attrs: [['date', date], ['msg_box', '1'], ['address', `+1555999${String(i % 50).padStart(4, '0')}`], ['m_type', '132'], ['read', '1']],
        parts: [
          { attrs: [['seq', '0'], ['ct', 'text/plain'], ['text', `picture ${i}`]] },
          { attrs: [['seq', '1'], ['ct', 'image/png'], ['cl', `image${i}.png`]], media: { sha256: createHash('sha256').update(media).digest('hex'), size: media.length } },
        ],
        addrs: null,
        position: POS,
      };
      out.push(mms);
    } else {
      out.push({
        kind: 'sms',
        attrs: [['address', `+1555000${String(i % 300).padStart(4, '0')}`], ['date', date], ['type', i % 2 === 0 ? '1' : '2'], ['body', `message ${i}: ${'lorem ipsum '.repeat(1 + (i % 7))}`], ['read', '1']],
        position: POS,
      });
    }
  }
  return out;
}

/** An mbox as Google Takeout writes one (mboxrd: `From ` separators, body `From ` lines quoted). */
export async function writeMbox(file: string, scale: number): Promise<void> {
  const all = records(Math.round(2_000 * scale));
  const byHash = new Map<string, Buffer>();
  for (let i = 0; i < all.length; i += 25) {
    const b = picture(i);
    byHash.set(createHash('sha256').update(b).digest('hex'), b);
  }
  const ctx: MailWriteContext = {
    userAddress: 'owner@example.org',
    reference: 'crash',
    thread: '1',
    fallbackId: '1',
    embed: true,
    media: {
      open: (sha256) => {
        const b = byHash.get(sha256);
        if (b === undefined) throw new Error(`no media ${sha256}`);
        return Readable.from([b]) as AsyncIterable<Buffer>;
      },
    },
  };
  const fd = fs.openSync(file, 'w');
  try {
    for (const r of all) {
      const raw = (await writeMail(r, ctx)).raw.toString('latin1').replace(/^(>*From )/gm, '>$1');
      fs.writeSync(fd, Buffer.from(`From 1700000000000000000@xxx Thu Jan 01 00:00:00 +0000 2024\r\n${raw}${raw.endsWith('\r\n') ? '' : '\r\n'}\r\n`, 'latin1'));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The one file an export wrote in `dir` whose name ends with `suffix`. */
export function onlyFile(dir: string, suffix: string): string {
  const found = fs.readdirSync(dir).filter((n) => n.endsWith(suffix));
  if (found.length !== 1 || found[0] === undefined) throw new Error(`expected one *${suffix} in ${dir}, found ${found.join(', ') || 'none'}`);
  return path.join(dir, found[0]);
}
