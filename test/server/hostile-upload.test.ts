/**
 * Issue #29, item 3: a 184 KB gzip uploaded with a device token held one <sms> with three
 * 60 MiB attributes and killed the server (`npm start`, 256 MB heap) at once, and again at each
 * restart. Performed here against the built server, started the same way: the upload's job
 * fails with a message naming the limit and how to raise it, the server keeps answering, its
 * memory stays bounded, and nothing reached the vault.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/vault/jobs/index.js';
import { cli } from '../helpers/cli.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const MiB = 1024 * 1024;

/** `<sms a="x…" b="x…" c="x…"/>`, each value `valueMiB` MiB, gzipped as it is generated. */
async function writeHostileGzip(file: string, valueMiB: number): Promise<void> {
  const fill = Buffer.alloc(MiB, 'x');
  function* xml(): Generator<Buffer> {
    yield Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<smses count="1">\n<sms address="+15550001" date="1700000000000" type="1" body="hi" a="');
    for (const [k, next] of ['" b="', '" c="', '" />\n</smses>\n'].entries()) {
      for (let n = 0; n < valueMiB; n++) yield fill;
      if (k >= 0) yield Buffer.from(next);
    }
  }
  await pipeline(Readable.from(xml()), createGzip({ level: 9 }), fs.createWriteStream(file));
}

async function jobOf(server: ServerProcess, token: string, id: number): Promise<Job | undefined> {
  const res = await fetch(`${server.url}/api/ingest/jobs/${String(id)}`, { headers: { authorization: `Bearer ${token}` } });
  return res.ok ? ((await res.json()) as Job) : undefined;
}

describe('a hostile gzip upload through a device token', () => {
  it('fails its job with the limit named, and the server lives on with bounded memory', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sms-hostile.xml.gz');
    await writeHostileGzip(file, 60);
    expect(fs.statSync(file).size).toBeLessThan(400 * 1024);

    const vault = path.join(dir, 'vault');
    const created = cli(['--vault', vault, 'token', 'create', '--name', 'Pixel 8', '--json']);
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };

    const server = await startServerProcess(vault);
    try {
      const res = await fetch(`${server.url}/api/ingest/sms-hostile.xml.gz`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
        body: fs.readFileSync(file),
      });
      expect(res.status).toBe(202);
      const { jobId } = (await res.json()) as { jobId: number };
      const job = await waitFor(
        'the job to end',
        async () => {
          if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error(`the server died (${String(server.child.exitCode ?? server.child.signalCode)})`);
          const j = await jobOf(server, token, jobId);
          return j?.status === 'done' || j?.status === 'failed' ? j : undefined;
        },
        60_000,
      );
      expect(job.status).toBe('failed');
      expect(job.error).toContain('the start tag <sms> at 3:1 holds more than 8 MiB of attribute text');
      expect(job.error).toContain('textvault config set import.max-tag-size');
      // The upload is named as its sender named it, never by its spool path.
      expect(job.error).not.toContain(path.join(vault, 'uploads'));

      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(200);
      expect(server.child.exitCode).toBeNull();
      const peak = server.peakRss();
      if (peak !== undefined) expect(peak).toBeLessThan(600 * MiB);
    } finally {
      await server.stop();
    }
    const stats = JSON.parse(cli(['--vault', vault, 'stats', '--json']).stdout) as { sms: number; mms: number };
    expect([stats.sms, stats.mms]).toEqual([0, 0]);
    expect(cli(['--vault', vault, 'verify']).code).toBe(0);
  }, 120_000);
});
