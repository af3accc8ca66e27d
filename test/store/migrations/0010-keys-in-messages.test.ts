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

type KeyRow = { id: number; strict_key: Buffer; content_hash: Buffer; state_date: number; rank: number };
const keysOf = (db: BetterSqlite3.Database): KeyRow[] =>
  db.prepare<[], KeyRow>('SELECT id, strict_key, content_hash, state_date, rank FROM messages ORDER BY id').all();

describe('migration 0010: identity keys live in the messages row', () => {
  it('carries every key, hash, state date and rank over from message_keys, and a re-import finds every message', async () => {
    const dir = path.join(tempDir(), 'vault');
    const files = [fixture('sbr', 'mms-media.xml'), fixture('sbr', 'sms-threads.xml')];
    let vault = await Vault.open(dir, { create: true });
    await importAll(vault, files);
    const before = await dumpVault(vault);
    const keys = keysOf(vault.store.sqlite);
    // MMS carry a content hash, SMS an empty one; every message a state date.
    expect(keys.some((k) => k.content_hash.length === 16)).toBe(true);
    expect(keys.every((k) => k.state_date !== 0)).toBe(true);
    await vault.close();

    // As a version before 0010 left it.
    await migrateBack(dir, '0010-keys-in-messages', [m0011, m0010], (sqlite) => {
      expect(sqlite.prepare('SELECT count(*) FROM message_keys').pluck().get()).toBe(keys.length);
      expect(sqlite.prepare("SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'content_hash'").pluck().get()).toBe(0);
    });

    vault = await Vault.open(dir);
    try {
      expect(keysOf(vault.store.sqlite)).toEqual(keys);
      expect(vault.store.sqlite.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'message_keys'").pluck().get()).toBe(0);
      const first = keys[0];
      if (first === undefined) throw new Error('no messages imported');
      // The key is unique: a second row with it is refused.
      expect(() =>
        vault.store.sqlite
          .prepare('INSERT INTO messages (kind, conversation_id, date_ms, direction, attrs, has_addrs, strict_key, first_backup_id, last_backup_id) SELECT kind, conversation_id, date_ms, direction, attrs, has_addrs, strict_key, first_backup_id, last_backup_id FROM messages WHERE id = ?')
          .run(first.id),
      ).toThrow(/UNIQUE constraint failed: messages.strict_key/);
      const again = await importAll(vault, files, { force: true });
      expectAllDuplicates(again);
      expect(await dumpVault(vault)).toEqual(before);
    } finally {
      await vault.close();
    }
  });
});
