/**
 * "Never lose a text": an alert when a source has delivered nothing new for longer than its
 * expected interval. An alert is raised once, stays open while the source is silent, and is
 * cleared when a backup arrives again. The notifiers (e-mail, webhook) are src/sources/notify/.
 */
import type { Selectable } from 'kysely';
import type { AlertsTable } from '../../store/control-schema.js';
import type { ControlDb } from './registry.js';
import { formatDuration } from '../durations.js';

export interface Alert {
  id: number;
  sourceId: number;
  sourceName: string;
  kind: 'stale';
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
    kind: 'stale',
    message: r.message,
    raisedAt: new Date(r.raised_at).toISOString(),
    clearedAt: r.cleared_at === null ? null : new Date(r.cleared_at).toISOString(),
    notifiedAt: r.notified_at === null ? null : new Date(r.notified_at).toISOString(),
  };
}

function days(ms: number): string {
  const d = ms / 86_400_000;
  return d >= 1 ? `${Math.floor(d)} day${Math.floor(d) === 1 ? '' : 's'}` : `${Math.max(1, Math.floor(ms / 3_600_000))} hour(s)`;
}

/** Raises alerts for sources that went quiet and clears those whose backups resumed. */
export async function evaluateAlerts(db: ControlDb, now = Date.now()): Promise<{ raised: Alert[]; cleared: Alert[] }> {
  const sources = await db.selectFrom('sources').selectAll().execute();
  const open = await db.selectFrom('alerts').selectAll().where('cleared_at', 'is', null).execute();
  const raised: Alert[] = [];
  const cleared: Alert[] = [];
  for (const s of sources) {
    const openAlert = open.find((a) => a.source_id === s.id);
    // A source that never delivered is measured from when it was added.
    const since = s.last_delivery_at ?? s.created_at;
    const quiet = now - since;
    const stale = s.enabled === 1 && quiet > s.expected_interval_ms;
    if (stale && openAlert === undefined) {
      const last = s.last_delivery_at === null ? 'it has not delivered a backup since it was added' : `the last new backup arrived ${new Date(s.last_delivery_at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      const error = s.last_error === null ? '' : `; its last error: ${s.last_error}`;
      const message =
        `No new backup from "${s.name}" for ${days(quiet)} (expected at least every ${formatDuration(s.expected_interval_ms)}): ${last}${error}. ` +
        'Check that the phone still backs up and that the backups reach the vault.';
      const row = await db.insertInto('alerts').values({ source_id: s.id, kind: 'stale', message, raised_at: now, cleared_at: null, notified_at: null }).returningAll().executeTakeFirstOrThrow();
      raised.push(toAlert(row, s.name));
    } else if (!stale && openAlert !== undefined) {
      const row = await db.updateTable('alerts').set({ cleared_at: now }).where('id', '=', openAlert.id).returningAll().executeTakeFirstOrThrow();
      cleared.push(toAlert(row, s.name));
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
