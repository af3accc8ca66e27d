/**
 * Upgrading a vault whose IMAP sources name files or variables of the server (any web user could
 * set them before issue 29's fix): they are held until an admin confirms them on the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as m0020 from '../../../src/store/migrations/0020-households.js';
import * as m0021 from '../../../src/store/migrations/0021-oidc-identities.js';
import { CONTROL_DB_FILE } from '../../../src/vault/control.js';
import { JobQueue } from '../../../src/vault/jobs/index.js';
import { mailboxPassword, sealImapPassword } from '../../../src/vault/sources/mailbox.js';
import { addSource, findSource, imapSourceConfig } from '../../../src/vault/sources/registry.js';
import { parseWebSourceConfig, type PublicImapConfig } from '../../../src/vault/sources/source-config.js';
import { cli } from '../../helpers/cli.js';
import { migrateBack } from '../../helpers/migrations.js';
import { tempDir } from '../../helpers/temp.js';
import { useVaults } from '../../helpers/vault.js';

const newVault = useVaults();

describe('control migration 0014: sources naming server files are held at the upgrade', () => {
  it('holds them (they do not run) until `textvault source confirm`, and leaves other sources alone', async () => {
    const vault = await newVault();
    const secret = path.join(tempDir(), 'pw');
    fs.writeFileSync(secret, 'hunter2\n');
    let queue = await JobQueue.open(vault);
    try {
      const db = queue.control.db;
      await addSource(db, { name: 'old-file', kind: 'imap', config: { url: 'imaps://me@mail.example/SMS', passwordFile: secret } });
      await addSource(db, { name: 'old-env', kind: 'imap', config: { url: 'imaps://me@mail.example/SMS', passwordEnv: 'HOME' } });
      await addSource(db, { name: 'sealed', kind: 'imap', config: { url: 'imaps://me@mail.example/SMS', sealedPassword: await sealImapPassword(vault.dir, 'typed') } });
      await addSource(db, { name: 'folder', kind: 'folder', config: { path: tempDir() } });
    } finally {
      await queue.close();
    }
    // As the release before 0014 left the control database: without what later migrations made
    // (0021's and 0020's by their down steps, 0015's table), which they make again.
    await migrateBack(vault.dir, '0014', [m0021, m0020], (raw) => raw.exec('DROP TABLE job_secrets'), CONTROL_DB_FILE);

    queue = await JobQueue.open(vault);
    try {
      const db = queue.control.db;
      const held = await imapSourceConfig(db, (await findSource(db, 'old-file')).id);
      expect(held.unconfirmedServerRefs).toBe(true);
      await expect(mailboxPassword(held, vault.dir)).rejects.toThrow(/textvault source confirm NAME/);
      const env = await imapSourceConfig(db, (await findSource(db, 'old-env')).id);
      await expect(mailboxPassword(env, vault.dir)).rejects.toThrow(/set before the security update/);
      const sealed = await imapSourceConfig(db, (await findSource(db, 'sealed')).id);
      expect(sealed.unconfirmedServerRefs).toBeUndefined();
      expect(await mailboxPassword(sealed, vault.dir)).toBe('typed');
      expect(((await findSource(db, 'old-file')).config as PublicImapConfig).unconfirmedServerRefs).toBe(true);
    } finally {
      await queue.close();
    }
    // A web user cannot lift the hold.
    expect(() => parseWebSourceConfig('imap', { url: 'imaps://me@mail.example/SMS', password: 'x', unconfirmedServerRefs: false })).toThrow(/command line/);

    const list = cli(['--vault', vault.dir, 'source', 'list']);
    expect(list.stdout).toContain('HELD');
    const confirm = cli(['--vault', vault.dir, 'source', 'confirm', 'old-file']);
    expect(confirm.stderr).toBe('');
    expect(confirm.stdout).toContain(`confirmed source #1 old-file: it reads the password file ${secret}`);
    queue = await JobQueue.open(vault);
    try {
      const db = queue.control.db;
      const confirmed = await imapSourceConfig(db, (await findSource(db, 'old-file')).id);
      expect(confirmed.unconfirmedServerRefs).toBeUndefined();
      expect(await mailboxPassword(confirmed, vault.dir)).toBe('hunter2');
      // The other held source stays held.
      expect((await imapSourceConfig(db, (await findSource(db, 'old-env')).id)).unconfirmedServerRefs).toBe(true);
    } finally {
      await queue.close();
    }
  });
});
