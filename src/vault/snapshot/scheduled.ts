/**
 * The snapshot settings (`snapshot.*`, set by `textvault snapshot schedule`) and one scheduled
 * run with them. A failure is recorded (status.ts), so the Backups page and the alerts say it.
 */
import fs from 'node:fs';
import { parseDuration } from '../durations.js';
import type { Vault } from '../vault.js';
import { SnapshotError } from './errors.js';
import { openSnapshotFolder, type SnapshotKey } from './folder.js';
import { recordSnapshotFailure, snapshotHealth, SNAPSHOT_MAX_AGE_MS, type SnapshotHealth } from './status.js';
import { takeSnapshot, type SnapshotResult } from './take-snapshot.js';

export interface SnapshotSettings {
  /** null: not scheduled. */
  schedule: string | null;
  to: string | null;
  keep: number | undefined;
  passphraseFile: string | null;
  keyFile: string | null;
  maxAgeMs: number;
}

export async function snapshotSettings(vault: Vault): Promise<SnapshotSettings> {
  const get = async (k: string): Promise<string | null> => (await vault.config.get(`snapshot.${k}`)) ?? null;
  const schedule = await get('schedule');
  const keep = await get('keep');
  const maxAge = await get('max-age');
  return {
    schedule: schedule === null || schedule === 'off' ? null : schedule,
    to: await get('to'),
    keep: keep === null ? undefined : Number(keep),
    passphraseFile: await get('passphrase-file'),
    keyFile: await get('key-file'),
    maxAgeMs: (maxAge === null ? undefined : parseDuration(maxAge)) ?? SNAPSHOT_MAX_AGE_MS,
  };
}

/**
 * The snapshots' health as `status`, the banner and the notifiers judge it. Only scheduled
 * snapshots raise an alert: a vault backed up some other way (or once, by hand, to try it) is
 * not a problem to report every day; its health is still shown.
 */
export interface SnapshotWatch extends SnapshotHealth {
  scheduled: boolean;
  /** A folder is set (snapshot.to), so a snapshot can be taken now with the settings. */
  canRunNow: boolean;
  /** What to alert about, or null: the health's message when snapshots are scheduled and stale or failing. */
  alert: string | null;
}

export async function snapshotWatch(vault: Vault, now = Date.now()): Promise<SnapshotWatch> {
  const settings = await snapshotSettings(vault);
  const health = snapshotHealth(vault.dir, now, settings.maxAgeMs);
  const scheduled = settings.schedule !== null;
  const problem = health.state === 'stale' || health.state === 'failing';
  return { ...health, scheduled, canRunNow: settings.to !== null, alert: scheduled && problem ? health.message : null };
}

/** Takes a snapshot with the vault's settings; a failure is recorded and thrown. */
export async function runScheduledSnapshot(vault: Vault, now = new Date(), onFile?: (done: number, total: number) => void): Promise<SnapshotResult> {
  const s = await snapshotSettings(vault);
  try {
    if (s.to === null) throw new SnapshotError('no folder to take snapshots to: set one with textvault snapshot schedule WHEN --to DIR');
    const key: SnapshotKey | undefined =
      s.keyFile !== null ? { keyFile: s.keyFile } : s.passphraseFile !== null ? { passphrase: readPassphrase(s.passphraseFile) } : undefined;
    const repo = await openSnapshotFolder(s.to, { create: true, key: () => Promise.resolve(key) });
    return await takeSnapshot(vault.dir, repo, { keep: s.keep, now, ...(onFile === undefined ? {} : { onFile }) });
  } catch (e) {
    recordSnapshotFailure(vault.dir, { at: now.toISOString(), to: s.to ?? '(no folder set)', message: e instanceof Error ? e.message : String(e) });
    throw e;
  }
}

function readPassphrase(file: string): string {
  try {
    // One trailing newline is the editor's, not the passphrase's (as cli/passphrase.ts reads it).
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new SnapshotError(`cannot read the snapshot passphrase file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

