/**
 * A vault written before media packs had headers (pack format 1, test/fixtures/vault-v1-packs/)
 * keeps working: its media are read through the index, imports add format 2 packs beside it,
 * `verify --repair` says what it cannot rebuild, and gc rewrites the old pack with headers,
 * after which a lost index is rebuilt from the packs alone.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { collectGarbage } from '../../src/vault/gc.js';
import { importFile } from '../../src/vault/import/import-backup.js';
import { repairMediaIndex } from '../../src/vault/repair.js';
import { verifyVault } from '../../src/vault/verify.js';
import { Vault } from '../../src/vault/vault.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/vault-v1-packs');
const OLD_PACK = 'mxd14eh6-83b869230301.pack';

/** The vault the fixture's packs belong to: the same generated backup, imported, its packs replaced by the old ones. */
async function oldVault(): Promise<Vault> {
  const dir = tempDir();
  const file = path.join(dir, 'old.xml');
  await writeSmsBackup(file, { seed: 7, sms: 20, mms: 12, mediaBytes: 3_000 });
  const vault = await Vault.open(path.join(dir, 'vault'), { create: true });
  await importFile(vault, file);
  await vault.close();
  const packs = path.join(dir, 'vault', 'blobs', 'packs');
  fs.rmSync(packs, { recursive: true });
  fs.mkdirSync(packs, { mode: 0o700 });
  for (const f of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, f), path.join(packs, f));
  return Vault.open(path.join(dir, 'vault'));
}

function dropIndex(vaultDir: string): void {
  const packs = path.join(vaultDir, 'blobs', 'packs');
  for (const f of fs.readdirSync(packs)) if (f.startsWith('index.db')) fs.rmSync(path.join(packs, f));
}

async function mediaNames(vault: Vault): Promise<string[]> {
  const rows = await vault.db.selectFrom('blobs').select('sha256').orderBy('sha256').execute();
  return rows.map((r) => r.sha256);
}

async function served(vault: Vault, sha256: string): Promise<boolean> {
  const hash = crypto.createHash('sha256');
  for await (const c of vault.blobs.openRead(sha256)) hash.update(c as Buffer);
  return hash.digest('hex') === sha256;
}

describe('a vault with packs of the first format', () => {
  it('reads them, imports beside them, and says that a lost index cannot be rebuilt from them', async () => {
    let vault = await oldVault();
    try {
      const old = await mediaNames(vault);
      expect(old).toHaveLength(12);
      expect((await verifyVault(vault)).ok).toBe(true);
      for (const s of old) expect(await served(vault, s)).toBe(true);
      // A new import writes a format 2 pack beside the old one.
      const more = path.join(tempDir(), 'more.xml');
      await writeSmsBackup(more, { seed: 8, sms: 5, mms: 6, mediaBytes: 2_000 });
      await importFile(vault, more);
      expect((await verifyVault(vault)).ok).toBe(true);
      const all = await mediaNames(vault);
      expect(all.length).toBeGreaterThan(12);

      await vault.close();
      dropIndex(vault.dir);
      vault = await Vault.open(vault.dir);
      const repair = await repairMediaIndex(vault);
      expect(repair.oldFormatUnindexed).toEqual([OLD_PACK]);
      expect(repair.blobsAdded).toBe(all.length - 12);
      const report = await verifyVault(vault);
      // The new pack's media are back; the old pack's are not, as the repair said.
      expect(report.problems).toHaveLength(12);
      for (const s of all) expect(await vault.blobs.has(s)).toBe(!old.includes(s));
      // gc keeps the old pack it cannot read: it may hold the missing media.
      const gc = await collectGarbage(vault);
      expect(gc.oldFormatUnindexed).toEqual([OLD_PACK]);
      expect(fs.existsSync(path.join(vault.dir, 'blobs', 'packs', OLD_PACK))).toBe(true);
    } finally {
      await vault.close();
    }
  });

  it('is rewritten with headers by gc, after which the index is rebuilt from the packs alone and every media served', async () => {
    let vault = await oldVault();
    try {
      const old = await mediaNames(vault);
      expect((await repairMediaIndex(vault)).oldFormatIndexed).toEqual([OLD_PACK]);
      const gc = await collectGarbage(vault);
      expect(gc.compaction).toMatchObject({ oldFormatRewritten: 1, blobsMoved: 12, damaged: [] });
      expect(fs.existsSync(path.join(vault.dir, 'blobs', 'packs', OLD_PACK))).toBe(false);
      expect((await verifyVault(vault)).ok).toBe(true);

      await vault.close();
      dropIndex(vault.dir);
      vault = await Vault.open(vault.dir);
      const repair = await repairMediaIndex(vault);
      expect(repair).toMatchObject({ blobsAdded: 12, oldFormatIndexed: [], oldFormatUnindexed: [] });
      const report = await verifyVault(vault);
      expect(report.problems).toEqual([]);
      for (const s of old) expect(await served(vault, s)).toBe(true);
    } finally {
      await vault.close();
    }
  });
});
