/**
 * The SMS Backup+ IMAP scenario of `npm run bench` (BENCH_ONLY=imap): a local Dovecot (started
 * like the tests start it) holding generated SMS Backup+ mail, imported over TLS into an empty
 * vault, then imported again (incremental: nothing new to fetch). Each import runs in its own
 * process (bench/imap-child.ts) so its peak RSS is its own.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ArchiveRecord } from '../src/formats/records.js';
import { writeMail } from '../src/formats/smsbackupplus/writer.js';
import { startDovecot } from '../test/helpers/dovecot.js';

export interface ImapMeasure {
  step: string;
  seconds: number;
  records: number;
  bytes: number;
  maxRssMB: number;
}

const MEDIA = Buffer.alloc(20_000, 7);
const POS = { line: 0, column: 0, index: 0 };

function record(i: number): ArchiveRecord {
  const date = String(1_500_000_000_000 + i * 60_000);
  const address = `+1555${String(1_000_000 + (i % 500)).slice(1)}`;
  if (i % 20 === 19) {
    return {
      kind: 'mms',
      attrs: [['date', date], ['msg_box', '1'], ['address', address], ['m_type', '132'], ['read', '1']],
      parts: [
        { attrs: [['seq', '0'], ['ct', 'text/plain'], ['text', `photo ${i}`]] },
        // Distinct bytes per MMS so the blob store does real work.
        { attrs: [['seq', '1'], ['ct', 'image/jpeg'], ['cl', `img${i}.jpg`]], media: { sha256: `m${i}`, size: MEDIA.length } },
      ],
      addrs: null,
      position: POS,
    };
  }
  return { kind: 'sms', attrs: [['address', address], ['date', date], ['type', i % 3 === 0 ? '2' : '1'], ['body', `Message ${i}: see you at ${i % 24}:00, bring the usual things`], ['read', '1']], position: POS };
}

export async function imapBench(count: number): Promise<ImapMeasure[]> {
  const dovecot = await startDovecot();
  const vault = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-imap-'));
  try {
    const t = Date.now();
    const mails: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const r = record(i);
      const mail = await writeMail(r, {
        userAddress: 'owner@example.org',
        reference: 'bench',
        thread: String(i % 500),
        fallbackId: String(i),
        media: { open: (sha) => [Buffer.concat([Buffer.from(sha), MEDIA])] as unknown as AsyncIterable<Buffer> },
      });
      mails.push(mail.raw);
    }
    dovecot.seedMaildir('SMS', mails);
    process.stderr.write(`imap: ${count} mails (${(mails.reduce((n, m) => n + m.length, 0) / 1e6).toFixed(0)} MB) generated in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    const url = `imap://${dovecot.user}@localhost:${dovecot.tlsPort}/SMS`;
    const run = (step: string): ImapMeasure => {
      const out = execFileSync(process.execPath, ['--max-old-space-size=256', '--max-semi-space-size=4', '--import', 'tsx', path.join(import.meta.dirname, 'imap-child.ts'), url, vault, dovecot.certFile], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, TEXTVAULT_IMAP_PASSWORD: dovecot.password },
      });
      return { step, ...(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Omit<ImapMeasure, 'step'>) };
    };
    // Dovecot indexes the seeded maildir on the first SELECT; do that outside the measurement.
    run('warm-up (index the maildir)');
    fs.rmSync(vault, { recursive: true, force: true });
    return [run('import over TLS into empty vault'), run('re-run (incremental, nothing new)')];
  } finally {
    fs.rmSync(vault, { recursive: true, force: true });
    await dovecot.stop();
  }
}
