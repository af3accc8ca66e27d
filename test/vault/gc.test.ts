/**
 * `textvault gc` on real vaults: what nothing references goes, what a message references never
 * does, not with an import running in another process, nor after a SIGKILL in the middle.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { dumpVault } from '../../src/vault/dump.js';
import { collectGarbage } from '../../src/vault/gc.js';
import { importFile } from '../../src/vault/import/import-backup.js';
import { VaultBusyError } from '../../src/vault/lock.js';
import { verifyVault } from '../../src/vault/verify.js';
import { Vault } from '../../src/vault/vault.js';
import { CLI, NODE_FLAGS } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { useVaults } from '../helpers/vault.js';
import { putBuffer } from '../helpers/media.js';

const newVault = useVaults();

const packsOf = (vault: Vault): string[] =>
  fs
    .readdirSync(path.join(vault.dir, 'blobs', 'packs'))
    .filter((n) => n.endsWith('.pack'))
    .sort();

async function backups(count: number, seed: number, mms = 20, sms = 10): Promise<string[]> {
  const dir = tempDir();
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `b${seed + i}.xml`);
    await writeSmsBackup(file, { seed: seed + i, sms, mms, mediaBytes: 8_000 });
    files.push(file);
  }
  return files;
}

/** Every media file a message or contact refers to reads back with the bytes its name promises. */
async function expectEveryMediaServed(vault: Vault): Promise<number> {
  const rows = await vault.db.selectFrom('mms_parts').select('blob_sha256').where('blob_sha256', 'is not', null).distinct().execute();
  for (const r of rows) {
    const name = r.blob_sha256 ?? '';
    const hash = crypto.createHash('sha256');
    for await (const c of vault.blobs.openRead(name)) hash.update(c as Buffer);
    expect(hash.digest('hex')).toBe(name);
  }
  return rows.length;
}

