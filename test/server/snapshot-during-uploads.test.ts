/**
 * `textvault snapshot` (another process, as cron runs it) while backups are uploaded to a running
 * server and imported by its job queue: each snapshot restores to the vault as it was between
 * two uploads' imports, never in the middle of one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { dumpVault, type VaultDump } from '../../src/vault/dump.js';
import { Vault } from '../../src/vault/vault.js';
import { cli, cliAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { ownerClient, startServer, waitForJob, type Body } from './harness.js';

async function dumpOf(dir: string): Promise<VaultDump> {
  const vault = await Vault.open(dir);
  try {
    return await dumpVault(vault);
  } finally {
    await vault.close();
  }
}

describe('a snapshot during uploads', () => {
  it('restores to the state before or after each uploaded backup was imported, never between', async () => {
    const dir = tempDir();
    const files: string[] = [];
    for (const seed of [21, 22, 23]) {
      const file = path.join(dir, `sms-${seed}.xml`);
      await writeSmsBackup(file, { seed, sms: 2500, mms: 40, mediaBytes: 30_000 });
      files.push(file);
    }
    const server = await startServer({ files: [] });
    const client = await ownerClient(server);
    const snaps = path.join(dir, 'snaps');
    const dumps: VaultDump[] = [await dumpOf(server.dir)];
    const state = { uploading: true };
    const taken: string[] = [];
    const snapshots = (async () => {
      while (state.uploading) {
        const r = await cliAsync(['--vault', server.dir, 'snapshot', '--to', snaps, '--json']);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        taken.push((JSON.parse(r.stdout) as { id: string }).id);
      }
    })();
    try {
      for (const [i, file] of files.entries()) {
        const res = await client.request('POST', `/api/uploads?name=backup-${i}.xml`, {
          body: fs.createReadStream(file) as unknown as Body,
          headers: { 'content-type': 'application/octet-stream' },
        });
        expect(res.status).toBe(202);
        const job = await waitForJob(client, ((await res.json()) as { jobId: number }).jobId);
        expect(job.status).toBe('done');
        dumps.push(await dumpOf(server.dir));
      }
    } finally {
      state.uploading = false;
      await snapshots;
    }
    expect(taken.length).toBeGreaterThanOrEqual(2);
    const seen = new Set<number>();
    for (const [i, id] of taken.entries()) {
      const target = path.join(dir, `restored-${i}`);
      const r = cli(['--vault', target, 'restore', '--from', snaps, '--snapshot', id]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('vault OK');
      const dump = await dumpOf(target);
      const at = dumps.findIndex((d) => JSON.stringify(d) === JSON.stringify(dump));
      expect(at, `snapshot ${id} holds ${dump.messages.length} messages, a state between imports`).toBeGreaterThanOrEqual(0);
      seen.add(at);
    }
    // The snapshots did run while the uploads were imported, not only before or after.
    expect(seen.size).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
