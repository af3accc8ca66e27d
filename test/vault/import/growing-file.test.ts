/**
 * A backup file that grows (SMS Backup & Restore's "archive" mode): the next import skips the
 * records an earlier import read, byte for byte the same, and reads the rest (prefix-read.ts,
 * body-checkpoints.ts). Checked against the real thing: a full read of the same file into a
 * fresh vault gives the same archive.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpVault } from '../../../src/vault/dump.js';
import { importFile, type ImportOptions } from '../../../src/vault/import/import-backup.js';
import { smsXml, mmsXml, type MmsSpec, type SmsSpec } from '../../helpers/sbr-xml.js';
import { tempDir } from '../../helpers/temp.js';
import { useVaults } from '../../helpers/vault.js';

const T0 = Date.UTC(2025, 0, 1);
const EVERY = 16 * 1024;

function records(from: number, n: number): (SmsSpec | MmsSpec)[] {
  const out: (SmsSpec | MmsSpec)[] = [];
  for (let i = from; i < from + n; i++) {
    if (i % 50 === 7) out.push({ addresses: [`+1555000${String(i % 9).padStart(4, '0')}`], date: T0 + i * 60_000, parts: [{ ct: 'image/png', name: `p${i}.png`, data: Buffer.from(`photo ${i} `.repeat(40)) }, { ct: 'text/plain', text: `caption ${i}` }] });
    else out.push({ address: `+1555000${String(i % 13).padStart(4, '0')}`, date: T0 + i * 60_000, body: `message ${i}: ${'lorem ipsum '.repeat(i % 7)}`, type: 1 + (i % 2) });
  }
  return out;
}

/** The app's archive file: the same records, then the new ones; only the root's attributes change. */
function archiveFile(dir: string, recs: (SmsSpec | MmsSpec)[], opts: { type?: string; backupDate?: number } = {}): string {
  const file = path.join(dir, 'sms-archive.xml');
  const body = recs.map((r) => ('parts' in r ? mmsXml(r) : smsXml(r))).join('');
  const root = `<smses count="${recs.length}" backup_set="6f1c8d2e-0000-4000-8000-000000000001" backup_date="${opts.backupDate ?? T0}" type="${opts.type ?? 'archive'}">`;
  fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & Restore v10.20.002 on 01/01/2025 00:00:00-->\n${root}\n${body}</smses>\n`);
  return file;
}

const vaultFor = useVaults();

/** The archive after reading each file whole, in order, into a fresh vault. */
async function fullRead(...files: string[]): Promise<unknown> {
  const fresh = await vaultFor();
  for (const file of files) await importFile(fresh, file, { force: true });
  return dumpVault(fresh);
}

describe.each<ImportOptions['readIn']>(['thread', 'worker'])('a growing backup file, read in the %s', (readIn) => {
  const options: ImportOptions = { checkpointEvery: EVERY, readIn };

  it('reads only what follows the records an earlier import read, and the archive is the same as after a full read', async () => {
    const vault = await vaultFor();
    const dir = tempDir();
    const first = archiveFile(dir, records(0, 2000));
    const [a] = await importFile(vault, first, options);
    expect(a?.status).toBe('complete');
    expect(a?.skippedKnown).toBeUndefined();
    const kept = await vault.db.selectFrom('body_checkpoints').select(['offset', 'read']).where('backup_id', '=', a?.backupId ?? -1).orderBy('offset').execute();
    expect(kept.length).toBeGreaterThan(5);

    // A day later: 120 new records after the same 2,000, a new count and backup date.
    const grown = archiveFile(dir, records(0, 2120), { backupDate: T0 + 86_400_000 });
    const [b] = await importFile(vault, grown, options);
    expect(b?.status).toBe('complete');
    const skipped = b?.skippedKnown;
    expect(skipped?.backupId).toBe(a?.backupId);
    // At most one checkpoint's worth of the old records is read again.
    expect(skipped?.records).toBeGreaterThan(2000 - 200);
    expect(b?.counts).toMatchObject({ read: 2120, new: 120, duplicate: 2000, updated: 0, rejected: 0 });
    expect((b?.sms ?? 0) + (b?.mms ?? 0)).toBe(2120);
    expect(await dumpVault(vault)).toEqual(await fullRead(grown));
    const history = await vault.db.selectFrom('backups').select(['notes_json', 'file_sha256', 'file_size']).where('id', '=', b?.backupId ?? -1).executeTakeFirstOrThrow();
    expect(history.notes_json).toContain(`same bytes as backup #${a?.backupId ?? ''}`);
    // The file's digest (computed on a thread of its own while the records were compared) is the file's.
    expect(history.file_sha256).toBe(createHash('sha256').update(fs.readFileSync(grown)).digest('hex'));
    expect(history.file_size).toBe(fs.statSync(grown).size);

    // And the day after: the checkpoints of the second import carry on (its skipped ones included).
    const again = archiveFile(dir, records(0, 2200), { backupDate: T0 + 2 * 86_400_000 });
    const [c] = await importFile(vault, again, options);
    expect(c?.skippedKnown?.backupId).toBe(b?.backupId);
    expect(c?.skippedKnown?.records).toBeGreaterThan(2120 - 200);
    expect(c?.counts).toMatchObject({ read: 2200, new: 80, duplicate: 2120 });
    expect(await dumpVault(vault)).toEqual(await fullRead(again));
  });

  it('reads from the last checkpoint before a change anywhere in the old records', async () => {
    const vault = await vaultFor();
    const dir = tempDir();
    const recs = records(0, 2000);
    const before = archiveFile(dir, recs, { backupDate: T0 - 1 });
    const copy = path.join(dir, 'before.xml');
    fs.copyFileSync(before, copy);
    await importFile(vault, before, options);
    // The phone changed record 900's body (same length: no offset moves) and added ten.
    const changed = [...recs.slice(0, 900), { ...(recs[900] as SmsSpec), body: 'MESSAGE 900: changed' }, ...recs.slice(901), ...records(2000, 10)];
    const file = archiveFile(dir, changed);
    const [b] = await importFile(vault, file, options);
    expect(b?.skippedKnown?.records ?? 0).toBeLessThanOrEqual(900);
    expect(b?.skippedKnown?.records ?? 0).toBeGreaterThan(600);
    expect(b?.counts.new).toBe(11);
    expect(await dumpVault(vault)).toEqual(await fullRead(copy, file));
  });

  it('keeps the right line numbers in what it reports after the skipped part', async () => {
    const vault = await vaultFor();
    const dir = tempDir();
    const recs = records(0, 2000);
    await importFile(vault, archiveFile(dir, recs), options);
    const file = archiveFile(dir, recs);
    // A stray element after the old records: a warning whose line a full read gives too.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('</smses>', '  <unknown-thing a="1" />\n</smses>'));
    const [b] = await importFile(vault, file, options);
    expect(b?.skippedKnown).toBeDefined();
    const full = await vaultFor();
    const [f] = await importFile(full, file, { readIn });
    expect(b?.warnings.map((w) => [w.line, w.column, w.message])).toEqual(f?.warnings.map((w) => [w.line, w.column, w.message]));
    expect(b?.warnings.length).toBe(1);
  });
});

