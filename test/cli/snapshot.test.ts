/**
 * `textvault snapshot` / `restore` as real processes: while an import runs, and killed (SIGKILL).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { dumpVault, type VaultDump } from '../../src/vault/dump.js';
import { BULK_JOURNAL_MIN_BYTES } from '../../src/vault/import/import-backup.js';
import { importFile } from '../../src/vault/import/import-backup.js';
import { openSnapshotFolder } from '../../src/vault/snapshot/folder.js';
import { takeSnapshot } from '../../src/vault/snapshot/take-snapshot.js';
import { Vault } from '../../src/vault/vault.js';
import { CLI, cli, cliAsync, NODE_FLAGS } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

async function restoredDump(snaps: string, id: string, target: string): Promise<VaultDump> {
  const r = cli(['--vault', target, 'restore', '--from', snaps, '--snapshot', id]);
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('vault OK');
  expect(r.code).toBe(0);
  const vault = await Vault.open(target);
  try {
    return await dumpVault(vault);
  } finally {
    await vault.close();
  }
}

function snapshotIds(snaps: string): string[] {
  const r = cli(['snapshot', 'list', '--from', snaps, '--json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { id: string }[]).map((s) => s.id);
}

describe('textvault snapshot', () => {
  it('taken while imports run, restores to the vault as it was before or after each import, never between', async () => {
    const dir = tempDir();
    const files: string[] = [];
    for (const seed of [11, 12, 13]) {
      const file = path.join(dir, `sms-${seed}.xml`);
      await writeSmsBackup(file, { seed, sms: 4000, mms: 60, mediaBytes: 30_000 });
      files.push(file);
    }
    const vault = await Vault.open(path.join(dir, 'vault'), { create: true });
    const snaps = path.join(dir, 'snaps');
    const dumps: VaultDump[] = [await dumpVault(vault)];
    const state = { importing: true };
    const taken: string[] = [];
    const snapshots = (async () => {
      while (state.importing) {
        const r = await cliAsync(['--vault', vault.dir, 'snapshot', '--to', snaps, '--json']);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        taken.push((JSON.parse(r.stdout) as { id: string }).id);
      }
    })();
    try {
      for (const file of files) {
        await importFile(vault, file);
        dumps.push(await dumpVault(vault));
      }
    } finally {
      state.importing = false;
      await snapshots;
      await vault.close();
    }
    expect(taken.length).toBeGreaterThanOrEqual(2);
    const seen = new Set<number>();
    for (const [i, id] of taken.entries()) {
      const dump = await restoredDump(snaps, id, path.join(dir, `restored-${i}`));
      const at = dumps.findIndex((d) => JSON.stringify(d) === JSON.stringify(dump));
      expect(at, `snapshot ${id} holds ${dump.messages.length} messages, a state between imports`).toBeGreaterThanOrEqual(0);
      seen.add(at);
    }
    // The snapshots did run during the imports, not only before or after them.
    expect(seen.size).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('killed (SIGKILL) at any moment leaves the earlier snapshots whole, and the next run completes', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sms.xml');
    await writeSmsBackup(file, { seed: 5, sms: 2000, mms: 400, mediaBytes: 60_000 });
    const vault = path.join(dir, 'vault');
    expect(cli(['--vault', vault, 'import', file]).code).toBe(0);
    const snaps = path.join(dir, 'snaps');
    const first = cli(['--vault', vault, 'snapshot', '--to', snaps, '--keep', '2']);
    expect(first.code).toBe(0);
    const before = snapshotIds(snaps);
    expect(before).toHaveLength(1);
    const more = path.join(dir, 'more.xml');
    await writeSmsBackup(more, { seed: 6, sms: 2000, mms: 400, mediaBytes: 60_000 });
    expect(cli(['--vault', vault, 'import', more]).code).toBe(0);

    let kills = 0;
    for (const ms of [60, 150, 300, 500]) {
      const killed = await new Promise<boolean>((resolve) => {
        const child = spawn(process.execPath, [...NODE_FLAGS, CLI, '--vault', vault, 'snapshot', '--to', snaps, '--keep', '2'], { stdio: 'ignore' });
        let exited = false;
        child.on('exit', () => {
          exited = true;
        });
        setTimeout(() => {
          const k = !exited && child.kill('SIGKILL');
          if (exited) resolve(false);
          else child.on('close', () => { resolve(k); });
        }, ms);
      });
      if (killed) kills++;
      // Whatever the kill interrupted, the snapshots there are whole.
      const check = cli(['snapshot', 'verify', '--from', snaps, '--all']);
      expect(check.stdout).not.toContain('PROBLEM');
      expect(check.code).toBe(0);
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    // The first snapshot is only gone if two later runs completed before their kill (--keep 2).
    const now = snapshotIds(snaps);
    expect(now.includes(before[0] ?? '') || now.length === 2).toBe(true);
    const last = cli(['--vault', vault, 'snapshot', '--to', snaps, '--keep', '2']);
    expect(last.stderr).toBe('');
    expect(last.code).toBe(0);
    const ids = snapshotIds(snaps);
    expect(ids).toHaveLength(2);
    const check = cli(['snapshot', 'verify', '--from', snaps, '--all']);
    expect(check.code).toBe(0);
    const open = await Vault.open(vault);
    let expected: VaultDump;
    try {
      expected = await dumpVault(open);
    } finally {
      await open.close();
    }
    expect(await restoredDump(snaps, ids[1] ?? '', path.join(dir, 'restored'))).toEqual(expected);
  }, 120_000);

  it('keeps textvault gc (another process) from removing or compacting media while it copies them', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sms.xml');
    await writeSmsBackup(file, { seed: 8, sms: 300, mms: 40, mediaBytes: 20_000 });
    const vault = path.join(dir, 'vault');
    expect(cli(['--vault', vault, 'import', file]).code).toBe(0);
    const snaps = path.join(dir, 'snaps');
    let gcEndedDuringSnapshot = false;
    let gc: Promise<{ code: number | null; stderr: string }> | undefined;
    const result = await takeSnapshot(vault, await openSnapshotFolder(snaps, { create: true }), {
      afterDatabases: async () => {
        const running = cliAsync(['--vault', vault, 'gc', '--json']);
        gc = running;
        running.then(() => (gcEndedDuringSnapshot = true), () => undefined);
        await new Promise((r) => setTimeout(r, 2000));
      },
    });
    expect(gcEndedDuringSnapshot).toBe(false);
    const ran = await gc;
    expect(ran?.stderr).toBe('');
    expect(ran?.code).toBe(0);
    const open = await Vault.open(vault);
    let expected: VaultDump;
    try {
      expected = await dumpVault(open);
    } finally {
      await open.close();
    }
    expect(await restoredDump(snaps, result.id, path.join(dir, 'restored'))).toEqual(expected);
  }, 60_000);

  it('encrypts with --passphrase-file; restore and verify refuse a wrong passphrase, naming the folder', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sms.xml');
    await writeSmsBackup(file, { seed: 9, sms: 100, mms: 10, mediaBytes: 5_000 });
    const vault = path.join(dir, 'vault');
    expect(cli(['--vault', vault, 'import', file]).code).toBe(0);
    const snaps = path.join(dir, 'snaps');
    const pass = path.join(dir, 'pass');
    fs.writeFileSync(pass, 'a long passphrase\n');
    const wrong = path.join(dir, 'wrong');
    fs.writeFileSync(wrong, 'not it\n');
    const made = cli(['--vault', vault, 'snapshot', '--to', snaps, '--passphrase-file', pass]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const noKey = cli(['snapshot', 'verify', '--from', snaps]);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain(`the snapshots in ${snaps} are encrypted`);
    const bad = cli(['--vault', path.join(dir, 'restored'), 'restore', '--from', snaps, '--passphrase-file', wrong]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`wrong passphrase for the snapshots in ${snaps}`);
    expect(fs.existsSync(path.join(dir, 'restored'))).toBe(false);
    expect(cli(['snapshot', 'verify', '--from', snaps, '--passphrase-file', pass]).code).toBe(0);
    const ok = cli(['--vault', path.join(dir, 'restored'), 'restore', '--from', snaps, '--passphrase-file', pass]);
    expect(ok.stdout).toContain('vault OK');
    expect(ok.code).toBe(0);
    // A failed snapshot is recorded: `snapshot status` (and the Backups page) says so until one succeeds.
    expect(cli(['--vault', vault, 'snapshot', 'status']).code).toBe(0);
    expect(cli(['--vault', vault, 'snapshot', '--to', snaps, '--passphrase-file', wrong]).code).toBe(1);
    const failing = cli(['--vault', vault, 'snapshot', 'status']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain(`failed: wrong passphrase for the snapshots in ${snaps}`);
    expect(cli(['--vault', vault, 'snapshot', '--to', snaps, '--passphrase-file', pass]).code).toBe(0);
    expect(cli(['--vault', vault, 'snapshot', 'status']).stdout).toContain('snapshots OK');
  }, 60_000);

  it('waits for an import that has the archive to itself (rollback journal), without holding it up', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.xml');
    await writeSmsBackup(file, { seed: 21, sms: 60_000, mms: 100, mediaBytes: 20_000 });
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(BULK_JOURNAL_MIN_BYTES);
    const vault = path.join(dir, 'vault');
    const small = path.join(dir, 'small.xml');
    await writeSmsBackup(small, { seed: 22, sms: 50, mms: 5, mediaBytes: 5_000 });
    expect(cli(['--vault', vault, 'import', small]).code).toBe(0);
    const dumpOf = async (): Promise<VaultDump> => {
      const v = await Vault.open(vault);
      try {
        return await dumpVault(v);
      } finally {
        await v.close();
      }
    };
    const before = await dumpOf();
    const importing = cliAsync(['--vault', vault, 'import', '--json', file]);
    // Started once the import is under way (and has the file in rollback-journal mode).
    await new Promise((r) => setTimeout(r, 1200));
    const snaps = path.join(dir, 'snaps');
    const snap = await cliAsync(['--vault', vault, 'snapshot', '--to', snaps, '--json']);
    const imported = await importing;
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(snap.stderr).toBe('');
    expect(snap.code).toBe(0);
    const after = await dumpOf();
    const dump = await restoredDump(snaps, (JSON.parse(snap.stdout) as { id: string }).id, path.join(dir, 'restored'));
    // Before the import or after it, never between.
    expect([JSON.stringify(before), JSON.stringify(after)]).toContain(JSON.stringify(dump));
  }, 120_000);

  it('snapshot schedule stores the settings textvault serve runs snapshots with; off stops them', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sms.xml');
    await writeSmsBackup(file, { seed: 4, sms: 10, mms: 0 });
    const vault = path.join(dir, 'vault');
    expect(cli(['--vault', vault, 'import', file]).code).toBe(0);
    const missing = cli(['--vault', vault, 'snapshot', 'schedule', 'daily']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--to DIR');
    const key = path.join(dir, 'key');
    fs.writeFileSync(key, Buffer.alloc(32, 7));
    const set = cli(['--vault', vault, 'snapshot', 'schedule', 'daily', '--to', 'snaps', '--keep', '7', '--key-file', key, '--json']);
    expect(set.stderr).toBe('');
    expect(JSON.parse(set.stdout)).toMatchObject({ schedule: 'daily', to: path.resolve('snaps'), keep: 7, keyFile: key, passphraseFile: null });
    const bad = cli(['--vault', vault, 'snapshot', 'schedule', 'sometimes']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not a snapshot schedule');
    const off = cli(['--vault', vault, 'snapshot', 'schedule', 'off']);
    expect(off.stdout).toBe(`scheduled snapshots are off; Snapshot now (Backups page) takes one to ${path.resolve('snaps')}\n`);
  }, 60_000);

  it('status shows the last snapshot, and alerts (exit 1) only when scheduled snapshots fail', () => {
    const dir = tempDir();
    const vault = path.join(dir, 'vault');
    const snaps = path.join(dir, 'snaps');
    expect(cli(['--vault', vault, 'import', path.resolve('test/fixtures/sbr/sms-threads.xml')]).code).toBe(0);
    const none = cli(['--vault', vault, 'status']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('snapshots of the vault: none yet (not scheduled): textvault snapshot --to DIR');
    expect(cli(['--vault', vault, 'snapshot', '--to', snaps]).code).toBe(0);
    const taken = cli(['--vault', vault, 'status', '--json']);
    expect(taken.code).toBe(0);
    expect(JSON.parse(taken.stdout)).toMatchObject({ snapshots: { state: 'ok', scheduled: false, alert: null, last: { to: snaps } } });

    // Scheduled to a folder that cannot be made: the failed run is an alert, and status says so.
    const blocker = path.join(dir, 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    expect(cli(['--vault', vault, 'snapshot', 'schedule', 'daily', '--to', path.join(blocker, 'snaps')]).code).toBe(0);
    expect(cli(['--vault', vault, 'snapshot', '--to', path.join(blocker, 'snaps')]).code).toBe(1);
    const failing = cli(['--vault', vault, 'status']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^ALERT: The last snapshot of the vault \(to .*a-file\/snaps, .*\) failed: /m);
    expect(failing.stdout).not.toContain('OK: every source');
    expect(failing.stdout).toMatch(/^snapshots of the vault: last .* UTC to .*\/snaps \(scheduled\); the last attempt failed /m);
  }, 60_000);
});
