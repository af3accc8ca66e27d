/**
 * THE cross-format round trip: an archive imported from SMS Backup & Restore files, exported as
 * SMS Import/Export and Fossify Messages (and SBR), and imported into fresh vaults.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCallsBackup, writeSmsBackup } from '../../../bench/generator.js';
import { dumpVault, type VaultDump } from '../../../src/vault/dump.js';
import { exportFossify } from '../../../src/vault/export/fossify-export.js';
import { exportSbr } from '../../../src/vault/export/sbr-export.js';
import type { ExportKind } from '../../../src/vault/export/selection.js';
import { exportSmsIe } from '../../../src/vault/export/smsie-export.js';
import type { Vault } from '../../../src/vault/vault.js';
import { fixture, tempDir } from '../../helpers/temp.js';
import { counts, importAll, useVaults } from '../../helpers/vault.js';

const ALL = new Set<ExportKind>(['sms', 'mms', 'calls']);
const vault = useVaults();

/**
 * Messages and calls must be identical. Contact names are derived from the names the records
 * carry, and this archive's source files name two numbers differently (the newer backup's name
 * won); an export is one backup, so its last-written name wins instead. The numbers are the same.
 */
function sameArchive(a: VaultDump, b: VaultDump): void {
  expect(a.messages).toEqual(b.messages);
  expect(a.calls).toEqual(b.calls);
  expect(a.contacts.map((c) => c.address)).toEqual(b.contacts.map((c) => c.address));
}

async function strictKeys(v: Vault): Promise<string[]> {
  const rows = await v.db.selectFrom('messages').select('strict_key').execute();
  const calls = await v.db.selectFrom('calls').select('strict_key').execute();
  return [...rows, ...calls].map((r) => r.strict_key.toString('hex')).sort();
}

/** An archive built from SBR files: fixtures plus generated emoji, group MMS, media and calls. */
async function sbrArchive(): Promise<{ v: Vault; dump: VaultDump }> {
  const v = await vault();
  const dir = tempDir();
  const big = path.join(dir, 'gen.xml');
  await writeSmsBackup(big, { seed: 3, sms: 300, mms: 40, mediaBytes: 2_000 });
  const calls = path.join(dir, 'calls.xml');
  await writeCallsBackup(calls, { seed: 4, calls: 200 });
  await importAll(v, [fixture('sbr', 'sms-threads.xml'), fixture('sbr', 'mms-media.xml'), fixture('sbr', 'corrupt-base64.xml'), big, calls]);
  await importAll(v, [fixture('sbr', 'google-messages-truncated.xml')], { salvage: true });
  return { v, dump: await dumpVault(v) };
}

describe('every export format imports back to the same archive', () => {
  it('sms-ie: exporting and importing into a fresh vault gives exactly the original archive', async () => {
    const { v, dump } = await sbrArchive();
    const out = tempDir();
    const result = await exportSmsIe(v, { kinds: ALL }, { outDir: out, now: new Date(2024, 0, 2) });
    expect(result.files.map((f) => path.basename(f.path)).sort()).toEqual(['calls-2024-01-02.json', 'messages-2024-01-02.zip']);
    const fresh = await vault();
    const rs = await importAll(fresh, result.files.map((f) => f.path));
    expect(rs.map((r) => r.format).sort()).toEqual(['sms-ie', 'sms-ie-calls']);
    sameArchive(await dumpVault(fresh), dump);
    // And into the original vault it adds nothing.
    for (const r of await importAll(v, result.files.map((f) => f.path))) expect(r.counts).toMatchObject({ new: 0, updated: 0 });
  }, 60_000);

  it('fossify: every message keeps its identity; RCS group chats, whose group id Fossify cannot carry, still match their own copies', async () => {
    const { v, dump } = await sbrArchive();
    const out = tempDir();
    const fossify = await exportFossify(v, { kinds: ALL }, { outDir: out });
    expect(fossify.warnings[0]).toMatch(/calls? left out: Fossify Messages has no call log/);
    const fresh = await vault();
    await importAll(fresh, fossify.files.map((f) => f.path));
    const original = await counts(v);
    expect(await counts(fresh)).toEqual({ ...original, calls: 0 });
    const messages = (x: Vault) =>
      x.db.selectFrom('messages').innerJoin('conversations', 'conversations.id', 'messages.conversation_id').select(['strict_key', 'participants_key']).execute();
    const back = new Set((await messages(fresh)).map((m) => m.strict_key.toString('hex')));
    const lost = (await messages(v)).filter((m) => !back.has(m.strict_key.toString('hex')));
    // Fossify's MMS have no thread address: an RCS group's id (group_5d1e7c0a9b@rcs.google.com) is gone,
    // and its members (from the address rows) become the conversation. Everything else matches.
    expect(lost.map((m) => m.participants_key)).toEqual(Array(3).fill('group_5d1e7c0a9b@rcs.google.com'));

    // All three exports into one fresh vault, Fossify's first: the RCS group's own copies (sms-ie,
    // SBR) find the members' copies Fossify made (the same second, text and media) and take their
    // place, so the vault holds exactly the original archive (docs/dedup.md, "What a format cannot carry").
    const sbr = await exportSbr(v, { kinds: ALL }, { outDir: tempDir(), split: 0 });
    const smsie = await exportSmsIe(v, { kinds: ALL }, { outDir: tempDir() });
    const all = await vault();
    await importAll(all, [...fossify.files, ...smsie.files, ...sbr.files].map((f) => f.path));
    const merged = await dumpVault(all);
    expect(merged.calls).toEqual(dump.calls);
    expect(merged.messages.length).toBe(dump.messages.length);
    expect(await strictKeys(all)).toEqual(await strictKeys(v));
    // And the Fossify file into the original vault adds nothing.
    for (const r of await importAll(v, fossify.files.map((f) => f.path))) expect(r.counts).toMatchObject({ new: 0, updated: 0 });
  }, 60_000);

  it('an sms-ie export of a vault imports into that vault as duplicates only, in any order with SBR', async () => {
    const { v } = await sbrArchive();
    const smsie = await exportSmsIe(v, { kinds: ALL }, { outDir: tempDir() });
    const sbr = await exportSbr(v, { kinds: ALL }, { outDir: tempDir(), split: 0 });
    const a = await vault();
    await importAll(a, [...smsie.files, ...sbr.files].map((f) => f.path));
    const b = await vault();
    await importAll(b, [...sbr.files, ...smsie.files].map((f) => f.path));
    expect(await dumpVault(a)).toEqual(await dumpVault(b));
    expect(fs.existsSync(smsie.files[0]?.path ?? '')).toBe(true);
  }, 60_000);
});
