/**
 * Snapshots of a real vault (SQLite files, packs, a blob of its own), restored to another path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { openSnapshotFolder } from '../../../src/vault/snapshot/folder.js';
import { restoreSnapshot } from '../../../src/vault/snapshot/restore.js';
import { takeSnapshot } from '../../../src/vault/snapshot/take-snapshot.js';
import { verifySnapshots } from '../../../src/vault/snapshot/verify-snapshot.js';
import { Vault } from '../../../src/vault/vault.js';
import { verifyVault } from '../../../src/vault/verify.js';
import { tempDir } from '../../helpers/temp.js';

async function vaultWith(dir: string, seeds: number[]): Promise<Vault> {
  const vault = await Vault.open(path.join(dir, 'vault'), { create: true });
  for (const seed of seeds) await importSeed(vault, dir, seed);
  return vault;
}

async function importSeed(vault: Vault, dir: string, seed: number): Promise<void> {
  const file = path.join(dir, `sms-${seed}.xml`);
  // A 5 MB attachment is a blob of its own, over one chunk; the rest go to packs.
  await writeSmsBackup(file, { seed, sms: 150, mms: 25, mediaBytes: 20_000, bigAttachmentBytes: seed === 1 ? 5_000_000 : undefined });
  await importFile(vault, file);
}

async function restoredDump(snapDir: string, target: string, id?: string): Promise<Awaited<ReturnType<typeof dumpVault>>> {
  await restoreSnapshot(await openSnapshotFolder(snapDir), target, id);
  const restored = await Vault.open(target);
  try {
    const report = await verifyVault(restored);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    return await dumpVault(restored);
  } finally {
    await restored.close();
  }
}

describe('snapshot and restore', () => {
  it('restores to another path a vault that verifies and dumps the same', async () => {
    const dir = tempDir();
    const vault = await vaultWith(dir, [1]);
    try {
      const before = await dumpVault(vault);
      const snaps = path.join(dir, 'snaps');
      const result = await takeSnapshot(vault.dir, await openSnapshotFolder(snaps, { create: true }));
      expect(result.counts.messages).toBe(before.messages.length);
      const repo = await openSnapshotFolder(snaps);
      const manifest = await repo.readManifest(result.id);
      const paths = manifest.files.map((f) => f.path);
      expect(paths).toContain('textvault.db');
      expect(paths).toContain('blobs/packs/index.db');
      expect(paths.some((p) => p.endsWith('.pack'))).toBe(true);
      expect(paths.some((p) => /^blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(p))).toBe(true);
      for (const f of manifest.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect((await verifySnapshots(repo)).ok).toBe(true);
      const after = await restoredDump(snaps, path.join(dir, 'elsewhere', 'restored'));
      expect(after).toEqual(before);
    } finally {
      await vault.close();
    }
  });

  it('is incremental, keeps N snapshots and prunes what only older ones used', async () => {
    const dir = tempDir();
    const vault = await vaultWith(dir, [1]);
    try {
      const snaps = path.join(dir, 'snaps');
      const first = await takeSnapshot(vault.dir, await openSnapshotFolder(snaps, { create: true }), { keep: 2 });
      const dump1 = await dumpVault(vault);
      // Nothing changed: the databases copy page for page, so no new chunk at all.
      const same = await takeSnapshot(vault.dir, await openSnapshotFolder(snaps), { keep: 2 });
      expect(same.addedObjects).toBe(0);
      await importSeed(vault, dir, 2);
      const dump2 = await dumpVault(vault);
      const third = await takeSnapshot(vault.dir, await openSnapshotFolder(snaps), { keep: 2 });
      expect(third.pruned).toEqual([first.id]);
      // Only the new media and the changed database pages are written.
      expect(third.addedBytes).toBeGreaterThan(0);
      expect(third.addedBytes).toBeLessThan(third.bytes / 2);
      const repo = await openSnapshotFolder(snaps);
      expect(await repo.snapshotIds()).toEqual([same.id, third.id]);
      const used = new Set<string>();
      for (const id of await repo.snapshotIds()) for (const f of (await repo.readManifest(id)).files) for (const c of f.chunks) used.add(c.id);
      expect(new Set(await repo.objectIds())).toEqual(used);
      expect((await verifySnapshots(repo, { all: true })).ok).toBe(true);
      expect(await restoredDump(snaps, path.join(dir, 'r1'), same.id)).toEqual(dump1);
      expect(await restoredDump(snaps, path.join(dir, 'r2'))).toEqual(dump2);
    } finally {
      await vault.close();
    }
  });

  it('names the file at fault: a changed, a cut short and a missing chunk, a pack missing from the vault', async () => {
    const dir = tempDir();
    const vault = await vaultWith(dir, [1]);
    try {
      const snaps = path.join(dir, 'snaps');
      const { id } = await takeSnapshot(vault.dir, await openSnapshotFolder(snaps, { create: true }));
      const repo = await openSnapshotFolder(snaps);
      const files = (await repo.readManifest(id)).files;
      const pack = files.find((f) => f.path.endsWith('.pack'));
      const db = files.find((f) => f.path === 'textvault.db');
      const big = files.find((f) => f.path.startsWith('blobs/') && f.chunks.length > 1);
      if (pack === undefined || db === undefined || big === undefined) throw new Error('fixture vault lacks a pack, a database or a big blob');
      const packObj = repo.objectPath(pack.chunks[0]?.id ?? '');
      const dbObj = repo.objectPath(db.chunks[0]?.id ?? '');
      const bigObj = repo.objectPath(big.chunks[1]?.id ?? '');
      const flip = fs.readFileSync(packObj);
      flip[100] = (flip[100] ?? 0) ^ 1;
      fs.writeFileSync(packObj, flip);
      fs.truncateSync(dbObj, 1000);
      fs.rmSync(bigObj);
      const report = await verifySnapshots(repo);
      expect(report.ok).toBe(false);
      expect(report.problems.join('\n')).toContain(`${packObj}: (part of ${pack.path}) does not match its SHA-256`);
      expect(report.problems.join('\n')).toContain(`${dbObj}: holds 1000 bytes of textvault.db`);
      expect(report.problems.join('\n')).toContain(`${bigObj}: is missing`);
      await expect(restoreSnapshot(repo, path.join(dir, 'restored'))).rejects.toThrow(/does not match its SHA-256|holds 1000 bytes|is missing/);
      // Nothing half restored is left where the vault was to be.
      expect(fs.existsSync(path.join(dir, 'restored'))).toBe(false);
      expect(fs.readdirSync(dir).filter((n) => n.includes('restoring'))).toEqual([]);

      const packFile = path.join(vault.dir, ...pack.path.split('/'));
      fs.rmSync(packFile);
      await expect(takeSnapshot(vault.dir, await openSnapshotFolder(snaps))).rejects.toThrow(`${packFile} is missing, though the pack index names it`);
      // The failed snapshot added no manifest.
      expect(await (await openSnapshotFolder(snaps)).snapshotIds()).toEqual([id]);
    } finally {
      await vault.close();
    }
  });

  it('copies a pack no index row refers to if it is there, and goes on when an import removed it meanwhile', async () => {
    const dir = tempDir();
    const vault = await vaultWith(dir, [2]);
    try {
      const packDir = path.join(vault.dir, 'blobs', 'packs');
      const [indexed] = fs.readdirSync(packDir).filter((n) => n.endsWith('.pack'));
      // Left by an import killed after publishing its pack: the next import takes its media in,
      // or removes it when all of them are stored elsewhere, as here, without waiting for a snapshot.
      for (const name of ['a-kept.pack', 'b-removed.pack']) fs.copyFileSync(path.join(packDir, indexed ?? ''), path.join(packDir, name));
      const snaps = path.join(dir, 'snaps');
      const { id } = await takeSnapshot(vault.dir, await openSnapshotFolder(snaps, { create: true }), {
        afterDatabases: () => {
          fs.rmSync(path.join(packDir, 'b-removed.pack'));
          return Promise.resolve();
        },
      });
      const paths = (await (await openSnapshotFolder(snaps)).readManifest(id)).files.map((f) => f.path);
      expect(paths).toContain('blobs/packs/a-kept.pack');
      expect(paths).not.toContain('blobs/packs/b-removed.pack');
      expect(await restoredDump(snaps, path.join(dir, 'restored'))).toEqual(await dumpVault(vault));
    } finally {
      await vault.close();
    }
  });

  it('refuses a non-empty target and a snapshot folder inside the vault', async () => {
    const dir = tempDir();
    const vault = await vaultWith(dir, []);
    try {
      const snaps = path.join(dir, 'snaps');
      await takeSnapshot(vault.dir, await openSnapshotFolder(snaps, { create: true }));
      const busy = path.join(dir, 'busy');
      fs.mkdirSync(busy);
      fs.writeFileSync(path.join(busy, 'x'), 'x');
      const repo = await openSnapshotFolder(snaps);
      await expect(restoreSnapshot(repo, busy)).rejects.toThrow(`${busy} is not empty`);
      await expect(takeSnapshot(vault.dir, await openSnapshotFolder(path.join(vault.dir, 'snaps'), { create: true }))).rejects.toThrow('is inside the vault');
    } finally {
      await vault.close();
    }
  });
});
