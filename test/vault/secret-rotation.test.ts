/**
 * `textvault secret rotate` on a real vault: the SMTP password of alert e-mails and an IMAP
 * source's password sealed again under a new key, the old key opening nothing, and a rotation
 * stopped at any step completed by running it again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/vault/jobs/index.js';
import { jobPassphrase, jobPassphrasePurpose } from '../../src/vault/jobs/job-secrets.js';
import { rotateSecretKey } from '../../src/vault/secret-rotation.js';
import { keyForSealing, openWithKey, readKey, rotationKeyFiles, secretKeyFile, sealWithKey } from '../../src/vault/secrets.js';
import { IMAP_PASSWORD_PURPOSE, mailboxPassword, sealImapPassword } from '../../src/vault/sources/mailbox.js';
import { addSource, imapSourceConfig } from '../../src/vault/sources/registry.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { useVaults } from '../helpers/vault.js';

const freshVault = useVaults();

async function sealedValues(queue: JobQueue, sourceId: number): Promise<{ smtp: string; imap: string }> {
  const row = await queue.vault.store.db.selectFrom('config').select('value').where('key', '=', 'secret.alerts.smtp').executeTakeFirstOrThrow();
  return { smtp: row.value, imap: (await imapSourceConfig(queue.control.db, sourceId)).sealedPassword ?? '' };
}

describe('secret rotate', () => {
  it('seals every stored password again under a new key that the old one cannot open', async () => {
    const vault = await freshVault();
    const queue = await JobQueue.open(vault);
    try {
      await vault.config.set('alerts.smtp', 'smtp://alerts:p%40ss-smtp@mail.example:587');
      const source = await addSource(queue.control.db, { name: 'gmail', kind: 'imap', config: { url: 'imaps://me@mail.example/SMS', sealedPassword: await sealImapPassword(vault.dir, 'imap-pass') } });
      const file = secretKeyFile(vault.dir);
      const oldKey = readKey(file);
      expect(oldKey).toBeDefined();
      const before = await sealedValues(queue, source.id);

      const result = await rotateSecretKey(vault, queue.control.db);
      expect(result).toEqual({ keyFile: file, resealed: 2, resumed: false });
      const newKey = readKey(file);
      expect(newKey?.equals(oldKey ?? Buffer.alloc(0))).toBe(false);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const { next, previous } = rotationKeyFiles(file);
      expect([fs.existsSync(next), fs.existsSync(previous)]).toEqual([false, false]);

      const after = await sealedValues(queue, source.id);
      expect(after.smtp).not.toBe(before.smtp);
      expect(after.imap).not.toBe(before.imap);
      expect(await vault.config.smtpUrl()).toBe('smtp://alerts:p%40ss-smtp@mail.example:587');
      expect(await mailboxPassword(await imapSourceConfig(queue.control.db, source.id), vault.dir)).toBe('imap-pass');
      // The old key, kept by someone who copied it, opens nothing stored now.
      expect(await openWithKey(oldKey ?? Buffer.alloc(32), 'alerts.smtp', after.smtp)).toBeUndefined();
      expect(await openWithKey(oldKey ?? Buffer.alloc(32), IMAP_PASSWORD_PURPOSE, after.imap)).toBeUndefined();
    } finally {
      await queue.close();
    }
  });

  it("seals a waiting import job's backup password again too", async () => {
    const vault = await freshVault();
    const queue = await JobQueue.open(vault);
    try {
      // Not started: the job waits with its sealed password.
      const job = await queue.enqueue({ kind: 'import', file: path.join(tempDir(), 'phone.ab') }, { passphrase: 'ab-pass' });
      const sealed = async (): Promise<string> => (await queue.control.db.selectFrom('job_secrets').select('sealed_passphrase').where('job_id', '=', job.id).executeTakeFirstOrThrow()).sealed_passphrase;
      const oldKey = readKey(secretKeyFile(vault.dir));
      const before = await sealed();
      expect(await rotateSecretKey(vault, queue.control.db)).toMatchObject({ resealed: 1 });
      const after = await sealed();
      expect(after).not.toBe(before);
      expect(await jobPassphrase(vault.dir, queue.control.db, job.id)).toBe('ab-pass');
      expect(await openWithKey(oldKey ?? Buffer.alloc(32), jobPassphrasePurpose(job.id), after)).toBeUndefined();
    } finally {
      await queue.close();
    }
  });

  it('completes a rotation stopped after any step; every secret opens at each of them', async () => {
    const vault = await freshVault();
    const queue = await JobQueue.open(vault);
    try {
      await vault.config.set('alerts.smtp', 'smtp://alerts:smtp-pass@mail.example:587');
      const source = await addSource(queue.control.db, { name: 'gmail', kind: 'imap', config: { url: 'imaps://me@mail.example/SMS', sealedPassword: await sealImapPassword(vault.dir, 'imap-pass') } });
      const file = secretKeyFile(vault.dir);
      const { next, previous } = rotationKeyFiles(file);
      const opens = async (): Promise<void> => {
        expect(await vault.config.smtpUrl()).toBe('smtp://alerts:smtp-pass@mail.example:587');
        expect(await mailboxPassword(await imapSourceConfig(queue.control.db, source.id), vault.dir)).toBe('imap-pass');
      };
      // Killed after step 2 had sealed one value under the next key, the other not yet.
      const nextKey = keyForSealing(next);
      const sealed = await sealedValues(queue, source.id);
      await queue.vault.store.db.updateTable('config').set({ value: await sealWithKey(nextKey, 'alerts.smtp', 'smtp-pass') }).where('key', '=', 'secret.alerts.smtp').execute();
      expect(sealed.imap).not.toBe('');
      await opens();
      const resumed = await rotateSecretKey(vault, queue.control.db);
      expect(resumed).toMatchObject({ resumed: true, resealed: 1 });
      expect(readKey(file)?.equals(nextKey)).toBe(true);
      await opens();

      // Killed after step 3 (new key in place, old kept as .previous) while a server had sealed a
      // password under the old key in between: the next run seals it again, then drops the old key.
      const oldKey = readKey(file) ?? Buffer.alloc(32);
      const newer = keyForSealing(`${file}.made-by-test`);
      fs.linkSync(file, previous);
      fs.rmSync(file);
      fs.renameSync(`${file}.made-by-test`, file);
      const imapRow = await imapSourceConfig(queue.control.db, source.id);
      await queue.control.db
        .updateTable('sources')
        .set({ config_json: JSON.stringify({ ...imapRow, sealedPassword: await sealWithKey(oldKey, IMAP_PASSWORD_PURPOSE, 'imap-pass') }) })
        .where('id', '=', source.id)
        .execute();
      await opens();
      expect(await rotateSecretKey(vault, queue.control.db)).toMatchObject({ resumed: true });
      expect(readKey(file)?.equals(newer)).toBe(true);
      expect(fs.existsSync(previous)).toBe(false);
      await opens();
    } finally {
      await queue.close();
    }
  });

  it('is a command that says what it did, and refuses a vault with nothing sealed', () => {
    const dir = path.join(tempDir(), 'vault');
    expect(cli(['--vault', dir, 'import', path.resolve('test/fixtures/sbr/sms-threads.xml')]).code).toBe(0);
    const none = cli(['--vault', dir, 'secret', 'rotate']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no secret is sealed, so there is nothing to rotate');
    expect(cli(['--vault', dir, 'config', 'set', 'alerts.smtp', 'smtp://a:b@mail.example']).code).toBe(0);
    const done = cli(['--vault', dir, 'secret', 'rotate']);
    expect(done.stderr).toBe('');
    expect(done.stdout).toContain('1 stored secret sealed again under it; the old key is gone');
    expect(cli(['--vault', dir, 'config', 'get', 'alerts.smtp']).stdout).toContain('mail.example');
  });
});
