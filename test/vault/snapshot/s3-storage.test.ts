/**
 * Snapshots to an S3 bucket (`--to s3://bucket/prefix`) on a real S3 server: the throwaway Ceph
 * cluster of test/helpers/ceph.ts (radosgw), configured through the standard AWS variables, as a
 * user would. The same repository code as a folder; these tests check what differs: the storage.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { openSnapshotFolder } from '../../../src/vault/snapshot/folder.js';
import { restoreSnapshot } from '../../../src/vault/snapshot/restore.js';
import { SNAPSHOT_WORK_DIR, takeSnapshot } from '../../../src/vault/snapshot/take-snapshot.js';
import { verifySnapshots } from '../../../src/vault/snapshot/verify-snapshot.js';
import { Vault } from '../../../src/vault/vault.js';
import { verifyVault } from '../../../src/vault/verify.js';
import { startCeph, type Ceph } from '../../helpers/ceph.js';
import { cli } from '../../helpers/cli.js';
import { CEPH, lacks } from '../../helpers/system.js';
import { tempDir } from '../../helpers/temp.js';

let ceph: Ceph;
const saved: Record<string, string | undefined> = {};
const AWS_VARS = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;

function awsEnv(): Record<(typeof AWS_VARS)[number], string> {
  return { AWS_ENDPOINT_URL: ceph.endpoint, AWS_ACCESS_KEY_ID: ceph.accessKeyId, AWS_SECRET_ACCESS_KEY: ceph.secretAccessKey, AWS_REGION: ceph.region };
}

beforeAll(async () => {
  if (lacks(CEPH)) return;
  ceph = await startCeph();
  // The library reads the same variables the command line does.
  for (const [k, v] of Object.entries(awsEnv())) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
}, 120_000);

afterAll(async () => {
  if (lacks(CEPH)) return;
  for (const k of AWS_VARS) {
    if (saved[k] === undefined) Reflect.deleteProperty(process.env, k);
    else process.env[k] = saved[k];
  }
  await ceph.stop();
});

async function vaultWith(dir: string, seed: number): Promise<Vault> {
  const vault = await Vault.open(path.join(dir, 'vault'), { create: true });
  const file = path.join(dir, `sms-${seed}.xml`);
  // A 5 MB attachment is a blob of its own (two chunks); the rest go to packs.
  await writeSmsBackup(file, { seed, sms: 120, mms: 20, mediaBytes: 20_000, bigAttachmentBytes: 5_000_000 });
  await importFile(vault, file);
  return vault;
}

describe.skipIf(lacks(CEPH))('snapshots in an S3 bucket', () => {
  it('snapshot, list, verify, prune and restore through s3://bucket/prefix, encrypted, leaving nothing in the vault', async () => {
    const dir = tempDir();
    const vault = await vaultWith(dir, 1);
    const bucket = await ceph.newBucket();
    const to = `s3://${bucket}/home/snaps`;
    const passphrase = { passphrase: 'correct horse battery staple' };
    const key = () => Promise.resolve(passphrase);
    try {
      const before = await dumpVault(vault);
      const first = await takeSnapshot(vault.dir, await openSnapshotFolder(to, { create: true, key }));
      expect(first.addedObjects).toBeGreaterThan(3);
      const second = await takeSnapshot(vault.dir, await openSnapshotFolder(to, { key }), { keep: 1 });
      // Incremental: nothing changed, so only the manifest is new; --keep 1 removed the first.
      expect(second.addedObjects).toBe(0);
      expect(second.pruned).toEqual([first.id]);
      // The database copies go through a folder of the vault's own, emptied again.
      expect(fs.readdirSync(path.join(vault.dir, SNAPSHOT_WORK_DIR))).toEqual([]);

      const repo = await openSnapshotFolder(to, { key });
      expect(repo.dir).toBe(to);
      expect(await repo.snapshotIds()).toEqual([second.id]);
      expect(await verifySnapshots(repo, { all: true })).toMatchObject({ ok: true, problems: [] });
      // Encrypted at rest: no object holds the vault's SQLite header in clear.
      const manifest = await repo.readManifest(second.id);
      const dbChunk = manifest.files.find((f) => f.path === 'textvault.db')?.chunks[0]?.id ?? '';
      const stored = await ceph.client().send(new GetObjectCommand({ Bucket: bucket, Key: `home/snaps/objects/${dbChunk.slice(0, 2)}/${dbChunk}` }));
      expect(Buffer.from(await (stored.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array()))).includes('SQLite format 3')).toBe(false);

      const target = path.join(dir, 'elsewhere', 'restored');
      await restoreSnapshot(repo, target);
      const restored = await Vault.open(target);
      try {
        expect((await verifyVault(restored)).problems).toEqual([]);
        expect(await dumpVault(restored)).toEqual(before);
      } finally {
        await restored.close();
      }

      // A damaged object is found by verify, named by its s3:// key.
      await ceph.client().send(new PutObjectCommand({ Bucket: bucket, Key: `home/snaps/objects/${dbChunk.slice(0, 2)}/${dbChunk}`, Body: Buffer.alloc(100, 1) }));
      const report = await verifySnapshots(await openSnapshotFolder(to, { key }));
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toContain(`s3://${bucket}/home/snaps/objects/${dbChunk.slice(0, 2)}/${dbChunk}`);
    } finally {
      await vault.close();
    }
  }, 180_000);

  it('refuses a bucket that does not exist, a prefix that holds other things, and a second writer, saying what to do', async () => {
    const dir = tempDir();
    const vault = await vaultWith(dir, 2);
    try {
      await expect(openSnapshotFolder('s3://no-such-bucket-tv/x', { create: true })).rejects.toThrow(/the bucket no-such-bucket-tv does not exist: create it first/);
      const bucket = await ceph.newBucket();
      await ceph.client().send(new PutObjectCommand({ Bucket: bucket, Key: 'photos/a.jpg', Body: 'x' }));
      await expect(openSnapshotFolder(`s3://${bucket}/photos`, { create: true })).rejects.toThrow(`s3://${bucket}/photos is not empty and holds no snapshots`);

      const repo = await openSnapshotFolder(`s3://${bucket}/snaps`, { create: true });
      const held = await repo.lock();
      await expect(takeSnapshot(vault.dir, repo)).rejects.toThrow(/busy|being written/);
      await held.release();
      expect((await takeSnapshot(vault.dir, repo)).counts.messages).toBeGreaterThan(0);
    } finally {
      await vault.close();
    }
  }, 180_000);

  it('works from the command line with the AWS variables: snapshot --to s3://..., snapshot verify, restore --from s3://...', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sms.xml');
    await writeSmsBackup(file, { seed: 3, sms: 60, mms: 5, mediaBytes: 10_000 });
    const vault = path.join(dir, 'vault');
    expect(cli(['--vault', vault, 'import', file]).code).toBe(0);
    const bucket = await ceph.newBucket();
    const to = `s3://${bucket}/tv`;
    const env = awsEnv();
    const taken = cli(['--vault', vault, 'snapshot', '--to', to], env);
    expect(taken.stderr).toBe('');
    expect(taken.stdout).toContain(`new in ${to}`);
    const verified = cli(['snapshot', 'verify', '--from', to], env);
    expect(verified.stdout).toMatch(/OK: /);
    const restored = cli(['--vault', path.join(dir, 'restored'), 'restore', '--from', to], env);
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toContain('vault OK');
    expect(cli(['--vault', vault, 'snapshot', 'status'], env).stdout).toContain(to);
  }, 180_000);
});
