/**
 * The throwaway Ceph cluster the S3 tests run against (test/helpers/ceph.ts): it serves S3 with
 * the keys it hands out, refuses others, and `stop()` leaves no process and no file behind.
 */
import fs from 'node:fs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { startCeph } from '../../helpers/ceph.js';
import { CEPH, lacks } from '../../helpers/system.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(lacks(CEPH))('a throwaway Ceph cluster', () => {
  it('serves S3 on loopback with its own keys, and stop() removes every process and file', async () => {
    const ceph = await startCeph();
    const pids = ceph.pids();
    try {
      expect(ceph.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // Start-up budget: well under the 60 s the issue allows (about 3 s on the CI machine).
      expect(ceph.startupMs).toBeLessThan(60_000);
      expect(pids).toHaveLength(3);
      const bucket = await ceph.newBucket();
      await ceph.client().send(new PutObjectCommand({ Bucket: bucket, Key: 'a/b', Body: 'hello' }));
      const got = await ceph.client().send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b' }));
      expect(await got.Body?.transformToString()).toBe('hello');

      const stranger = new S3Client({
        endpoint: ceph.endpoint,
        region: ceph.region,
        forcePathStyle: true,
        credentials: { accessKeyId: ceph.accessKeyId, secretAccessKey: 'not-the-secret' },
      });
      await expect(stranger.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
      stranger.destroy();
    } finally {
      await ceph.stop();
    }
    expect(pids.filter(alive)).toEqual([]);
    expect(fs.existsSync(ceph.dir)).toBe(false);
  });
});
