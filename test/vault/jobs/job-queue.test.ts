/**
 * The persistent job queue: jobs run in order, their state is persisted, and a process killed in
 * the middle of a job (a real SIGKILL) loses nothing and leaves no duplicates once resumed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { JobQueue, UPLOADS_DIR, type Job } from '../../../src/vault/jobs/index.js';
import { uploadFileName, uploadWriterPid } from '../../../src/vault/jobs/upload-names.js';
import { acquireLock } from '../../../src/vault/lock.js';
import { Vault } from '../../../src/vault/vault.js';
import { CLI, NODE_FLAGS } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { writeZip } from '../../helpers/zip.js';
import { counts, useVaults } from '../../helpers/vault.js';

const newVault = useVaults();

async function smallBackup(dir: string, name: string, seed: number): Promise<string> {
  const file = path.join(dir, name);
  await writeSmsBackup(file, { seed, sms: 200, mms: 3, mediaBytes: 2_000 });
  return file;
}

describe('the job queue', () => {
  it('runs jobs one at a time in order, persists status, progress and results, and pages the list', async () => {
    const vault = await newVault();
    const dir = tempDir();
    const a = await smallBackup(dir, 'a.xml', 1);
    const b = await smallBackup(dir, 'b.xml', 2);
    const queue = await JobQueue.open(vault, { progressPersistMs: 0 });
    const events: string[] = [];
    let progressEvents = 0;
    queue.on('job', (j) => events.push(`${j.id}:${j.status}`));
    queue.on('progress', () => progressEvents++);
    try {
      const j1 = await queue.enqueue({ kind: 'import', file: a });
      const j2 = await queue.enqueue({ kind: 'import', file: b, originalName: 'upload.xml' });
      const j3 = await queue.enqueue({ kind: 'import', file: path.join(dir, 'missing.xml') });
      const j4 = await queue.enqueue({ kind: 'verify' });
      expect(j1.status).toBe('queued');
      await queue.start();
      await queue.idle();
      // Strictly one after the other, in the order they were queued.
      expect(events).toEqual([
        `${j1.id}:queued`, `${j2.id}:queued`, `${j3.id}:queued`, `${j4.id}:queued`,
        `${j1.id}:running`, `${j1.id}:done`, `${j2.id}:running`, `${j2.id}:done`,
        `${j3.id}:running`, `${j3.id}:failed`, `${j4.id}:running`, `${j4.id}:done`,
      ]);
      expect(progressEvents).toBeGreaterThan(0);
    } finally {
      await queue.close();
    }

    // Everything is read back from the control database by a fresh queue.
    const again = await JobQueue.open(vault);
    try {
      const done = await again.get(1);
      expect(done?.status).toBe('done');
      // A plain file: what was read from disk is what was parsed.
      expect(done?.progress).toEqual({ done: fs.statSync(a).size, total: fs.statSync(a).size, unit: 'bytes', expanded: fs.statSync(a).size });
      const result = done?.result as { backups: { status: string; counts: { new: number } }[] };
      expect(result.backups[0]?.status).toBe('complete');
      expect(result.backups[0]?.counts.new).toBe(203);
      expect((await again.get(2))?.file).toBe('upload.xml');
      const failed = await again.get(3);
      expect(failed?.status).toBe('failed');
      expect(failed?.error).toMatch(/missing\.xml: no such file/);
      const verify = await again.get(4);
      expect(verify?.kind).toBe('verify');
      const blobs = await vault.db.selectFrom('blobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(blobs.n).toBeGreaterThan(0);
      expect(verify?.result).toMatchObject({ ok: true, blobsChecked: blobs.n });
      expect(verify?.progress.unit).toBe('blobs');
      expect(await again.get(99)).toBeUndefined();

      const first = await again.list({ limit: 3 });
      expect(first.items.map((j) => j.id)).toEqual([4, 3, 2]);
      expect(first.nextCursor).not.toBeNull();
      const second = await again.list({ limit: 3, cursor: first.nextCursor });
      expect(second.items.map((j) => j.id)).toEqual([1]);
      expect(second.nextCursor).toBeNull();
    } finally {
      await again.close();
    }
    expect(await counts(vault)).toEqual({ sms: 400, mms: 6, calls: 0 });
  });

  it('reports an import\'s progress in uncompressed bytes too: a gzip and a ZIP that inflate far show it', async () => {
    const vault = await newVault();
    const dir = tempDir();
    const xml = await smallBackup(dir, 'c.xml', 3);
    const size = fs.statSync(xml).size;
    const gz = path.join(dir, 'c.xml.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(xml)));
    const zip = path.join(dir, 'two.zip');
    const d = path.join(dir, 'd.xml');
    await writeSmsBackup(d, { seed: 4, sms: 300, mms: 0, mediaBytes: 0 });
    await writeZip(zip, { 'c.xml': fs.readFileSync(xml), 'd.xml': fs.readFileSync(d) });
    const queue = await JobQueue.open(vault, { progressPersistMs: 0 });
    const seen: number[] = [];
    queue.on('progress', (j) => seen.push(j.progress.expanded ?? -1));
    try {
      const j1 = await queue.enqueue({ kind: 'import', file: gz });
      const j2 = await queue.enqueue({ kind: 'import', file: zip });
      await queue.start();
      await queue.idle();
      const g = await queue.get(j1.id);
      expect(g?.status).toBe('done');
      expect(g?.progress).toMatchObject({ done: fs.statSync(gz).size, total: fs.statSync(gz).size, expanded: size });
      expect(size).toBeGreaterThan(fs.statSync(gz).size * 3);
      const z = await queue.get(j2.id);
      expect(z?.status).toBe('done');
      // Both entries' content, added up across the archive.
      expect(z?.progress.expanded).toBe(size + fs.statSync(d).size);
      expect(z?.progress.done).toBe(fs.statSync(zip).size);
      expect(seen.every((n) => n >= 0)).toBe(true);
    } finally {
      await queue.close();
    }
  });

  it('deletes a spooled file once its job ended, and skips a file already imported', async () => {
    const vault = await newVault();
    const dir = tempDir();
    const a = await smallBackup(dir, 'a.xml', 1);
    const copy = path.join(dir, 'spool-1');
    fs.copyFileSync(a, copy);
    const junk = path.join(dir, 'spool-2');
    fs.writeFileSync(junk, 'this is not a backup');
    const queue = await JobQueue.open(vault);
    try {
      await queue.start();
      const j1 = await queue.enqueue({ kind: 'import', file: a });
      const j2 = await queue.enqueue({ kind: 'import', file: copy, deleteAfter: true });
      const j3 = await queue.enqueue({ kind: 'import', file: junk, deleteAfter: true });
      await queue.idle();
      expect((await queue.get(j1.id))?.status).toBe('done');
      const second = await queue.get(j2.id);
      expect((second?.result as { backups: { status: string }[] }).backups[0]?.status).toBe('skipped');
      expect((await queue.get(j3.id))?.status).toBe('failed');
      expect(fs.existsSync(copy)).toBe(false);
      expect(fs.existsSync(junk)).toBe(false);
      expect(fs.existsSync(a)).toBe(true);
    } finally {
      await queue.close();
    }
  });

  it('removes spooled uploads no job refers to once they are an hour old, and keeps the rest', async () => {
    const vault = await newVault();
    const spool = path.join(vault.dir, UPLOADS_DIR);
    fs.mkdirSync(spool, { recursive: true });
    const hourAgo = (Date.now() - 61 * 60 * 1000) / 1000;
    const upload = (name: string, old: boolean): string => {
      const file = path.join(spool, name);
      fs.writeFileSync(file, 'part of an upload');
      if (old) fs.utimesSync(file, hourAgo, hourAgo);
      return file;
    };
    // A process died while these arrived (the first before it was complete): no job has them.
    const orphans = [upload('1-a.upload', true), upload('2-b.upload', true)];
    // Still arriving (written to a moment ago), and one an old queued job owns.
    const arriving = upload('3-c.upload', false);
    const owned = upload('4-d.upload', true);
    const unrelated = path.join(vault.dir, 'notes.txt');
    fs.writeFileSync(unrelated, 'mine');
    fs.utimesSync(unrelated, hourAgo, hourAgo);
    const queue = await JobQueue.open(vault);
    try {
      const job = await queue.enqueue({ kind: 'import', file: owned, deleteAfter: true });
      await queue.start();
      expect(orphans.filter((f) => fs.existsSync(f))).toEqual([]);
      expect(fs.existsSync(arriving)).toBe(true);
      expect(fs.existsSync(unrelated)).toBe(true);
      await queue.idle();
      // The owned upload went the usual way: imported (it is not a backup: failed), then deleted.
      expect((await queue.get(job.id))?.status).toBe('failed');
      expect(fs.readdirSync(spool)).toEqual(['3-c.upload']);
    } finally {
      await queue.close();
    }
  });

  it('removes at once, however fresh, a spooled upload whose writing process died before its job was queued', async () => {
    const vault = await newVault();
    const spool = path.join(vault.dir, UPLOADS_DIR);
    fs.mkdirSync(spool, { recursive: true });
    // A real process that spooled and was killed, and a live one still writing its upload.
    const dead = spawn('sleep', ['30']);
    const alive = spawn('sleep', ['30']);
    try {
      dead.kill('SIGKILL');
      await new Promise((r) => dead.on('close', r));
      const write = (name: string): string => {
        const file = path.join(spool, name);
        fs.writeFileSync(file, 'part of an upload');
        return file;
      };
      const orphan = write(uploadFileName(dead.pid));
      const arriving = write(uploadFileName(alive.pid));
      const mine = write(uploadFileName());
      expect(uploadWriterPid(path.basename(orphan))).toBe(dead.pid);
      const queue = await JobQueue.open(vault);
      try {
        await queue.start();
        expect(fs.existsSync(orphan)).toBe(false);
        expect(fs.existsSync(arriving)).toBe(true);
        expect(fs.existsSync(mine)).toBe(true);
      } finally {
        await queue.close();
      }
    } finally {
      alive.kill('SIGKILL');
    }
  });

  it('waits while another process holds the import lock, then runs the job', async () => {
    const vault = await newVault();
    const dir = tempDir();
    const a = await smallBackup(dir, 'a.xml', 1);
    const holder = spawn('sleep', ['30']);
    const lockFile = path.join(vault.dir, 'import.lock');
    fs.writeFileSync(lockFile, String(holder.pid));
    const queue = await JobQueue.open(vault, { busyRetryMs: 100 });
    try {
      await queue.start();
      const job = await queue.enqueue({ kind: 'import', file: a });
      await new Promise((r) => setTimeout(r, 500));
      // Tried (briefly `running`) and put back each time: never imported, never failed.
      expect(['queued', 'running']).toContain((await queue.get(job.id))?.status);
      expect(await counts(vault)).toEqual({ sms: 0, mms: 0, calls: 0 });
      holder.kill('SIGKILL');
      await new Promise((r) => holder.on('close', r));
      await queue.idle();
      expect((await queue.get(job.id))?.status).toBe('done');
    } finally {
      holder.kill('SIGKILL');
      await queue.close();
    }
    // The lock is free again after the job.
    acquireLock(vault.dir).release();
  });

  it('leaves a job another live process is running alone, and fails it (not re-run) once that process is gone', async () => {
    const vault = await newVault();
    const dir = tempDir();
    const a = await smallBackup(dir, 'a.xml', 1);
    const other = spawn('sleep', ['30']);
    const queue = await JobQueue.open(vault, { pollMs: 100 });
    const job = await queue.enqueue({ kind: 'import', file: a });
    await queue.control.db.updateTable('jobs').set({ status: 'running', attempts: 1, runner_pid: other.pid ?? null }).where('id', '=', job.id).execute();
    try {
      await queue.start();
      await new Promise((r) => setTimeout(r, 400));
      expect((await queue.get(job.id))?.status).toBe('running');
      other.kill('SIGKILL');
      await new Promise((r) => other.on('close', r));
      const failed = await waitFor('the orphaned job to be failed', async () => {
        const j = await queue.get(job.id);
        return j?.status === 'failed' ? j : undefined;
      });
      expect(failed.error).toMatch(/stopped in the middle of it \(importing "a\.xml"\).*not run again by itself.*textvault jobs retry \d+/);
      expect(failed.retryable).toBe(true);
      expect(await counts(vault)).toEqual({ sms: 0, mms: 0, calls: 0 });
      // Run again only when asked.
      await queue.retry(job.id);
      await waitFor('the retried job', async () => ((await queue.get(job.id))?.status === 'done' ? true : undefined));
    } finally {
      other.kill('SIGKILL');
      await queue.close();
    }
  });
});

function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      probe().then(
        (v) => {
          if (v !== undefined) resolve(v);
          else if (Date.now() > until) reject(new Error(`timed out waiting for ${what}`));
          else setTimeout(tick, 25);
        },
        reject,
      );
    };
    tick();
  });
}

describe('killing the process that runs jobs', () => {
  it('loses nothing and leaves no duplicates: the crashed job is not re-run at the next start, and a retry completes it', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'sms-big.xml');
    // Big enough that its import lasts seconds even on an idle machine, or the kill could come
    // after the job ended (40,000 SMS took under a second once the import got faster).
    await writeSmsBackup(big, { seed: 11, sms: 200_000, mms: 200, mediaBytes: 20_000 });
    const small = await smallBackup(dir, 'sms-small.xml', 12);

    const reference = await Vault.open(path.join(dir, 'reference'), { create: true });
    await importFile(reference, small);
    const smallCounts = await counts(reference);
    await importFile(reference, big);

    const vaultDir = path.join(dir, 'vault');
    const vault = await Vault.open(vaultDir, { create: true });
    try {
      let queue = await JobQueue.open(vault, { progressPersistMs: 50 });
      const first = await queue.enqueue({ kind: 'import', file: small });
      const second = await queue.enqueue({ kind: 'import', file: big });
      await queue.close();

      // A real process runs the queue; it is killed while the big import is part-way through.
      const child = spawn(process.execPath, [...NODE_FLAGS, CLI, '--vault', vaultDir, 'jobs', 'run'], { stdio: 'ignore' });
      const closed = new Promise((r) => child.on('close', r));
      queue = await JobQueue.open(vault);
      const progressed: Job = await waitFor('the big import to make progress', async () => {
        const j = await queue.get(second.id);
        return j?.status === 'running' && j.progress.done > 0 ? j : undefined;
      });
      child.kill('SIGKILL');
      await closed;
      expect(progressed.progress.total).toBe(fs.statSync(big).size);
      expect((await queue.get(first.id))?.status).toBe('done');
      // What the dead process left: a job marked running, an import that never committed.
      expect((await queue.get(second.id))?.status).toBe('running');
      // Only the small file's records are in: the big import's transaction died with the process.
      expect(await counts(vault)).toEqual(smallCounts);

      await queue.start();
      await queue.idle();
      // Not run again by itself: a file that crashed the process would crash it at every start.
      const crashed = await queue.get(second.id);
      expect(crashed?.status).toBe('failed');
      expect(crashed?.error).toMatch(/killed or crashed.*textvault jobs retry/);
      expect(await counts(vault)).toEqual(smallCounts);

      await queue.retry(second.id);
      await queue.idle();
      const resumed = await queue.get(second.id);
      expect(resumed?.status).toBe('done');
      expect(resumed?.startedAt).not.toBeNull();
      await queue.close();

      expect(await dumpVault(vault)).toEqual(await dumpVault(reference));
    } finally {
      await vault.close();
      await reference.close();
    }
  }, 240_000);
});
