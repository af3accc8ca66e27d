/**
 * The vault's own record of its snapshots: the last one that completed and the last failure, in
 * `snapshot-status.json` in the vault folder (written by whichever process took them: the command
 * line, cron, a timer). Read by `textvault snapshot status` and the Backups page
 * (GET /api/snapshots/status), which say when a snapshot is overdue, like a quiet source.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SNAPSHOT_STATUS_FILE = 'snapshot-status.json';
/** A snapshot older than this is overdue (a daily snapshot missed for more than two days). */
export const SNAPSHOT_MAX_AGE_MS = 3 * 24 * 60 * 60 * 1000;

export interface SnapshotRecord {
  id: string;
  at: string;
  to: string;
  encrypted: boolean;
  bytes: number;
  addedBytes: number;
  seconds: number;
  counts: { messages: number; calls: number; blobs: number };
}

export interface SnapshotFailure {
  at: string;
  to: string;
  message: string;
}

export interface SnapshotStatus {
  last: SnapshotRecord | null;
  lastError: SnapshotFailure | null;
  /** The problem an alert was sent for (see alertKey), so each is notified once. */
  notified?: string | null;
}

export interface SnapshotHealth extends SnapshotStatus {
  /** never: no snapshot was ever taken; stale: the last is older than maxAge; failing: the last attempt failed. */
  state: 'ok' | 'never' | 'stale' | 'failing';
  /** What to tell the owner (null when all is well). */
  message: string | null;
}

export function readSnapshotStatus(vaultDir: string): SnapshotStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(vaultDir, SNAPSHOT_STATUS_FILE), 'utf8'));
  } catch {
    // None yet, or unreadable: as if no snapshot was recorded (the health says so).
    return { last: null, lastError: null };
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<SnapshotStatus>;
  return { last: o.last ?? null, lastError: o.lastError ?? null, notified: o.notified ?? null };
}

function write(vaultDir: string, status: SnapshotStatus): void {
  const file = path.join(vaultDir, SNAPSHOT_STATUS_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(status, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function recordSnapshot(vaultDir: string, record: SnapshotRecord): void {
  const before = readSnapshotStatus(vaultDir);
  write(vaultDir, { ...before, last: record });
}

export function recordSnapshotFailure(vaultDir: string, failure: SnapshotFailure): void {
  if (!fs.existsSync(vaultDir)) return;
  const before = readSnapshotStatus(vaultDir);
  write(vaultDir, { ...before, lastError: failure });
}

export function snapshotHealth(vaultDir: string, now = Date.now(), maxAgeMs = SNAPSHOT_MAX_AGE_MS): SnapshotHealth {
  const status = readSnapshotStatus(vaultDir);
  const { last, lastError } = status;
  const lastMs = last === null ? null : Date.parse(last.at);
  if (lastError !== null && (lastMs === null || Date.parse(lastError.at) > lastMs)) {
    const since = last === null ? 'no snapshot has completed yet' : `the last one that completed is from ${utc(last.at)}`;
    return { ...status, state: 'failing', message: `The last snapshot of the vault (to ${lastError.to}, ${utc(lastError.at)}) failed: ${lastError.message}. ${since[0]?.toUpperCase() ?? ''}${since.slice(1)}.` };
  }
  if (last === null || lastMs === null) return { ...status, state: 'never', message: 'No snapshot of the vault was ever taken: back it up with textvault snapshot --to DIR (README: Backing up Textvault).' };
  if (now - lastMs > maxAgeMs)
    return { ...status, state: 'stale', message: `No snapshot of the vault for ${howLong(now - lastMs)}: the last one was taken ${utc(last.at)} to ${last.to}. Check the timer or cron job that runs textvault snapshot.` };
  return { ...status, state: 'ok', message: null };
}

/** Which problem a health is (null when there is none to alert about): one alert each. */
export function alertKey(h: SnapshotHealth): string | null {
  if (h.state === 'stale') return `stale:${h.last?.id ?? ''}`;
  // Failing since the last success: one alert, however many runs fail until the next success.
  if (h.state === 'failing') return `failing:${h.last?.id ?? ''}`;
  return null;
}

export function recordNotified(vaultDir: string, key: string | null): void {
  write(vaultDir, { ...readSnapshotStatus(vaultDir), notified: key });
}

function howLong(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.max(1, Math.floor(ms / 3_600_000));
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

function utc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
