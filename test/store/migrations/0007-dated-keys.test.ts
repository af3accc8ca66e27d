import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0007 from '../../../src/store/migrations/0007-dated-keys.js';
import * as m0010 from '../../../src/store/migrations/0010-keys-in-messages.js';
import * as m0011 from '../../../src/store/migrations/0011-search-without-sizes.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { Vault } from '../../../src/vault/vault.js';
import { migrateBack } from '../../helpers/migrations.js';
import { fixture, tempDir } from '../../helpers/temp.js';
import { expectAllDuplicates, importAll } from '../../helpers/vault.js';

/** Every identity key's length; message_keys held messages' keys before migration 0010. */
const keyLengths = (db: BetterSqlite3.Database): number[] => {
  const keyTable = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'message_keys'").pluck().get() === 1;
  return db
    .prepare<[], { n: number }>(
      `SELECT DISTINCT length(strict_key) AS n FROM (${keyTable ? 'SELECT strict_key FROM message_keys UNION ALL ' : ''}SELECT strict_key FROM messages UNION ALL SELECT strict_key FROM calls)`,
    )
    .all()
    .map((r) => r.n);
};

/** Takes a vault back to the keys it had before 0007 (the down steps), as an older version left it. */
async function undo0007(dir: string): Promise<void> {
  // The later ones are forgotten too (their steps are idempotent: they run again on open).
  await migrateBack(dir, '0007-dated-keys', [m0011, m0010, m0007], (sqlite) => { expect(keyLengths(sqlite)).toEqual([16]); });
}

describe('migration 0007: identity keys start with the date', () => {
  it('gives keys from before it the prefix an import computes, so a re-import finds every record', async () => {
    const dir = path.join(tempDir(), 'vault');
    const calls = path.join(tempDir(), 'calls.xml');
    fs.writeFileSync(
      calls,
      `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count="2">\n` +
        `  <call number="+15550001111" duration="12" date="1420070445866" type="1" />\n` +
        `  <call number="+15550002222" duration="0" date="-5" type="3" />\n</calls>\n`,
    );
    const files = [fixture('sbr', 'mms-media.xml'), fixture('sbr', 'sms-threads.xml'), calls];
    let vault = await Vault.open(dir, { create: true });
    await importAll(vault, files);
    const before = await dumpVault(vault);
    expect(keyLengths(vault.store.sqlite)).toEqual([24]);
    await vault.close();

    await undo0007(dir);

    vault = await Vault.open(dir);
    try {
      expect(keyLengths(vault.store.sqlite)).toEqual([24]);
      const prefixes = vault.store.sqlite
        .prepare<[], { ok: number }>("SELECT hex(substr(strict_key, 1, 8)) = printf('%016X', date_ms) AS ok FROM calls")
        .all();
      expect(prefixes).toEqual([{ ok: 1 }, { ok: 1 }]);
      const again = await importAll(vault, files, { force: true });
      expectAllDuplicates(again);
      expect(await dumpVault(vault)).toEqual(before);
    } finally {
      await vault.close();
    }
  });
});