describe('when a growing file is read whole', () => {
  it('reads a full backup whole: the vault marks what a phone deleted from every full backup', async () => {
    const vault = await vaultFor();
    const dir = tempDir();
    await importFile(vault, archiveFile(dir, records(0, 2000), { type: 'full' }), { checkpointEvery: EVERY });
    const [b] = await importFile(vault, archiveFile(dir, records(0, 2010), { type: 'full' }), { checkpointEvery: EVERY });
    expect(b?.skippedKnown).toBeUndefined();
    expect(b?.counts).toMatchObject({ read: 2010, new: 10, duplicate: 2000 });
  });

  it('reads it whole when the identity settings changed since (records could match other messages now)', async () => {
    const vault = await vaultFor();
    const dir = tempDir();
    await importFile(vault, archiveFile(dir, records(0, 2000)), { checkpointEvery: EVERY });
    const [b] = await importFile(vault, archiveFile(dir, records(0, 2010)), { checkpointEvery: EVERY, match: { ignoreWhitespace: true } });
    expect(b?.skippedKnown).toBeUndefined();
    expect(b?.counts.read).toBe(2010);
  });

  it('reads it whole with --force, and a file too small for checkpoints keeps none', async () => {
    const vault = await vaultFor();
    const dir = tempDir();
    const [a] = await importFile(vault, archiveFile(dir, records(0, 2000)), { checkpointEvery: EVERY });
    const [b] = await importFile(vault, archiveFile(dir, records(0, 2010)), { checkpointEvery: EVERY, force: true });
    expect(b?.skippedKnown).toBeUndefined();
    expect(b?.counts).toMatchObject({ read: 2010, new: 10 });
    const [c] = await importFile(vault, archiveFile(dir, records(0, 20)));
    const n = await vault.db.selectFrom('body_checkpoints').select('backup_id').distinct().execute();
    expect(n.map((r) => r.backup_id).sort()).toEqual([a?.backupId, b?.backupId].sort());
    expect(c?.counts.read).toBe(20);
  });
});
