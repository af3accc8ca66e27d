/**
 * Encrypted snapshot folders: what is on disk reveals no content, names or plain sizes; the
 * wrong key and damaged objects are told apart and named.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { padmeBlock } from '../../../src/vault/snapshot/encryption.js';
import { openSnapshotFolder, type SnapshotKey } from '../../../src/vault/snapshot/folder.js';
import { restoreSnapshot } from '../../../src/vault/snapshot/restore.js';
import { takeSnapshot } from '../../../src/vault/snapshot/take-snapshot.js';
import { verifySnapshots } from '../../../src/vault/snapshot/verify-snapshot.js';
import { Vault } from '../../../src/vault/vault.js';
import { verifyVault } from '../../../src/vault/verify.js';
import { tempDir } from '../../helpers/temp.js';

const key = (k: SnapshotKey) => () => Promise.resolve(k);

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function smallVault(dir: string): Promise<Vault> {
  const vault = await Vault.open(path.join(dir, 'vault'), { create: true });
  const file = path.join(dir, 'sms.xml');
  await writeSmsBackup(file, { seed: 3, sms: 200, mms: 20, mediaBytes: 10_000 });
  await importFile(vault, file);
  return vault;
}

describe('encrypted snapshots', () => {
  it('with a passphrase: restore gives the same vault; the folder shows no content, file names or plain sizes', async () => {
    const dir = tempDir();
    const vault = await smallVault(dir);
    try {
      const before = await dumpVault(vault);
      const snaps = path.join(dir, 'snaps');
      const pass = key({ passphrase: 'correct horse battery staple' });
      const { id } = await takeSnapshot(vault.dir, await openSnapshotFolder(snaps, { create: true, key: pass }));
      const repo = await openSnapshotFolder(snaps, { key: pass });
      const manifest = await repo.readManifest(id);
      const chunkHashes = new Set(manifest.files.flatMap((f) => f.chunks.map((c) => c.sha256)));
      // A long text from a message (its body): it must appear nowhere in the folder.
      const body = /"([^"\\]{24,})"/.exec(JSON.stringify(before.messages.map((m) => m.attrs)))?.[1] ?? '';
      expect(body.length).toBeGreaterThan(20);
      for (const file of allFiles(snaps)) {
        const bytes = fs.readFileSync(file);
        expect(bytes.includes('SQLite format 3'), file).toBe(false);
        expect(bytes.includes('textvault.db'), file).toBe(false);
        expect(bytes.includes(body.slice(0, 20)), file).toBe(false);
        // Names are keyed: not the chunks' SHA-256.
        expect(chunkHashes.has(path.basename(file))).toBe(false);
      }
      for (const f of manifest.files) {
        for (const c of f.chunks) {
          const stored = fs.statSync(repo.objectPath(c.id)).size;
          const padded = stored - 8 - 24 - 17;
          expect(padded % padmeBlock(c.size + 1)).toBe(0);
          expect(padded).toBeGreaterThan(c.size);
        }
      }
      expect((await verifySnapshots(repo)).ok).toBe(true);
      const target = path.join(dir, 'restored');
      await restoreSnapshot(repo, target);
      const restored = await Vault.open(target);
      try {
        expect((await verifyVault(restored)).ok).toBe(true);
        expect(await dumpVault(restored)).toEqual(before);
      } finally {
        await restored.close();
      }
    } finally {
      await vault.close();
    }
  });

  it('refuses a wrong passphrase, a missing one, the wrong kind of key and a short key file, by name', async () => {
    const dir = tempDir();
    const vault = await smallVault(dir);
    try {
      const snaps = path.join(dir, 'snaps');
      await takeSnapshot(vault.dir, await openSnapshotFolder(snaps, { create: true, key: key({ passphrase: 'right one' }) }));
      await expect(openSnapshotFolder(snaps, { key: key({ passphrase: 'wrong one' }) })).rejects.toThrow(`wrong passphrase for the snapshots in ${snaps}`);
      await expect(openSnapshotFolder(snaps)).rejects.toThrow(`the snapshots in ${snaps} are encrypted: give its passphrase`);
      const keyFile = path.join(dir, 'key');
      fs.writeFileSync(keyFile, createHash('sha256').update('k').digest());
      await expect(openSnapshotFolder(snaps, { key: key({ keyFile }) })).rejects.toThrow('encrypted with a passphrase, not a key file');

      const byFile = path.join(dir, 'by-file');
      await takeSnapshot(vault.dir, await openSnapshotFolder(byFile, { create: true, key: key({ keyFile }) }));
      expect((await verifySnapshots(await openSnapshotFolder(byFile, { key: key({ keyFile }) }))).ok).toBe(true);
      const other = path.join(dir, 'other-key');
      fs.writeFileSync(other, createHash('sha256').update('other').digest());
      await expect(openSnapshotFolder(byFile, { key: key({ keyFile: other }) })).rejects.toThrow(`wrong key file for the snapshots in ${byFile}`);
      const short = path.join(dir, 'short-key');
      fs.writeFileSync(short, 'abc');
      await expect(openSnapshotFolder(path.join(dir, 'new'), { create: true, key: key({ keyFile: short }) })).rejects.toThrow(`the key file ${short} holds 3 bytes`);
      // A plain folder given a key is refused rather than silently left unencrypted.
      const plain = path.join(dir, 'plain');
      await takeSnapshot(vault.dir, await openSnapshotFolder(plain, { create: true }));
      await expect(openSnapshotFolder(plain, { create: true, key: key({ keyFile }) })).rejects.toThrow('are not encrypted');
    } finally {
      await vault.close();
    }
  });

  it('names an altered or cut-short encrypted object, and a cut-short manifest', async () => {
    const dir = tempDir();
    const vault = await smallVault(dir);
    try {
      const snaps = path.join(dir, 'snaps');
      const pass = key({ passphrase: 'p4ss phrase' });
      const { id } = await takeSnapshot(vault.dir, await openSnapshotFolder(snaps, { create: true, key: pass }));
      const repo = await openSnapshotFolder(snaps, { key: pass });
      const files = (await repo.readManifest(id)).files;
      const [a, b] = [files[0]?.chunks[0]?.id ?? '', files.at(-1)?.chunks[0]?.id ?? ''].map((c) => repo.objectPath(c));
      if (a === undefined || b === undefined) throw new Error('no objects');
      const bytes = fs.readFileSync(a);
      bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0x40;
      fs.writeFileSync(a, bytes);
      fs.truncateSync(b, fs.statSync(b).size - 100);
      const report = await verifySnapshots(repo);
      expect(report.problems.join('\n')).toContain(`${a}: does not decrypt: it was cut short, altered or damaged`);
      expect(report.problems.join('\n')).toContain(`${b}: does not decrypt`);
      fs.truncateSync(repo.manifestPath(id), fs.statSync(repo.manifestPath(id)).size - 10);
      await expect(repo.readManifest(id)).rejects.toThrow(`${repo.manifestPath(id)}: does not decrypt`);
    } finally {
      await vault.close();
    }
  });
});
