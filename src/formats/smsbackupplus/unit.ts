/**
 * SMS Backup+ mail as BackupUnits: an mbox file (Google Takeout), one .eml file, or a folder of
 * .eml files (one unit, so the folder imports all-or-nothing). `readMails` is the loop every
 * mail source shares, the IMAP source included.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BackupUnit, ReadContext, ReadOutcome } from '../backup-unit.js';
import { openInput, readHead, type InputEntry } from '../container.js';
import type { InputLimits } from '../limits.js';
import type { BackupContent } from '../records.js';
import { emlFiles } from './eml-folder.js';
import { readMail } from './mail-reader.js';
import { splitMbox } from './mbox.js';

export interface MailSource {
  /** The mails, in order; `line` is where each starts in its file (1 for a mail of its own). */
  /** `bytes` is the whole mail, or a stream of it for mail too big to hold (read to its end before the next). */
  mails: AsyncIterable<{ bytes: Buffer | Readable; line: number; name?: string; label?: string }>;
}

export interface MailReadSummary {
  records: number;
  skipped: number;
}

/** Reads mails into ctx.handler: a header, then one record per SMS Backup+ mail; other mail is a `mail-skipped` warning. */
export async function readMails(name: string, content: BackupContent, mails: MailSource['mails'], ctx: ReadContext): Promise<MailReadSummary> {
  ctx.handler.header({ content, rootAttrs: [], creator: 'SMS Backup+' });
  const index = { sms: 0, mms: 0, call: 0 };
  let skipped = 0;
  let records = 0;
  let n = 0;
  for await (const mail of mails) {
    n++;
    const where = mail.name ?? name;
    const outcome = await readMail(mail.bytes, { name: where, sink: ctx.sink, position: { line: mail.line, column: 1, index: 0 } });
    if (outcome.kind === 'skipped') {
      skipped++;
      ctx.handler.warning({
        code: 'mail-skipped',
        message: `${mail.label ?? `mail #${n}`}${outcome.subject === '' ? '' : ` (${JSON.stringify(outcome.subject.slice(0, 60))})`} skipped: ${outcome.reason}`,
        line: mail.line,
        column: 1,
      });
      continue;
    }
    const r = outcome.record;
    r.position.index = index[r.kind]++;
    records++;
    ctx.handler.record(r);
  }
  return { records, skipped };
}

// ---- mbox ----

export async function mboxUnits(file: string, limits?: InputLimits): Promise<BackupUnit[]> {
  const entries = await openInput(file, limits);
  return entries.map(mboxUnit);
}

function mboxUnit(entry: InputEntry): BackupUnit {
  return {
    format: 'smsbackupplus-mbox',
    content: 'messages',
    name: entry.name,
    file: entry.file,
    ...(entry.entryName === undefined ? {} : { entryName: entry.entryName }),
    sizeOnDisk: entry.sizeOnDisk,
    digestSize: entry.digestSize,
    digest: async () => {
      const opened = await entry.open();
      for await (const _chunk of opened.stream) {
        // drained only for the digest
      }
      return opened.digest();
    },
    sampleText: async (limit) => (await readHead(entry, limit)).toString('utf8'),
    read: async (ctx: ReadContext): Promise<ReadOutcome> => {
      const opened = await entry.open(
        (n) => {
          ctx.onBytes(n);
        },
        (n) => ctx.onExpanded?.(n),
      );
      try {
        await readMails(entry.name, 'messages', splitMbox(opened.stream as AsyncIterable<Buffer>, entry.name), ctx);
      } finally {
        opened.stream.destroy();
      }
      return { digest: opened.digest() };
    },
  };
}

// ---- .eml files ----

/** The .eml files of a folder, sorted by name (symbolic links and sub-folders are not followed). */
export function emlUnits(file: string): Promise<BackupUnit[]> {
  return Promise.resolve([emlUnit(file, [file])]);
}

export function emlFolderUnits(dir: string): Promise<BackupUnit[]> {
  return Promise.resolve([emlUnit(dir, emlFiles(dir))]);
}

function emlUnit(name: string, files: string[]): BackupUnit {
  const size = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  // One digest over every file (name and bytes, in order), so an unchanged folder is recognised.
  const digest = async (onBytes?: (n: number) => void): Promise<{ sha256: string; size: number }> => {
    const hash = createHash('sha256');
    for (const f of files) {
      hash.update(`${path.basename(f)}\u0000`);
      const bytes = await fs.promises.readFile(f);
      hash.update(bytes);
      onBytes?.(bytes.length);
    }
    return { sha256: hash.digest('hex'), size };
  };
  return {
    format: 'smsbackupplus-eml',
    content: 'messages',
    name,
    file: name,
    sizeOnDisk: size,
    digestSize: size,
    digest: () => digest(),
    sampleText: async (limit) => {
      let text = '';
      for (const f of files) {
        if (text.length >= limit) break;
        text += (await fs.promises.readFile(f)).toString('utf8', 0, limit - text.length) + '\n';
      }
      return text;
    },
    read: async (ctx: ReadContext): Promise<ReadOutcome> => {
      const hash = createHash('sha256');
      async function* mails(): AsyncGenerator<{ bytes: Buffer; line: number; name: string }> {
        for (const f of files) {
          const bytes = await fs.promises.readFile(f);
          hash.update(`${path.basename(f)}\u0000`);
          hash.update(bytes);
          ctx.onBytes(bytes.length);
          ctx.onExpanded?.(bytes.length);
          yield { bytes, line: 1, name: f };
        }
      }
      await readMails(name, 'messages', mails(), ctx);
      return { digest: { sha256: hash.digest('hex'), size } };
    },
  };
}
