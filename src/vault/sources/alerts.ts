/**
 * "Never lose a text": an alert when a source has delivered nothing new for longer than its
 * expected interval (`stale`), and at once when a watched folder is missing or cannot be read
 * (`folder`: a typo, an unmounted drive, a sync tool that removed it; nothing can arrive from it,
 * so waiting for the interval would only lose days). An alert is raised once, stays open while
 * the cause lasts, and is cleared when it ends. The notifiers (e-mail, webhook) are
 * src/sources/notify/.
 */
import type { Selectable } from 'kysely';
import type { AlertsTable, SourcesTable } from '../../store/control-schema.js';
import type { ControlDb } from './registry.js';
import { formatDuration } from '../durations.js';
import { folderProblem } from './folder-policy.js';
import { parseSourceConfig, type FolderConfig } from './source-config.js';
import { countNoun } from '../../formats/plural.js';

export const ALERT_KINDS = ['stale', 'folder'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Alert {
  id: number;
  sourceId: number;
  sourceName: string;
  kind: AlertKind;
  message: string;
  raisedAt: string;
  clearedAt: string | null;
  notifiedAt: string | null;
}

function toAlert(r: Selectable<AlertsTable>, sourceName: string): Alert {
  return {
    id: r.id,
    sourceId: r.source_id,
    sourceName,
    kind: r.kind === 'folder' ? 'folder' : 'stale',
    message: r.message,
    raisedAt: new Date(r.raised_at).toISOString(),
    clearedAt: r.cleared_at === null ? null : new Date(r.cleared_at).toISOString(),
    notifiedAt: r.notified_at === null ? null : new Date(r.notified_at).toISOString(),
  };
}

function days(ms: number): string {
  const d = ms / 86_400_000;
  return d >= 1 ? countNoun(Math.floor(d), 'day') : countNoun(Math.max(1, Math.floor(ms / 3_600_000)), 'hour');
}

function folderConfigOf(s: Selectable<SourcesTable>): FolderConfig {
  return parseSourceConfig('folder', JSON.parse(s.config_json)) as FolderConfig;
}

function folderPathOf(s: Selectable<SourcesTable>): string {
  return s.kind === 'folder' ? folderConfigOf(s).path : '';
}

/** Why an enabled folder source's folder cannot be watched now, or undefined. */
function folderSourceProblem(s: Selectable<SourcesTable>): string | undefined {
  if (s.kind !== 'folder' || s.enabled !== 1) return undefined;
  const config = folderConfigOf(s);
  return folderProblem(config.path, { writable: config.afterImport !== 'keep' });
}

/**
 * Raises alerts for sources that went quiet or whose folder is gone, and clears those whose
 * cause ended. Each kind is judged on its own: a source may have both open.
 */
export async function evaluateAlerts(db: ControlDb, now = Date.now()): Promise<{ raised: Alert[]; cleared: Alert[] }> {
  const sources = await db.selectFrom('sources').selectAll().execute();
  const open = await db.selectFrom('alerts').selectAll().where('cleared_at', 'is', null).execute();
  const raised: Alert[] = [];
  const cleared: Alert[] = [];
  /** Raises or clears one kind of alert of a source; true when it cleared one. */
  const judge = async (s: Selectable<SourcesTable>, kind: AlertKind, message: string | undefined): Promise<boolean> => {
    const openAlert = open.find((a) => a.source_id === s.id && (a.kind === 'folder' ? 'folder' : 'stale') === kind);
    if (message !== undefined && openAlert === undefined) {
      const row = await db.insertInto('alerts').values({ source_id: s.id, kind, message, raised_at: now, cleared_at: null, notified_at: null }).returningAll().executeTakeFirstOrThrow();
      raised.push(toAlert(row, s.name));
    } else if (message === undefined && openAlert !== undefined) {
      const row = await db.updateTable('alerts').set({ cleared_at: now }).where('id', '=', openAlert.id).returningAll().executeTakeFirstOrThrow();
      cleared.push(toAlert(row, s.name));
      return true;
    }
    return false;
  };
  for (const s of sources) {
    // A source that never delivered is measured from when it was added.
    const since = s.last_delivery_at ?? s.created_at;
    const quiet = now - since;
    const stale = s.enabled === 1 && quiet > s.expected_interval_ms;
    let staleMessage: string | undefined;
    if (stale) {
      const last = s.last_delivery_at === null ? 'it has not delivered a backup since it was added' : `the last new backup arrived ${new Date(s.last_delivery_at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      const error = s.last_error === null ? '' : `; its last error: ${s.last_error}`;
      staleMessage =
        `No new backup from "${s.name}" for ${days(quiet)} (expected at least every ${formatDuration(s.expected_interval_ms)}): ${last}${error}. ` +
        'Check that the phone still backs up and that the backups reach the vault.';
    }
    await judge(s, 'stale', staleMessage);
    const problem = folderSourceProblem(s);
    let folderMessage: string | undefined;
    if (problem !== undefined) {
      folderMessage =
        `The watched folder of "${s.name}" is unusable: ${problem}. Nothing is imported from it until this is fixed: ` +
        `restore or remount the folder, fix its permissions, or remove the source (textvault source remove ${s.id}) and add the right folder.`;
      // The Sources page's "last error" says it too, until a run succeeds again.
      if (s.last_error !== problem) await db.updateTable('sources').set({ last_error: problem, last_error_at: now }).where('id', '=', s.id).execute();
    }
    const folderCleared = await judge(s, 'folder', folderMessage);
    // The folder is back: the error its alert wrote is no longer true.
    if (folderCleared && s.last_error !== null && s.last_error.startsWith(`${folderPathOf(s)} `)) {
      await db.updateTable('sources').set({ last_error: null, last_error_at: null }).where('id', '=', s.id).execute();
    }
  }
  // Alerts of removed sources have nothing left to watch.
  for (const a of open) if (!sources.some((s) => s.id === a.source_id)) await db.updateTable('alerts').set({ cleared_at: now }).where('id', '=', a.id).execute();
  return { raised, cleared };
}

/** Open alerts, oldest first: what the app's banner and `textvault status` show. */
export async function activeAlerts(db: ControlDb): Promise<Alert[]> {
  const rows = await db
    .selectFrom('alerts')
    .innerJoin('sources', 'sources.id', 'alerts.source_id')
    .selectAll('alerts')
    .select('sources.name as source_name')
    .where('alerts.cleared_at', 'is', null)
    .orderBy('alerts.id')
    .execute();
  return rows.map((r) => toAlert(r, r.source_name));
}

/** Open alerts no notifier has been told about yet. */
export async function unnotifiedAlerts(db: ControlDb): Promise<Alert[]> {
  return (await activeAlerts(db)).filter((a) => a.notifiedAt === null);
}

export async function markNotified(db: ControlDb, id: number, now = Date.now()): Promise<void> {
  await db.updateTable('alerts').set({ notified_at: now }).where('id', '=', id).execute();
}
