/**
 * The re-run of an import killed between publishing its media pack and committing the pack index
 * (found by the crash campaign, docs/reliability.md): it finds the media in that pack and writes
 * none of them again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { verifyVault } from '../../../src/vault/verify.js';
import { Vault } from '../../../src/vault/vault.js';
import { tempDir } from '../../helpers/temp.js';

const packsIn = (vaultDir: string): string[] =>
  fs
    .readdirSync(path.join(vaultDir, 'blobs', 'packs'))
    .filter((n) => n.endsWith('.pack'))
    .sort();

async function importInto(vaultDir: string, file: string): Promise<void> {
  const vault = await Vault.open(vaultDir, { create: true });
  try {
    await importFile(vault, file);
  } finally {
    await vault.close();
  }
}

describe('an import after a kill that left a published pack the index does not list', () => {
  it('indexes that pack’s media before looking any up, writes no new pack, and removes a pack holding only media stored elsewhere', async () => {
    const dir = tempDir();
    const first = path.join(dir, 'first.xml');
    const second = path.join(dir, 'second.xml');
    await writeSmsBackup(first, { seed: 11, sms: 30, mms: 8, mediaBytes: 3_000 });
    await writeSmsBackup(second, { seed: 12, sms: 30, mms: 12, mediaBytes: 3_000 });
    const vaultDir = path.join(dir, 'vault');
    await importInto(vaultDir, first);
    const before = packsIn(vaultDir);
    expect(before).toHaveLength(1);

    // The state the kill leaves: the second import's pack published (the same bytes an
    // uninterrupted import writes), its index rows and its archive rows never committed.
    const reference = path.join(dir, 'reference');
    fs.cpSync(vaultDir, reference, { recursive: true });
    await importInto(reference, second);
    const published = packsIn(reference).filter((n) => !before.includes(n));
    expect(published).toHaveLength(1);
    const pack = published[0] ?? '';
    const packDir = path.join(vaultDir, 'blobs', 'packs');
    fs.copyFileSync(path.join(reference, 'blobs', 'packs', pack), path.join(packDir, pack));
    // A second copy: once the first is indexed, everything in it is stored elsewhere.
    const twin = `zz-${pack}`;
    fs.copyFileSync(path.join(reference, 'blobs', 'packs', pack), path.join(packDir, twin));

    const vault = await Vault.open(vaultDir);
    try {
      expect(vault.blobs.packs?.unindexedPacks().sort()).toEqual([pack, twin].sort());
      await importFile(vault, second);
      // No pack of its own: every medium of the re-run was found in the adopted pack.
      expect(packsIn(vaultDir)).toEqual([...before, pack].sort());
      expect(vault.blobs.packs?.unindexedPacks()).toEqual([]);
      const report = await verifyVault(vault);
      expect(report.problems).toEqual([]);
      expect(report.unreferencedBlobs).toBe(0);
      const refVault = await Vault.open(reference);
      try {
        expect(await dumpVault(vault)).toEqual(await dumpVault(refVault));
      } finally {
        await refVault.close();
      }
    } finally {
      await vault.close();
    }
  });
});
