import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0010 from '../../../src/store/migrations/0010-keys-in-messages.js';
import * as m0011 from '../../../src/store/migrations/0011-search-without-sizes.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { Vault } from '../../../src/vault/vault.js';
import { migrateBack } from '../../helpers/migrations.js';
import { fixture, tempDir } from '../../helpers/temp.js';
import { expectAllDuplicates, importAll } from '../../helpers/vault.js';

const hashLengths = (db: BetterSqlite3.Database): { kind: string; n: number }[] =>
  db
    .prepare<[], { kind: string; n: number }>(
      'SELECT DISTINCT kind, length(content_hash) AS n FROM messages ORDER BY kind',
    )
    .all();

describe('migration 0008: SMS are compared by their attributes', () => {
  it('drops the hashes older versions stored for SMS, so a re-import finds every copy unchanged', async () => {
    const dir = path.join(tempDir(), 'vault');
    const files = [fixture('sbr', 'mms-media.xml'), fixture('sbr', 'sms-threads.xml')];
    let vault = await Vault.open(dir, { create: true });
    await importAll(vault, files);
    const before = await dumpVault(vault);
    expect(hashLengths(vault.store.sqlite)).toEqual([
      { kind: 'mms', n: 16 },
      { kind: 'sms', n: 0 },
    ]);
    await vault.close();

    // As a version before 0008 left it: every SMS key with a 16-byte hash of its JSON.
    // Later migrations are forgotten too; their steps are idempotent and run again on open.
    await migrateBack(dir, '0008-sms-content-by-attrs', [m0011, m0010], (sqlite) =>
      sqlite.exec("UPDATE message_keys SET content_hash = randomblob(16) WHERE message_id IN (SELECT id FROM messages WHERE kind = 'sms')"),
    );

    vault = await Vault.open(dir);
    try {
      expect(hashLengths(vault.store.sqlite)).toEqual([
        { kind: 'mms', n: 16 },
        { kind: 'sms', n: 0 },
      ]);
      const again = await importAll(vault, files, { force: true });
      expectAllDuplicates(again);
      expect(await dumpVault(vault)).toEqual(before);
    } finally {
      await vault.close();
    }
  });
});