async function expectClean(vault: Vault): Promise<void> {
  const report = await verifyVault(vault);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

async function importRetrying(vault: Vault, file: string): Promise<void> {
  for (;;) {
    try {
      await importFile(vault, file);
      return;
    } catch (e) {
      if (!(e instanceof VaultBusyError)) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('textvault gc', () => {
  it('removes media nothing references, crash leftovers and dead pack bytes, and compacts the packs; every referenced media stays', async () => {
    const vault = await newVault();
    for (const f of await backups(4, 100)) await importFile(vault, f);
    expect(packsOf(vault)).toHaveLength(4);
    // References an import replaced (its parts rewritten): those blobs are used by nothing now.
    const parts = await vault.db.selectFrom('mms_parts').select(['id', 'blob_sha256']).where('blob_sha256', 'is not', null).orderBy('id').limit(15).execute();
    await vault.db.updateTable('mms_parts').set({ blob_sha256: null }).where('id', 'in', parts.map((p) => p.id)).execute();
    const stillUsed = new Set((await vault.db.selectFrom('mms_parts').select('blob_sha256').execute()).map((r) => r.blob_sha256));
    const unused = new Set(parts.map((p) => p.blob_sha256).filter((s) => s !== null && !stillUsed.has(s)));
    expect(unused.size).toBeGreaterThan(0);
    // An import killed between its media commit and its database commit: blobs no row registers.
    const leftovers = [crypto.randomBytes(30_000), crypto.randomBytes(SPOOL_PLUS)];
    for (const b of leftovers) putBuffer(vault.blobs, b);
    await vault.blobs.commitStaged();
    // And one killed between publishing a pack and indexing it.
    fs.copyFileSync(path.join(vault.dir, 'blobs', 'packs', packsOf(vault)[0] ?? ''), path.join(vault.dir, 'blobs', 'packs', 'zz-unindexed.pack'));
    const before = await verifyVault(vault);
    expect(before.ok).toBe(true);
    expect(before.unreferencedBlobs).toBe(2);
    expect(before.unindexedPacks).toBe(1);
    const dump = await dumpVault(vault);

    const report = await collectGarbage(vault);
    expect(report.rowsRemoved).toBe(unused.size);
    expect(report.blobsRemoved).toBe(unused.size + 2);
    expect(report.fileBytesFreed).toBe(SPOOL_PLUS);
    expect(report.unindexedPacksRemoved).toBe(1);
    expect(report.compaction).toMatchObject({ packsWritten: 1, damaged: [] });
    expect(report.compaction?.packsRewritten).toBeGreaterThanOrEqual(5);
    expect(packsOf(vault)).toHaveLength(1);
    await expectClean(vault);
    const after = await verifyVault(vault);
    expect(after.unreferencedBlobs).toBe(0);
    expect(after.unindexedPacks).toBe(0);
    for (const s of unused) expect(await vault.blobs.has(s ?? '')).toBe(false);
    expect(await dumpVault(vault)).toEqual(dump);
    expect(await expectEveryMediaServed(vault)).toBeGreaterThan(0);
    // A second run finds nothing to do.
    const again = await collectGarbage(vault);
    expect(again).toMatchObject({ rowsRemoved: 0, blobsRemoved: 0, unindexedPacksRemoved: 0, compaction: { packsRewritten: 0 } });
  });

  it('runs while another process imports: each import either before or after the part that decides, and nothing it refers to is lost', async () => {
    const dir = tempDir();
    const vault = await Vault.open(path.join(dir, 'vault'), { create: true });
    const reference = await Vault.open(path.join(dir, 'reference'), { create: true });
    try {
      const first = await backups(25, 200, 10);
      // Long enough (thousands of SMS between the media) that gc's start falls inside an import,
      // after it found some of its media stored and before its commit.
      const later = await backups(4, 300, 30, 20_000);
      for (const f of first) {
        await importFile(vault, f);
        await importFile(reference, f);
      }
      for (const f of later) await importFile(reference, f);
      // Crash leftovers holding the very media the later imports bring (imports killed between
      // their media commit and their database commit): indexed, registered nowhere. gc wants
      // them gone; an import finds them stored, writes no bytes of its own and refers to them.
      const scratch = await Vault.open(path.join(dir, 'scratch'), { create: true });
      for (const f of later) await importFile(scratch, f);
      for (const p of packsOf(scratch)) fs.copyFileSync(path.join(scratch.dir, 'blobs', 'packs', p), path.join(vault.dir, 'blobs', 'packs', `leftover-${p}`));
      await scratch.close();
      expect(vault.blobs.packs?.rebuildIndex().blobsAdded).toBeGreaterThan(0);
      expect((await verifyVault(vault)).unreferencedBlobs).toBeGreaterThan(0);

      // gc in another process (the real CLI), imports in this one, at the same time.
      const gc = spawn(process.execPath, [...NODE_FLAGS, CLI, '--vault', vault.dir, 'gc', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      gc.stdout.on('data', (d: Buffer) => (out += d.toString()));
      gc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((r) => gc.on('close', r));
      // The first import starts before the gc process is up, so gc's start falls inside an
      // import (with gc not taking the import lock, this test fails: media missing).
      for (const f of later) await importRetrying(vault, f);
      expect(await exited, err).toBe(0);
      const report = JSON.parse(out) as { compaction: { packsRewritten: number } };
      expect(report.compaction.packsRewritten).toBeGreaterThan(0);

      await expectClean(vault);
      expect(await dumpVault(vault)).toEqual(await dumpVault(reference));
      expect(await expectEveryMediaServed(vault)).toBeGreaterThan(0);
      // Whatever is left over is gone at the next run, and still nothing referenced is.
      await collectGarbage(vault);
      await expectClean(vault);
      expect((await verifyVault(vault)).unreferencedBlobs).toBe(0);
      expect(await expectEveryMediaServed(vault)).toBeGreaterThan(0);
    } finally {
      await vault.close();
      await reference.close();
    }
  }, 180_000);

  it('after a SIGKILL at any point leaves the vault verifiable, and a rerun finishes the work', async () => {
    const vault = await newVault();
    for (const f of await backups(30, 400, 15)) await importFile(vault, f);
    const parts = await vault.db.selectFrom('mms_parts').select('id').where('blob_sha256', 'is not', null).orderBy('id').limit(40).execute();
    await vault.db.updateTable('mms_parts').set({ blob_sha256: null }).where('id', 'in', parts.map((p) => p.id)).execute();
    const dump = await dumpVault(vault);
    const packDir = path.join(vault.dir, 'blobs', 'packs');

    // Killed at a different moment each time: soon after it starts, while it writes a pack, later.
    const kills: string[] = [];
    for (const when of ['gc.lock', 'writing', 'later']) {
      const child = spawn(process.execPath, [...NODE_FLAGS, CLI, '--vault', vault.dir, 'gc'], { stdio: 'ignore' });
      const closed = new Promise((r) => child.on('close', r));
      const started = Date.now();
      await new Promise<void>((resolve) => {
        const tick = (): void => {
          const gcFiles = fs.readdirSync(packDir).filter((n) => n.endsWith('.gc'));
          const due =
            child.exitCode !== null ||
            (when === 'gc.lock' && fs.existsSync(path.join(vault.dir, 'gc.lock'))) ||
            (when === 'writing' && gcFiles.length > 0) ||
            (when === 'later' && Date.now() - started > 400) ||
            Date.now() - started > 30_000;
          if (due) resolve();
          else setTimeout(tick, 2);
        };
        tick();
      });
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills.push(when);
      }
      await closed;
      // Right after the kill, before any rerun: every referenced media is where the index says.
      await expectClean(vault);
      expect(await dumpVault(vault)).toEqual(dump);
    }
    expect(kills.length).toBeGreaterThan(0);

    const report = await collectGarbage(vault);
    expect(report.compaction?.damaged).toEqual([]);
    await expectClean(vault);
    const after = await verifyVault(vault);
    expect(after.unreferencedBlobs).toBe(0);
    expect(after.unindexedPacks).toBe(0);
    expect(fs.readdirSync(packDir).filter((n) => n.endsWith('.gc'))).toEqual([]);
    expect(fs.existsSync(path.join(vault.dir, 'gc.lock'))).toBe(false);
    expect(packsOf(vault)).toHaveLength(1);
    expect(await dumpVault(vault)).toEqual(dump);
    expect(await expectEveryMediaServed(vault)).toBeGreaterThan(0);
  }, 180_000);
});

/** Just over the pack limit: a blob that is a file of its own. */
const SPOOL_PLUS = 1024 * 1024 + 1;
