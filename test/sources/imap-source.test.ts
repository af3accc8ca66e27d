/**
 * An IMAP mailbox source (SMS Backup+) on a schedule, against a real Dovecot: the scheduled run
 * imports the new mail as a job, a run with no new mail delivers nothing, a wrong password is
 * the source's last error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SourceService } from '../../src/sources/source-service.js';
import { JobQueue, type Job } from '../../src/vault/jobs/index.js';
import { addSource, findSource } from '../../src/vault/sources/registry.js';
import { ManualClock } from '../helpers/clock.js';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { DOVECOT, lacks, OPENSSL } from '../helpers/system.js';
import { tempDir } from '../helpers/temp.js';
import { counts, useVaults } from '../helpers/vault.js';
import { waitFor } from '../helpers/wait.js';
import { callRecord, mails, smsRecord } from '../formats/smsbackupplus/helpers.js';
import { put } from './imap/helpers.js';

const newVault = useVaults();
let dovecot: Dovecot;
const HOUR = 3_600_000;
const closers: (() => Promise<void>)[] = [];

// Skipped, with a note at the end of the run, where Dovecot is not installed.
const noDovecot = lacks(DOVECOT, OPENSSL);
beforeAll(async () => {
  if (!noDovecot) dovecot = await startDovecot();
});
afterAll(async () => {
  if (!noDovecot) await dovecot.stop();
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function ended(queue: JobQueue, count: number): Promise<Job[]> {
  return waitFor(`${count} ended job(s)`, async () => {
    const items = (await queue.list()).items.filter((j) => j.status === 'done' || j.status === 'failed');
    return items.length >= count ? items : undefined;
  }, 60_000);
}

describe.skipIf(noDovecot)('an IMAP mailbox source', () => {
  it('polls on its schedule, imports only new mail, and records its health', async () => {
    await put(dovecot, 'SMS', await mails([smsRecord(1), smsRecord(2)]));
    await put(dovecot, 'Call log', await mails([callRecord(3)]));
    const vault = await newVault();
    const queue = await JobQueue.open(vault);
    await queue.start();
    closers.push(() => queue.close());
    const secret = path.join(tempDir(), 'imap-password');
    fs.writeFileSync(secret, `${dovecot.password}\n`, { mode: 0o600 });
    const clock = new ManualClock(Date.now());
    const source = await addSource(
      queue.control.db,
      { name: 'gmail', kind: 'imap', schedule: 'hourly', config: { url: `imaps://${dovecot.user}@localhost:${dovecot.tlsPort}/SMS`, passwordFile: secret, caFile: dovecot.certFile } },
      clock.now(),
    );
    const service = new SourceService(vault, queue, { clock, alertCheckMs: 24 * HOUR });
    await service.start();
    closers.push(() => service.stop());

    await clock.advance((service.nextRunOf(source.id) ?? 0) - clock.now());
    const [first] = await ended(queue, 1);
    expect(first?.error).toBeNull();
    expect(first).toMatchObject({ status: 'done', file: 'mailbox gmail', sourceId: source.id });
    expect(await counts(vault)).toEqual({ sms: 2, mms: 0, calls: 1 });
    const health = (await findSource(queue.control.db, source.id)).health;
    expect(health.lastDeliveryAt).not.toBeNull();
    expect(health.newestMessageAt).not.toBeNull();

    // An hour later: one new mail.
    await put(dovecot, 'SMS', await mails([smsRecord(4)]));
    await clock.advance(HOUR);
    await ended(queue, 2);
    expect(await counts(vault)).toEqual({ sms: 3, mms: 0, calls: 1 });

    // And nothing new the hour after: the run succeeds but delivers nothing.
    const before = (await findSource(queue.control.db, source.id)).health.lastDeliveryAt;
    await clock.advance(HOUR);
    const third = (await ended(queue, 3))[0];
    expect(third?.result).toMatchObject({ backups: [] });
    const after = (await findSource(queue.control.db, source.id)).health;
    expect(after.lastDeliveryAt).toBe(before);
    expect(after.lastSuccessAt).not.toBeNull();
  });

  it('records a wrong password as the source\'s last error', async () => {
    const vault = await newVault();
    const queue = await JobQueue.open(vault);
    await queue.start();
    closers.push(() => queue.close());
    const secret = path.join(tempDir(), 'imap-password');
    fs.writeFileSync(secret, 'not-the-password');
    const source = await addSource(queue.control.db, {
      name: 'gmail',
      kind: 'imap',
      schedule: 'daily',
      config: { url: `imaps://${dovecot.user}@localhost:${dovecot.tlsPort}/SMS`, passwordFile: secret, caFile: dovecot.certFile },
    });
    const service = new SourceService(vault, queue, { alertCheckMs: 24 * HOUR });
    closers.push(() => service.stop());
    const [job] = await service.runNow(source.id);
    await queue.idle();
    const failed = await queue.get(job?.id ?? 0);
    expect(failed?.status).toBe('failed');
    const health = (await findSource(queue.control.db, source.id)).health;
    expect(health.lastError).toBe(failed?.error);
    expect(health.lastError).toMatch(/password|auth|log ?in/i);
  });
});
