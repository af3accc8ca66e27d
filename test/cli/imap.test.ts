import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { DOVECOT, lacks, OPENSSL } from '../helpers/system.js';
import { fixture, tempDir } from '../helpers/temp.js';
import { mails, NEWSLETTER, smsRecord } from '../formats/smsbackupplus/helpers.js';
import { put } from '../sources/imap/helpers.js';

let dovecot: Dovecot;
// Skipped, with a note at the end of the run, where Dovecot is not installed.
const noDovecot = lacks(DOVECOT, OPENSSL);
beforeAll(async () => {
  if (!noDovecot) dovecot = await startDovecot();
});
afterAll(async () => {
  if (!noDovecot) await dovecot.stop();
});

const url = (folder: string): string => `imap://${dovecot.user}@localhost:${dovecot.tlsPort}/${encodeURIComponent(folder)}`;

describe.skipIf(noDovecot)('textvault import/export with an IMAP mailbox (real Dovecot)', () => {
  it('imports from imap:// with the password from the environment, then reports nothing new', async () => {
    await put(dovecot, 'SMS', [...(await mails([smsRecord(1), smsRecord(2)])), NEWSLETTER]);
    const vault = path.join(tempDir(), 'v');
    // The test server's certificate is trusted the way a user trusts their own: NODE_EXTRA_CA_CERTS.
    const env = { TEXTVAULT_IMAP_PASSWORD: dovecot.password, NODE_EXTRA_CA_CERTS: dovecot.certFile };
    const first = await cliAsync(['--vault', vault, 'import', url('SMS')], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/SMS: imported 2 records \(2 SMS, 0 MMS\).*2 new/);
    expect(first.stdout).toMatch(/1 warning:[\s\S]*Weekly news[\s\S]*not an SMS Backup\+ mail/);
    expect(first.stdout).toMatch(/Call%20log: no such folder on the server; skipped/);
    const second = await cliAsync(['--vault', vault, 'import', url('SMS')], env);
    expect(second.stdout).toMatch(/SMS: nothing new since the last import/);
  });

  it('reads the password from --password-file; refuses a password in the URL; says how to give one without a terminal', async () => {
    const vault = path.join(tempDir(), 'v');
    const file = path.join(tempDir(), 'pw');
    fs.writeFileSync(file, `${dovecot.password}\n`);
    const ok = await cliAsync(['--vault', vault, 'import', '--password-file', file, '--insecure', url('SMS')]);
    expect(ok.code).toBe(0);
    const inUrl = await cliAsync(['--vault', vault, 'import', `imap://${dovecot.user}:secret@localhost:${dovecot.tlsPort}/SMS`]);
    expect(inUrl.code).toBe(1);
    expect(inUrl.stderr).toMatch(/holds a password.*--password-file/);
    const none = await cliAsync(['--vault', vault, 'import', url('SMS')], { TEXTVAULT_IMAP_PASSWORD: '' });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--password-file FILE or TEXTVAULT_IMAP_PASSWORD/);
  });

  it('export --format smsbackupplus --to imap:// appends once; a second run appends nothing', async () => {
    const vault = path.join(tempDir(), 'v');
    await cliAsync(['--vault', vault, 'import', fixture('sbr', 'sms-mms-small.xml')]);
    const env = { TEXTVAULT_IMAP_PASSWORD: dovecot.password, NODE_EXTRA_CA_CERTS: dovecot.certFile };
    const first = await cliAsync(['--vault', vault, 'export', '--format', 'smsbackupplus', '--to', url('Backup')], env);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/appended 7 messages and 0 calls .*; 0 messages and 0 calls were already there/);
    const again = await cliAsync(['--vault', vault, 'export', '--format', 'smsbackupplus', '--to', url('Backup')], env);
    expect(again.stdout).toMatch(/appended 0 messages and 0 calls .*; 7 messages and 0 calls were already there/);
    const noTo = await cliAsync(['--vault', vault, 'export', '--format', 'smsbackupplus', '--out', tempDir()], env);
    expect(noTo.stderr).toMatch(/--to imap:\/\/user@host\/SMS/);
  });

  // Last: Dovecot slows later logins from the same address after a failed one.
  it('a wrong password and an untrusted certificate fail with exit 1 and say what to do', async () => {
    const vault = path.join(tempDir(), 'v');
    const wrong = await cliAsync(['--vault', vault, 'import', '--insecure', url('SMS')], { TEXTVAULT_IMAP_PASSWORD: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/refused the user name or password/);
    const cert = await cliAsync(['--vault', vault, 'import', url('SMS')], { TEXTVAULT_IMAP_PASSWORD: dovecot.password });
    expect(cert.code).toBe(1);
    expect(cert.stderr).toMatch(/certificate does not verify.*--insecure/);
  });
});
