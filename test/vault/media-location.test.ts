/**
 * `--media s3://...` (issue 24): a vault whose media live in an S3-compatible bucket, chosen when
 * the vault gets its first media and remembered in the archive, so every later command finds the
 * bucket without being told. The CLI half runs against a real Ceph radosgw.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/vault/import/import-backup.js';
import { MEDIA_LOCATION_KEY, MediaLocationError, resolveMediaLocation } from '../../src/vault/media-location.js';
import { migrateMedia } from '../../src/vault/media-migration.js';
import { Vault } from '../../src/vault/vault.js';
import { startCeph, type Ceph } from '../helpers/ceph.js';
import { spawn } from 'node:child_process';
import { CLI, cliAsync, NODE_FLAGS } from '../helpers/cli.js';
import { CEPH, lacks } from '../helpers/system.js';
import { fixture, tempDir } from '../helpers/temp.js';
import { writeBackup } from '../helpers/sbr-xml.js';
import { importAll } from '../helpers/vault.js';
import { ownerClient, startServer } from '../server/harness.js';

const OFFLINE_ENV = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_REGION: 'eu-test-1' };

describe('the media location of a vault', () => {
  it('is the vault folder unless an s3:// URL is given; a URL is recorded with its endpoint and region, never keys', async () => {
    const dir = tempDir();
    const vault = await Vault.open(dir, { create: true });
    try {
      expect(await resolveMediaLocation(vault.db, dir, undefined, {})).toEqual({ backend: 'local', dir: path.join(dir, 'blobs') });
      const env = { ...OFFLINE_ENV, AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'very-secret' };
      const s3 = await resolveMediaLocation(vault.db, dir, 's3://my-bucket/people/ada/', env);
      expect(s3).toMatchObject({ backend: 's3', bucket: 'my-bucket', prefix: 'people/ada', endpoint: 'http://127.0.0.1:9', region: 'eu-test-1', spoolDir: path.join(dir, 'media-spool') });
      const stored = await vault.config.get(MEDIA_LOCATION_KEY);
      expect(JSON.parse(stored ?? '')).toEqual({ url: 's3://my-bucket/people/ada', endpoint: 'http://127.0.0.1:9', region: 'eu-test-1' });
      expect(stored).not.toContain('secret');
      // Later, from an environment without the endpoint: the record still finds the bucket.
      expect(await resolveMediaLocation(vault.db, dir, undefined, {})).toMatchObject({ backend: 's3', bucket: 'my-bucket', endpoint: 'http://127.0.0.1:9', region: 'eu-test-1' });
      // The same URL again (written differently) is fine; another one is refused.
      expect(await resolveMediaLocation(vault.db, dir, 's3://my-bucket/people/ada', {})).toMatchObject({ backend: 's3', prefix: 'people/ada' });
      await expect(resolveMediaLocation(vault.db, dir, 's3://other-bucket', {})).rejects.toThrow(
        'this vault keeps its media in s3://my-bucket/people/ada, not s3://other-bucket: leave out --media (the vault remembers where its media are)',
      );
      await expect(resolveMediaLocation(vault.db, dir, '/mnt/media', {})).rejects.toThrow(/give an S3 location, s3:\/\/BUCKET\/PREFIX/);
    } finally {
      await vault.close();
    }
  });

  it('a vault that already holds media in its folder is not moved to a bucket by --media', async () => {
    const dir = tempDir();
    const vault = await Vault.open(dir, { create: true });
    await importAll(vault, [fixture('sbr', 'mms-media.xml')]);
    await vault.close();
    const err = await Vault.open(dir, { media: 's3://my-bucket' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaLocationError);
    expect((err as Error).message).toBe(
      `this vault already keeps media in its own folder (${path.join(dir, 'blobs')}): to move them to s3://my-bucket, run textvault migrate --media s3://my-bucket`,
    );
    // Nothing was recorded: the vault opens as before.
    const again = await Vault.open(dir);
    expect(await again.config.get(MEDIA_LOCATION_KEY)).toBeUndefined();
    await again.close();
  });
});

const noCeph = lacks(CEPH);

describe.skipIf(noCeph)('a vault with its media in a bucket (real Ceph radosgw)', () => {
  let ceph: Ceph;
  beforeAll(async () => {
    ceph = await startCeph();
  }, 120_000);
  afterAll(async () => {
    await ceph.stop();
  });

  it('import, verify, export and a second import work through the CLI; nothing of the media lands in the vault folder', async () => {
    const bucket = await ceph.newBucket();
    const dir = tempDir();
    const keys = { AWS_ACCESS_KEY_ID: ceph.accessKeyId, AWS_SECRET_ACCESS_KEY: ceph.secretAccessKey };
    const first = await cliAsync(['--vault', dir, '--media', `s3://${bucket}/vault`, 'import', fixture('sbr', 'mms-media.xml')], {
      ...keys,
      AWS_ENDPOINT_URL: ceph.endpoint,
      AWS_REGION: ceph.region,
    });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const listed = await ceph.client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'vault/' }));
    const keysInBucket = (listed.Contents ?? []).map((o) => o.Key ?? '');
    expect(keysInBucket.length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(dir, 'blobs', 'packs'))).toBe(false);

    // Later commands get only the keys: the endpoint and region come from the vault's record.
    const verify = await cliAsync(['--vault', dir, 'verify'], keys);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    const out = tempDir();
    const exported = await cliAsync(['--vault', dir, 'export', '--format', 'sbr', '--out', out], keys);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const original = /data="([^"]+)"/.exec(fs.readFileSync(fixture('sbr', 'mms-media.xml'), 'utf8'))?.[1];
    expect(original).toBeDefined();
    const written = fs.readdirSync(out).filter((f) => f.endsWith('.xml')).map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
    expect(written.join('')).toContain(`data="${original ?? ''}"`);
    // The same backup again: found, nothing new.
    const second = await cliAsync(['--vault', dir, 'import', '--json', fixture('sbr', 'mms-media.xml')], keys);
    expect(second.code).toBe(0);
    const again = await ceph.client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'vault/' }));
    expect((again.Contents ?? []).map((o) => o.Key ?? '').sort()).toEqual([...keysInBucket].sort());

    // Another bucket for the same vault is refused, and so is a snapshot (it would hold no media).
    const other = await cliAsync(['--vault', dir, '--media', 's3://elsewhere', 'stats'], keys);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`this vault keeps its media in s3://${bucket}/vault, not s3://elsewhere`);
    const snap = await cliAsync(['--vault', dir, 'snapshot', '--to', tempDir()], keys);
    expect(snap.code).toBe(1);
    expect(snap.stderr).toContain(`this vault keeps its media in s3://${bucket}/vault; snapshots copy a vault folder with its own media only`);
  }, 120_000);

  it('an attachment too big to hold in memory is spooled and uploaded (the import empties tmp/ after the store is open)', async () => {
    const big = randomBytes(5 * 1024 * 1024);
    const file = writeBackup([{ addresses: ['+15550000001'], date: Date.UTC(2024, 0, 1), parts: [{ ct: 'video/mp4', name: 'big.mp4', data: big }] }]);
    const env = { AWS_ENDPOINT_URL: ceph.endpoint, AWS_REGION: ceph.region, AWS_ACCESS_KEY_ID: ceph.accessKeyId, AWS_SECRET_ACCESS_KEY: ceph.secretAccessKey };
    const dir = tempDir();
    Object.assign(process.env, env);
    for (const readIn of ['thread', 'worker'] as const) {
      const vault = await Vault.open(path.join(dir, readIn), { create: true, media: `s3://${await ceph.newBucket()}` });
      try {
        const [result] = await importFile(vault, file, { readIn });
        expect(result?.counts.new).toBe(1);
        const chunks: Buffer[] = [];
        for await (const c of vault.blobs.chunks(createHash('sha256').update(big).digest('hex'))) chunks.push(c);
        expect(Buffer.concat(chunks).equals(big)).toBe(true);
      } finally {
        await vault.close();
      }
    }
  }, 120_000);

  it('the server streams media from the bucket, byte ranges included', async () => {
    Object.assign(process.env, { AWS_ENDPOINT_URL: ceph.endpoint, AWS_REGION: ceph.region, AWS_ACCESS_KEY_ID: ceph.accessKeyId, AWS_SECRET_ACCESS_KEY: ceph.secretAccessKey });
    const video = randomBytes(300_000);
    const file = writeBackup([{ addresses: ['+15550000001'], date: Date.UTC(2024, 0, 1), parts: [{ ct: 'video/mp4', name: 'clip.mp4', data: video }] }]);
    const server = await startServer({ files: [file], media: `s3://${await ceph.newBucket()}/m` });
    const client = await ownerClient(server);
    const list = await client.json<{ items: { id: number }[] }>('/api/conversations');
    const thread = await client.json<{ items: { parts: { url: string }[] }[] }>(`/api/conversations/${list.items[0]?.id ?? 0}/messages`);
    const url = thread.items[0]?.parts[0]?.url ?? '';
    const whole = await client.get(url);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(video)).toBe(true);
    const range = await client.request('GET', url, { headers: { range: 'bytes=1000-1999' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(video.subarray(1000, 2000))).toBe(true);
    expect(fs.existsSync(path.join(server.dir, 'blobs', 'packs'))).toBe(false);
  }, 120_000);

  /** A vault with `n` media of its own (random bytes, so each is stored once). */
  async function localVault(n: number, size: number): Promise<{ dir: string; file: string }> {
    const dir = tempDir();
    const file = writeBackup(
      Array.from({ length: n }, (_v, i) => ({ addresses: ['+15550000001'], date: Date.UTC(2024, 0, 1) + i * 60_000, parts: [{ ct: 'image/jpeg', name: `p${i}.jpg`, data: randomBytes(size) }] })),
    );
    const vault = await Vault.open(dir, { create: true });
    await importAll(vault, [file]);
    await vault.close();
    return { dir, file };
  }

  it("migrate --media moves an existing vault's media to a bucket; later commands use it; a second run has nothing to do", async () => {
    const { dir, file } = await localVault(80, 50_000);
    const bucket = await ceph.newBucket();
    const keys = { AWS_ACCESS_KEY_ID: ceph.accessKeyId, AWS_SECRET_ACCESS_KEY: ceph.secretAccessKey };
    const env = { ...keys, AWS_ENDPOINT_URL: ceph.endpoint, AWS_REGION: ceph.region };
    const moved = await cliAsync(['--vault', dir, '--media', `s3://${bucket}/m`, 'migrate', '--json'], env);
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ total: 80, done: 80, copied: 80, copiedBytes: 80 * 50_000, present: 0, url: `s3://${bucket}/m` });
    const objects = await ceph.client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'm/' }));
    expect(objects.KeyCount).toBe(80);
    // The vault folder's blobs are no longer read: remove them, and everything still works.
    fs.rmSync(path.join(dir, 'blobs'), { recursive: true, force: true });
    const verify = await cliAsync(['--vault', dir, 'verify'], keys);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    const reimport = await cliAsync(['--vault', dir, 'import', '--force', file], keys);
    expect(reimport.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'blobs', 'packs'))).toBe(false);
    const again = await cliAsync(['--vault', dir, '--media', `s3://${bucket}/m`, 'migrate'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`this vault's media are already in s3://${bucket}/m`);
  }, 120_000);

  it('a migration killed at any moment leaves the vault on its folder; the next run goes on where it stopped', async () => {
    const { dir } = await localVault(400, 20_000);
    const bucket = await ceph.newBucket();
    const env = { ...process.env, AWS_ACCESS_KEY_ID: ceph.accessKeyId, AWS_SECRET_ACCESS_KEY: ceph.secretAccessKey, AWS_ENDPOINT_URL: ceph.endpoint, AWS_REGION: ceph.region };
    const child = spawn(process.execPath, [...NODE_FLAGS, CLI, '--vault', dir, '--media', `s3://${bucket}`, 'migrate'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Killed once the first batch of 64 is in the bucket (its progress line), mid-way through the rest.
    await new Promise<void>((resolve) => {
      child.stderr.on('data', () => {
        child.kill('SIGKILL');
        resolve();
      });
    });
    await new Promise((resolve) => child.once('close', resolve));
    const vault = await Vault.open(dir);
    expect(vault.blobs.location.backend).toBe('local');
    await vault.close();
    const rerun = await cliAsync(['--vault', dir, '--media', `s3://${bucket}`, 'migrate', '--json'], env);
    expect(rerun.code).toBe(0);
    const report = JSON.parse(rerun.stdout) as { present: number; copied: number; total: number };
    expect(report.total).toBe(400);
    expect(report.present).toBeGreaterThanOrEqual(64);
    expect(report.present + report.copied).toBe(400);
    const verify = await cliAsync(['--vault', dir, 'verify'], env);
    expect(verify.code).toBe(0);
  }, 120_000);

  it('a process that opened the vault before its media moved refuses to import into the old store', async () => {
    const { dir, file } = await localVault(3, 10_000);
    const stale = await Vault.open(dir);
    const mover = await Vault.open(dir);
    const env = { AWS_ACCESS_KEY_ID: ceph.accessKeyId, AWS_SECRET_ACCESS_KEY: ceph.secretAccessKey, AWS_ENDPOINT_URL: ceph.endpoint, AWS_REGION: ceph.region };
    await migrateMedia(mover, `s3://${await ceph.newBucket()}`, { env });
    await mover.close();
    await expect(importFile(stale, file, { force: true })).rejects.toThrow(/this vault's media moved to s3:\/\/\S+ after this process opened it: restart it/);
    await stale.close();
  }, 60_000);
});
