import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openControlStore } from '../../../src/store/database.js';
import * as m0020 from '../../../src/store/migrations/0020-households.js';
import * as m0021 from '../../../src/store/migrations/0021-oidc-identities.js';
import { CONTROL_DB_FILE } from '../../../src/vault/control.js';
import { listAccounts } from '../../../src/vault/household/accounts.js';
import { archivesOf } from '../../../src/vault/household/archives.js';
import { chooseArchiveDir } from '../../../src/vault/household/choose-archive.js';
import { Vault } from '../../../src/vault/vault.js';
import { migrateBack } from '../../helpers/migrations.js';
import { tempDir } from '../../helpers/temp.js';

describe('migration 0020: households', () => {
  it("upgrades a single-archive vault in place: its archive becomes the first account's, an admin's; the others get their own and a read-only share of it", async () => {
    const home = path.join(tempDir(), 'vault');
    await (await Vault.open(home, { create: true })).close();
    const made = await openControlStore(path.join(home, CONTROL_DB_FILE));
    await made.close();
    // Back to what the last release left: accounts without roles or archives, and a live session.
    await migrateBack(
      home,
      '0020-households',
      [m0021, m0020],
      (sqlite) => {
        const add = sqlite.prepare("INSERT INTO users (username, password_hash, created_at, updated_at) VALUES (?, 'scrypt$x', 1, 1)");
        for (const name of ['owner', 'partner', 'kid']) add.run(name);
        sqlite.prepare("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ('h', 2, 'c', 1, 9999999999999)").run();
      },
      CONTROL_DB_FILE,
    );

    const control = await openControlStore(path.join(home, CONTROL_DB_FILE));
    try {
      const accounts = await listAccounts(control, home);
      expect(accounts.map((a) => [a.username, a.role, a.archive?.dir])).toEqual([
        ['kid', 'user', path.join(home, 'archives', '3')],
        ['owner', 'admin', home],
        ['partner', 'user', path.join(home, 'archives', '2')],
      ]);
      expect(accounts.find((a) => a.username === 'owner')?.sharedWith).toEqual(['kid', 'partner']);
      // What partner saw before (the one archive), it still sees, read-only; its own comes first.
      expect((await archivesOf(control, home, 2)).map((a) => [a.ownerName, a.readOnly])).toEqual([
        ['partner', false],
        ['owner', true],
      ]);
      // Existing sessions survive the upgrade (they look at their own archive).
      expect(await control.db.selectFrom('sessions').select(['user_id', 'archive_id']).execute()).toEqual([{ user_id: 2, archive_id: null }]);
    } finally {
      await control.close();
    }
    // The CLI's default archive is the home one (the first admin's); --user picks another.
    expect(await chooseArchiveDir(home, undefined)).toBe(home);
    expect(await chooseArchiveDir(home, 'kid')).toBe(path.join(home, 'archives', '3'));
    await expect(chooseArchiveDir(home, 'nobody')).rejects.toThrow(/no account named "nobody"; the accounts are: kid, owner, partner/);
    expect(fs.existsSync(path.join(home, 'archives'))).toBe(false);
  });

  it('gives the home archive of a vault made by import, with no account yet, to the first account', async () => {
    const home = path.join(tempDir(), 'vault');
    const vault = await Vault.open(home, { create: true });
    await vault.close();
    const { addUser } = await import('../../../src/vault/auth/users.js');
    const control = await openControlStore(path.join(home, CONTROL_DB_FILE));
    try {
      expect((await addUser(control, 'first', 'Purple elephant ladder 73')).role).toBe('admin');
      expect((await addUser(control, 'second', 'Orange giraffe window 58')).role).toBe('user');
      expect((await listAccounts(control, home)).map((a) => [a.username, a.archive?.id])).toEqual([
        ['first', 1],
        ['second', 2],
      ]);
    } finally {
      await control.close();
    }
  });
});
