/**
 * Message attributes are stored as attribute text (or JSON where text cannot hold them), and
 * vaults written before keep JSON in every row: both read, export and deduplicate alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { smsBackupChunks, writeSmsBackup } from '../../bench/generator.js';
import type { Attrs } from '../../src/formats/records.js';
import { renderAttributeText } from '../../src/formats/sbr/attribute-text.js';
import { dumpVault } from '../../src/vault/dump.js';
import { exportSbr } from '../../src/vault/export/sbr-export.js';
import { decodeStoredAttrs, encodeStoredAttrs } from '../../src/vault/stored-attrs.js';
import { generateMessages } from '../formats/sbr/generate.js';
import { readBuffer, SBR_FIXTURES } from '../formats/sbr/helpers.js';
import { tempDir } from '../helpers/temp.js';
import { importAll, useVaults } from '../helpers/vault.js';

const vault = useVaults();

async function attrsOfSamples(): Promise<Attrs[]> {
  const chunks: Buffer[] = [];
  for await (const c of smsBackupChunks({ seed: 8, sms: 2_000, mms: 50, mediaBytes: 500 })) chunks.push(c);
  const files = [Buffer.concat(chunks), Buffer.from(generateMessages(9, 400)), ...fs.readdirSync(SBR_FIXTURES).map((n) => fs.readFileSync(path.join(SBR_FIXTURES, n)))];
  return files.flatMap((f) => readBuffer(f).records.map((r) => r.attrs));
}

describe('stored message attributes', () => {
  it('are the attribute text where it can hold them, JSON elsewhere, and read back exactly', async () => {
    const samples = await attrsOfSamples();
    const odd: Attrs[] = [[['body', 'lone \ud83d']], [['body', 'bell \u0007']], [['a', '1'], ['a', '2']], [['x y', '1']], [['body', 'a\\b "c" & <d>']], []];
    let json = 0;
    for (const attrs of [...samples, ...odd]) {
      const asJson = JSON.stringify(attrs);
      const stored = encodeStoredAttrs(attrs, asJson);
      // The quick path from JSON gives exactly the text the writer's rules give.
      expect(stored).toBe(renderAttributeText(attrs) ?? asJson);
      expect(decodeStoredAttrs(stored)).toEqual(attrs);
      // Rows of earlier vaults.
      expect(decodeStoredAttrs(asJson)).toEqual(attrs);
      if (stored === asJson) json++;
    }
    expect(samples.length).toBeGreaterThan(2_000);
    expect(json).toBe(4);
  });

  it('kept as JSON (a vault from before) give the same archive, the same export, and no duplicates', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sms.xml');
    await writeSmsBackup(file, { seed: 12, sms: 1_500, mms: 60, mediaBytes: 800 });
    const fixtures = fs.readdirSync(SBR_FIXTURES).filter((n) => n !== 'google-messages-truncated.xml').map((n) => path.join(SBR_FIXTURES, n));
    const current = await vault();
    const older = await vault();
    await importAll(current, [file, ...fixtures]);
    await importAll(older, [file, ...fixtures]);
    const sqlite = older.store.sqlite;
    const rows = sqlite.prepare<[], { id: number; attrs: string }>('SELECT id, attrs FROM messages').all();
    const update = sqlite.prepare<[string, number]>('UPDATE messages SET attrs = ? WHERE id = ?');
    sqlite.transaction(() => {
      for (const r of rows) update.run(JSON.stringify(decodeStoredAttrs(r.attrs)), r.id);
    })();
    expect(sqlite.prepare<[], { n: number }>("SELECT count(*) AS n FROM messages WHERE attrs NOT LIKE '[%'").get()?.n).toBe(0);
    expect(await dumpVault(older)).toEqual(await dumpVault(current));

    const now = new Date(Date.UTC(2026, 10, 28, 12));
    const a = await exportSbr(current, { kinds: new Set(['sms', 'mms'] as const) }, { outDir: tempDir(), now });
    const b = await exportSbr(older, { kinds: new Set(['sms', 'mms'] as const) }, { outDir: tempDir(), now });
    const text = (f: string): string => fs.readFileSync(f, 'utf8').replace(/backup_set="[^"]*"/, '');
    expect(b.files.map((f) => text(f.path))).toEqual(a.files.map((f) => text(f.path)));

    const [again] = await importAll(older, [file], { force: true });
    expect(again?.counts).toMatchObject({ new: 0, updated: 0, duplicate: 1_560 });
  });
});
