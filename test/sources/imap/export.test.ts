import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpVault } from '../../../src/vault/dump.js';
import { ExportError } from '../../../src/vault/export/sbr-export.js';
import { exportToImap } from '../../../src/sources/imap/export.js';
import { importImap } from '../../../src/sources/imap/import.js';
import { startDovecot, type Dovecot } from '../../helpers/dovecot.js';
import { DOVECOT, lacks, OPENSSL } from '../../helpers/system.js';
import fs from 'node:fs';
import path from 'node:path';
import { fixture, tempDir } from '../../helpers/temp.js';
import { counts, importAll, useVaults } from '../../helpers/vault.js';
import { mails, smsRecord } from '../../formats/smsbackupplus/helpers.js';
import { admin, put, target } from './helpers.js';

const vault = useVaults();

/** A synthetic call log (the shared fixtures have none): every call type, a private number, a name. */
function callsFile(): string {
  const calls = [
    '<call number="+15550001111" duration="247" date="1600000000000" type="1" presentation="1" contact_name="Ann" />',
    '<call number="5550002222" duration="0" date="1600000100000" type="3" presentation="1" contact_name="(Unknown)" />',
    '<call number="+15550001111" duration="60" date="1600000200000" type="2" presentation="1" subscription_id="1" contact_name="Ann" />',
    '<call number="" duration="0" date="1600000300000" type="6" presentation="2" />',
    '<call number="+15550003333" duration="12" date="1600000400000" type="4" presentation="1" />',
  ];
  const file = path.join(tempDir(), 'calls-20240101000000.xml');
  fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count="5" backup_date="1700000000000">\n${calls.map((c) => `  ${c}\n`).join('')}</calls>\n`);
  return file;
}
let dovecot: Dovecot;
const ALL = { kinds: new Set(['sms', 'mms', 'calls'] as const) };

// Skipped, with a note at the end of the run, where Dovecot is not installed.
const noDovecot = lacks(DOVECOT, OPENSSL);
beforeAll(async () => {
  if (!noDovecot) dovecot = await startDovecot();
});
afterAll(async () => {
  if (!noDovecot) await dovecot.stop();
});

async function folderCount(folder: string): Promise<number> {
  const c = await admin(dovecot);
  try {
    const s = await c.status(folder, { messages: true });
    return s === false ? 0 : (s.messages ?? 0);
  } finally {
    await c.logout();
  }
}

describe.skipIf(noDovecot)('exporting to an IMAP folder in SMS Backup+ layout (real Dovecot)', () => {
  it('appends messages and calls; running it again appends nothing', async () => {
    const v = await vault();
    await importAll(v, [fixture('sbr', 'sms-mms-small.xml'), fixture('sbr', 'mms-media.xml'), callsFile()]);
    const c = await counts(v);
    expect(c.calls).toBe(5);
    const opts = { password: dovecot.password, ca: [dovecot.certPem], callFolder: 'Export calls' };
    const first = await exportToImap(v, ALL, target(dovecot, 'Export SMS'), opts);
    expect(first.appended).toEqual({ messages: c.sms + c.mms, calls: c.calls });
    expect(await folderCount('Export SMS')).toBe(c.sms + c.mms);
    const again = await exportToImap(v, ALL, target(dovecot, 'Export SMS'), opts);
    expect(again.appended).toEqual({ messages: 0, calls: 0 });
    expect(again.alreadyThere).toEqual({ messages: c.sms + c.mms, calls: c.calls });
    expect(await folderCount('Export SMS')).toBe(c.sms + c.mms);
  });

  it('a media file missing from the vault stops the export with the record and what to run', async () => {
    const v = await vault();
    await importAll(v, [fixture('sbr', 'mms-media.xml')]);
    const blob = await v.db.selectFrom('blobs').select('sha256').executeTakeFirstOrThrow();
    await v.blobs.delete(blob.sha256);
    const err = await exportToImap(v, ALL, target(dovecot, 'Missing media'), { password: dovecot.password, ca: [dovecot.certPem] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect((err as Error).message).toMatch(/cannot write the mms of .* dated \d+: .*run textvault verify/);
  });

  it('reuses the app\'s install reference and contact threads, and skips mail the app already wrote', async () => {
    // Mail "the app" wrote (no Textvault headers), with its own References.
    const appMail = (await mails([smsRecord(1)], false)).map((m) =>
      Buffer.from(m.toString('utf8').replace(/^X-textvault-id:.*\r\n/m, '').replace(/^References: .*$/m, 'References: <appref123.42@sms-backup-plus.local>')),
    );
    await put(dovecot, 'Threads', appMail);
    const v = await vault();
    const dir = tempDir();
    const eml = await mails([smsRecord(1), smsRecord(101)]);
    eml.forEach((m, i) => {
      fs.writeFileSync(path.join(dir, `${i}.eml`), m);
    });
    await importAll(v, [dir]);
    const result = await exportToImap(v, { kinds: new Set(['sms'] as const) }, target(dovecot, 'Threads'), { password: dovecot.password, ca: [dovecot.certPem] });
    // smsRecord(1) is the app's mail already; smsRecord(101) has the same number: same thread.
    expect(result).toMatchObject({ appended: { messages: 1 }, alreadyThere: { messages: 1 }, reference: 'appref123' });
    const c = await admin(dovecot);
    await c.mailboxOpen('Threads');
    const refs: string[] = [];
    for await (const m of c.fetch('1:*', { headers: ['references'] })) refs.push(m.headers?.toString().trim() ?? '');
    await c.logout();
    expect(refs).toEqual(['References: <appref123.42@sms-backup-plus.local>', 'References: <appref123.42@sms-backup-plus.local>']);
  });

  it('a vault exported to IMAP and imported into a fresh vault is the same archive; with the SBR file again, still one copy each', async () => {
    const a = await vault();
    const files = [fixture('sbr', 'sms-mms-small.xml'), fixture('sbr', 'mms-media.xml'), fixture('sbr', 'corrupt-base64.xml'), callsFile()];
    await importAll(a, files);
    expect((await counts(a)).calls).toBe(5);
    const opts = { password: dovecot.password, ca: [dovecot.certPem], callFolder: 'RT calls' };
    await exportToImap(a, ALL, target(dovecot, 'RT SMS'), opts);
    const b = await vault();
    const imported = await importImap(b, target(dovecot, 'RT SMS'), opts);
    expect(imported.map((r) => [r.folder, r.status])).toEqual([
      ['RT SMS', 'imported'],
      ['RT calls', 'imported'],
    ]);
    const dumpA = await dumpVault(a);
    const dumpB = await dumpVault(b);
    expect(dumpB.messages).toEqual(dumpA.messages);
    expect(dumpB.calls).toEqual(dumpA.calls);
    const before = await counts(b);
    const again = await importAll(b, files);
    expect(again.every((r) => r.counts.new === 0)).toBe(true);
    expect(await counts(b)).toEqual(before);
  });
});
