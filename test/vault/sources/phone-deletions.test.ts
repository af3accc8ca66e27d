/**
 * "Deleted on phone": messages a later full backup from the same source no longer has are kept
 * and marked; a message back in a later full backup is unmarked; other sources, incremental
 * backups and late-imported older backups mark nothing.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openControl } from '../../../src/vault/control.js';
import { JobQueue } from '../../../src/vault/jobs/index.js';
import { countPhoneDeletions, phoneDeletionsOf } from '../../../src/vault/sources/phone-deletions.js';
import { addSource } from '../../../src/vault/sources/registry.js';
import type { Vault } from '../../../src/vault/vault.js';
import { DAY, T0, writeSbr } from '../../helpers/sbr-files.js';
import { tempDir } from '../../helpers/temp.js';
import { useVaults } from '../../helpers/vault.js';

const newVault = useVaults();

async function idsOf(vault: Vault, bodies: string[]): Promise<number[]> {
  const rows = await vault.db.selectFrom('messages').select(['id', 'body']).where('body', 'in', bodies).execute();
  return bodies.map((b) => rows.find((r) => r.body === b)?.id ?? -1);
}

async function markedBodies(vault: Vault): Promise<string[]> {
  const rows = await vault.db.selectFrom('phone_deletions').innerJoin('messages', 'messages.id', 'phone_deletions.message_id').select('messages.body').orderBy('messages.body').execute();
  return rows.map((r) => r.body ?? '');
}

describe('deleted on phone', () => {
  it('marks what a later full backup from the same source lacks, and unmarks what comes back', async () => {
    const vault = await newVault();
    const dir = tempDir();
    const control = await openControl(vault);
    const phone = await addSource(control.db, { name: 'phone', kind: 'folder', config: { path: dir } });
    const other = await addSource(control.db, { name: 'other', kind: 'folder', config: { path: dir } });
    await control.close();
    const queue = await JobQueue.open(vault);
    await queue.start();
    const run = async (name: string, bodies: string[], opts: { backupDate: number; type?: string }, sourceId = phone.id): Promise<object | null> => {
      const job = await queue.enqueue({ kind: 'import', file: writeSbr(path.join(dir, name), bodies, opts), sourceId });
      await queue.idle();
      const done = await queue.get(job.id);
      expect(done?.status).toBe('done');
      return done?.result ?? null;
    };
    try {
      await run('b1.xml', ['m1', 'm2', 'm3'], { backupDate: T0 + 1 * DAY, type: 'full' });
      expect(await countPhoneDeletions(vault)).toBe(0);

      // m2 was deleted on the phone before the second full backup.
      const r2 = await run('b2.xml', ['m1', 'm3', 'm4'], { backupDate: T0 + 2 * DAY, type: 'full' });
      expect(r2).toMatchObject({ deletedOnPhone: { marked: 1, unmarked: 0 } });
      expect(await markedBodies(vault)).toEqual(['m2']);
      const [m2] = await idsOf(vault, ['m2']);
      const marks = await phoneDeletionsOf(vault, [m2 ?? -1]);
      expect(marks.get(m2 ?? -1)?.since).toBe(new Date(T0 + 2 * DAY).toISOString());
      // Kept: the message is still in the archive.
      expect(await vault.db.selectFrom('messages').select('id').where('body', '=', 'm2').executeTakeFirst()).toBeDefined();

      // An incremental backup holds only what is new: it marks nothing.
      await run('b3.xml', ['m5'], { backupDate: T0 + 3 * DAY, type: 'incremental' });
      expect(await markedBodies(vault)).toEqual(['m2']);
      // A full backup from another source (another phone) does not judge this one's messages.
      await run('o1.xml', ['m9'], { backupDate: T0 + 3 * DAY, type: 'full' }, other.id);
      expect(await markedBodies(vault)).toEqual(['m2']);

      // m2 was restored to the phone; m4 deleted; m5 (from the incremental) kept on the phone.
      await run('b4.xml', ['m1', 'm2', 'm3', 'm5'], { backupDate: T0 + 4 * DAY, type: 'full' });
      expect(await markedBodies(vault)).toEqual(['m4']);

      // An older full backup imported late marks nothing the phone got afterwards.
      await run('b0.xml', ['m1'], { backupDate: T0 + 0.5 * DAY, type: 'full' });
      expect(await markedBodies(vault)).toEqual(['m4']);
      expect(await countPhoneDeletions(vault)).toBe(1);

      // Files without type="full" (old app versions) are never treated as full backups.
      await run('b5.xml', ['m1'], { backupDate: T0 + 5 * DAY });
      expect(await markedBodies(vault)).toEqual(['m4']);
    } finally {
      await queue.close();
    }
  });
});
