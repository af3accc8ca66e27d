/**
 * Watched folders on the real file system: a file written slowly in pieces is imported once,
 * when complete; a rename into place is picked up; a file replaced by a newer backup is imported
 * again (only the new messages added); temp names and dotfiles are ignored; a file that is no
 * backup stays where it is and is reported by name, never content; done/ and delete work (and
 * delete only what imported); a restart queues nothing twice; symlinks are not followed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceService } from '../../src/sources/source-service.js';
import { JobQueue, type Job } from '../../src/vault/jobs/index.js';
import { addSource, findSource, listRejectedFiles } from '../../src/vault/sources/registry.js';
import { activeAlerts } from '../../src/vault/sources/alerts.js';
import type { AlertEvent } from '../../src/sources/notify/notifier.js';
import type { Vault } from '../../src/vault/vault.js';
import { sbrXml } from '../helpers/sbr-files.js';
import { tempDir } from '../helpers/temp.js';
import { counts, useVaults } from '../helpers/vault.js';
import { sleep, waitFor } from '../helpers/wait.js';

const newVault = useVaults();
const SETTLE = 400;
const running: { service: SourceService; queue: JobQueue }[] = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.service.stop();
    await r.queue.close();
  }
});

async function setup(vault: Vault, folder: string, afterImport: 'keep' | 'move' | 'delete' = 'keep'): Promise<{ service: SourceService; queue: JobQueue; jobs: Job[]; sourceId: number }> {
  const queue = await JobQueue.open(vault);
  const source = await addSource(queue.control.db, { name: `folder-${afterImport}`, kind: 'folder', config: { path: folder, settleMs: SETTLE, afterImport } }).catch(async () => {
    const existing = await queue.control.db.selectFrom('sources').select('id').where('name', '=', `folder-${afterImport}`).executeTakeFirstOrThrow();
    return existing;
  });
  const jobs: Job[] = [];
  queue.on('job', (j) => {
    if (j.status === 'queued') jobs.push(j);
  });
  await queue.start();
  const service = new SourceService(vault, queue, { alertCheckMs: 3_600_000 });
  await service.start();
  running.push({ service, queue });
  return { service, queue, jobs, sourceId: source.id };
}

async function finished(queue: JobQueue, id: number): Promise<Job> {
  return waitFor(`job ${id} to finish`, async () => {
    const j = await queue.get(id);
    return j !== undefined && (j.status === 'done' || j.status === 'failed') ? j : undefined;
  });
}

const bodies = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

describe('a watched folder', () => {
  it('is picked up while the service runs when another process (the CLI) adds it', async () => {
    const vault = await newVault();
    const queue = await JobQueue.open(vault);
    await queue.start();
    const service = new SourceService(vault, queue, { alertCheckMs: 3_600_000, reloadCheckMs: 100 });
    await service.start();
    running.push({ service, queue });
    const folder = tempDir();
    // A second connection to the control database, as `textvault source add` would use.
    const cli = await JobQueue.open(vault);
    await addSource(cli.control.db, { name: 'late', kind: 'folder', config: { path: folder, settleMs: SETTLE } });
    await cli.close();
    await sleep(300);
    fs.writeFileSync(path.join(folder, 'sms.xml'), sbrXml(bodies(1, 3)));
    await waitFor('the import', async () => ((await counts(vault)).sms === 3 ? true : undefined));
  });

  it('turns to an error at once when its folder disappears (alert, notification), and watches it again when it is back (issue 26 item 2)', async () => {
    const vault = await newVault();
    const folder = path.join(tempDir(), 'inbox');
    fs.mkdirSync(folder);
    const queue = await JobQueue.open(vault);
    const source = await addSource(queue.control.db, { name: 'phone', kind: 'folder', config: { path: folder, settleMs: SETTLE } });
    await queue.start();
    const events: AlertEvent[] = [];
    // Alerts are checked every hour here: only the folder going away may make this one come early.
    const service = new SourceService(vault, queue, { alertCheckMs: 3_600_000, reloadCheckMs: 200, notifiers: [{ name: 'test', send: (e) => { events.push(e); return Promise.resolve(); } }] });
    await service.start();
    running.push({ service, queue });
    expect(await activeAlerts(queue.control.db)).toEqual([]);

    fs.rmSync(folder, { recursive: true });
    const raised = await waitFor('the folder alert', async () => {
      const open = await activeAlerts(queue.control.db);
      return open.length > 0 ? open : undefined;
    });
    expect(raised).toMatchObject([{ sourceName: 'phone', kind: 'folder' }]);
    expect(raised[0]?.message).toContain(`The watched folder of "phone" is unusable: ${folder} does not exist.`);
    await waitFor('the notification', () => (events.length > 0 ? true : undefined));
    expect(events.map((e) => [e.type, e.alert.kind])).toEqual([['raised', 'folder']]);
    expect((await findSource(queue.control.db, source.id)).health.lastError).toBe(`${folder} does not exist`);
    // "Run now" says why rather than "nothing new".
    await expect(service.runNow('phone')).rejects.toThrow(/the watched folder of "phone" is unusable: .* does not exist/);

    // Back (remounted): the alert clears, and a backup dropped in is imported by a fresh watcher.
    fs.mkdirSync(folder);
    await waitFor('the alert to clear', async () => ((await activeAlerts(queue.control.db)).length === 0 ? true : undefined));
    expect(events.map((e) => [e.type, e.alert.kind])).toEqual([['raised', 'folder'], ['cleared', 'folder']]);
    expect((await findSource(queue.control.db, source.id)).health.lastError).toBeNull();
    fs.writeFileSync(path.join(folder, 'sms.xml'), sbrXml(bodies(1, 2)));
    await waitFor('the import', async () => ((await counts(vault)).sms === 2 ? true : undefined));
  });

  it('imports a file written slowly in pieces once, after it stopped changing', async () => {
    const vault = await newVault();
    const folder = tempDir();
    const { queue, jobs } = await setup(vault, folder);
    const xml = Buffer.from(sbrXml(bodies(1, 40)));
    const file = path.join(folder, 'sms-20260101.xml');
    const fd = fs.openSync(file, 'w');
    const pieces = 6;
    let lastWrite = 0;
    for (let i = 0; i < pieces; i++) {
      fs.writeSync(fd, xml.subarray(Math.floor((i * xml.length) / pieces), Math.floor(((i + 1) * xml.length) / pieces)));
      fs.fsyncSync(fd);
      lastWrite = Date.now();
      // Each pause is shorter than the settle time, so the half-written file is never taken.
      await sleep(SETTLE / 2);
      expect(jobs).toHaveLength(0);
    }
    fs.closeSync(fd);
    const job = await waitFor('the import job', () => jobs[0]);
    expect(Date.parse(job.createdAt)).toBeGreaterThanOrEqual(lastWrite + SETTLE - 50);
    const done = await finished(queue, job.id);
    expect(done.status).toBe('done');
    expect(done.file).toBe('sms-20260101.xml');
    expect(await counts(vault)).toEqual({ sms: 40, mms: 0, calls: 0 });
    await sleep(SETTLE * 2);
    expect(jobs).toHaveLength(1);
  });

  it('picks up a rename into place, ignores temp names and dotfiles, and imports a replaced file again', async () => {
    const vault = await newVault();
    const folder = tempDir();
    const { queue, jobs } = await setup(vault, folder);
    // Sync tools write under a temporary name, then rename.
    fs.writeFileSync(path.join(folder, 'sms.xml.part'), sbrXml(bodies(1, 10)));
    fs.writeFileSync(path.join(folder, '.syncthing.sms.xml.tmp'), sbrXml(bodies(1, 10)));
    fs.writeFileSync(path.join(folder, '.hidden.xml'), sbrXml(bodies(50, 60)));
    await sleep(SETTLE * 2);
    expect(jobs).toHaveLength(0);
    fs.renameSync(path.join(folder, 'sms.xml.part'), path.join(folder, 'sms.xml'));
    const first = await finished(queue, (await waitFor('the first job', () => jobs[0])).id);
    expect(first.status).toBe('done');
    expect(await counts(vault)).toEqual({ sms: 10, mms: 0, calls: 0 });

    // The phone's next backup replaces the file (same name, more messages).
    fs.writeFileSync(path.join(folder, 'sms.xml.tmp'), sbrXml(bodies(1, 15)));
    fs.renameSync(path.join(folder, 'sms.xml.tmp'), path.join(folder, 'sms.xml'));
    const second = await finished(queue, (await waitFor('the second job', () => jobs[1])).id);
    expect(second.result).toMatchObject({ backups: [{ status: 'complete', counts: { new: 5, duplicate: 10 } }] });
    expect(await counts(vault)).toEqual({ sms: 15, mms: 0, calls: 0 });

    // The same bytes under another name: queued, and skipped as already imported.
    fs.copyFileSync(path.join(folder, 'sms.xml'), path.join(folder, 'sms-copy.xml'));
    const third = await finished(queue, (await waitFor('the third job', () => jobs[2])).id);
    expect(third.result).toMatchObject({ backups: [{ status: 'skipped' }] });
    expect(jobs).toHaveLength(3);
  });

  it('leaves a file that is no backup where it is, untouched, and reports its name and why but never its content (issue 29 item 2)', async () => {
    const vault = await newVault();
    const folder = tempDir();
    const { queue, jobs, sourceId, service } = await setup(vault, folder);
    const secret = 'root:x:0:0:SECRET-FIRST-BYTES:/root:/bin/bash\n';
    fs.writeFileSync(path.join(folder, 'passwd'), secret);
    const before = fs.statSync(path.join(folder, 'passwd'));
    const job = await finished(queue, (await waitFor('the job', () => jobs[0])).id);
    expect(job.status).toBe('failed');
    const rejected = await waitFor('the rejection record', async () => {
      const r = await listRejectedFiles(queue.control.db);
      return r.length > 0 ? r : undefined;
    });
    expect(rejected).toMatchObject([{ sourceId, originalName: 'passwd', path: 'passwd', reason: expect.stringMatching(/not a backup Textvault can read; it was left in the folder/) as string }]);
    // Not moved, not changed, nothing written beside it.
    expect(fs.readdirSync(folder)).toEqual(['passwd']);
    expect(fs.readFileSync(path.join(folder, 'passwd'), 'utf8')).toBe(secret);
    expect(fs.statSync(path.join(folder, 'passwd')).mtimeMs).toBe(before.mtimeMs);
    // What a web user sees (status: rejections, source health; the job) holds none of its bytes.
    const status = await service.status();
    expect(JSON.stringify(status)).not.toContain('SECRET-FIRST-BYTES');
    expect(JSON.stringify(status)).not.toContain('root:x');
    expect(status.sources[0]?.health.lastError).toBe('passwd: not a backup Textvault can read');
    expect(JSON.stringify(await queue.get(job.id))).not.toContain('root:x');
    // Reported once, and that version is not tried again.
    await sleep(SETTLE * 3);
    await service.runNow(sourceId);
    expect(jobs).toHaveLength(1);
    expect(await listRejectedFiles(queue.control.db)).toHaveLength(1);
  });

  it('never follows a symlink in the folder: the file it points at is not read, moved or deleted', async () => {
    const vault = await newVault();
    const folder = tempDir();
    const elsewhere = path.join(tempDir(), 'sms-elsewhere.xml');
    fs.writeFileSync(elsewhere, sbrXml(bodies(1, 3)));
    fs.symlinkSync(elsewhere, path.join(folder, 'link.xml'));
    const { jobs, service, sourceId } = await setup(vault, folder, 'delete');
    await sleep(SETTLE * 3);
    expect(await service.runNow(sourceId)).toEqual([]);
    expect(jobs).toHaveLength(0);
    expect(fs.existsSync(elsewhere)).toBe(true);
    expect(await counts(vault)).toEqual({ sms: 0, mms: 0, calls: 0 });
  });

  it('deletes after import only the files that imported: a damaged backup and a non-backup stay', async () => {
    const vault = await newVault();
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, 'good.xml'), sbrXml(bodies(1, 3)));
    // Cut off in the middle of a record: a damaged backup, not imported.
    fs.writeFileSync(path.join(folder, 'damaged.xml'), sbrXml(bodies(4, 6)).slice(0, 300));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'shopping list');
    const { queue, jobs } = await setup(vault, folder, 'delete');
    await waitFor('three jobs', () => (jobs.length >= 3 ? true : undefined));
    const ended = await Promise.all(jobs.map((j) => finished(queue, j.id)));
    const byName = new Map(ended.map((j) => [path.basename(j.file ?? ''), j]));
    expect(byName.get('good.xml')?.result).toMatchObject({ backups: [{ status: 'complete' }] });
    expect(byName.get('notes.txt')?.status).toBe('failed');
    // Damaged: failed, or salvaged as a partial import; either way not every message is in the vault.
    const damaged = byName.get('damaged.xml');
    expect(damaged?.status === 'failed' || JSON.stringify(damaged?.result).includes('"partial"')).toBe(true);
    await waitFor('good.xml deleted', () => (fs.existsSync(path.join(folder, 'good.xml')) ? undefined : true));
    await sleep(SETTLE);
    expect(fs.readdirSync(folder).sort()).toEqual(['damaged.xml', 'notes.txt']);
  });

  it('moves imported files to done/ or deletes them when configured, and queues nothing twice after a restart', async () => {
    const vault = await newVault();
    const moveFolder = tempDir();
    const deleteFolder = tempDir();
    const keepFolder = tempDir();
    fs.writeFileSync(path.join(keepFolder, 'kept.xml'), sbrXml(bodies(100, 104)));
    fs.writeFileSync(path.join(moveFolder, 'a.xml'), sbrXml(bodies(1, 5)));
    fs.writeFileSync(path.join(deleteFolder, 'b.xml'), sbrXml(bodies(6, 9)));
    // Sources are added before the service starts: it picks them up with the files already there.
    const pre = await JobQueue.open(vault);
    await addSource(pre.control.db, { name: 'folder-move', kind: 'folder', config: { path: moveFolder, settleMs: SETTLE, afterImport: 'move' } });
    await addSource(pre.control.db, { name: 'folder-delete', kind: 'folder', config: { path: deleteFolder, settleMs: SETTLE, afterImport: 'delete' } });
    await addSource(pre.control.db, { name: 'folder-keep', kind: 'folder', config: { path: keepFolder, settleMs: SETTLE } });
    await pre.close();
    const { queue, jobs, service } = await setup(vault, keepFolder);
    await waitFor('three jobs', () => (jobs.length >= 3 ? true : undefined));
    for (const j of jobs) expect((await finished(queue, j.id)).status).toBe('done');
    await waitFor('a.xml in done/', () => (fs.existsSync(path.join(moveFolder, 'done', 'a.xml')) ? true : undefined));
    await waitFor('b.xml deleted', () => (fs.existsSync(path.join(deleteFolder, 'b.xml')) ? undefined : true));
    expect(fs.existsSync(path.join(moveFolder, 'a.xml'))).toBe(false);
    expect(fs.existsSync(path.join(keepFolder, 'kept.xml'))).toBe(true);
    expect(await counts(vault)).toEqual({ sms: 14, mms: 0, calls: 0 });

    // A restart sees kept.xml again but does not queue it again.
    await service.stop();
    const again = new SourceService(vault, queue, { alertCheckMs: 3_600_000 });
    await again.start();
    running.push({ service: again, queue: await JobQueue.open(vault) });
    await sleep(SETTLE * 3);
    expect(jobs).toHaveLength(3);
  });
});
