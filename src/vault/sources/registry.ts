/**
 * The sources of a vault and their health, kept in the control database: what each source is,
 * when it last ran, succeeded or failed, and the newest message it delivered.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ControlSchema, SourcesTable } from '../../store/control-schema.js';
import { nextRun, parseSchedule, defaultSchedule } from './schedule.js';
import { parseSourceConfig, publicImapConfig, type FolderConfig, type ImapConfig, type PublicImapConfig } from './source-config.js';
import { DEFAULT_EXPECTED_INTERVAL_MS, SourceConfigError, type SourceKind } from './source-options.js';

export type ControlDb = Kysely<ControlSchema>;

export interface SourceHealth {
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** When the source next runs on its own (null: continuous or push). */
  nextRunAt: string | null;
  /** Newest message date in any backup this source delivered. */
  newestMessageAt: string | null;
  /** When it last delivered a backup the vault did not have yet. */
  lastDeliveryAt: string | null;
}

export interface Source {
  id: number;
  name: string;
  kind: SourceKind;
  /** Never a secret: an IMAP source's sealed password shows as `passwordStored`. */
  config: FolderConfig | PublicImapConfig | Record<string, never>;
  schedule: string;
  expectedIntervalMs: number;
  enabled: boolean;
  createdAt: string;
  health: SourceHealth;
}

/** A source (or a device token, which feeds one) that is not there: the API's 404. */
export class SourceNotFoundError extends Error {
  override readonly name = 'SourceNotFoundError';
  constructor(ref: string | number, what: 'source' | 'token' = 'source') {
    super(what === 'source' ? `no source "${ref}": see textvault source list` : `no active token "${ref}": see textvault token list`);
  }
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function sourceFromRow(r: Selectable<SourcesTable>, now = Date.now()): Source {
  const kind = r.kind as SourceKind;
  const next = r.enabled === 1 ? nextRun(r.schedule, now) : null;
  const config = parseSourceConfig(kind, JSON.parse(r.config_json));
  return {
    id: r.id,
    name: r.name,
    kind,
    config: kind === 'imap' ? publicImapConfig(config as ImapConfig) : (config as FolderConfig | Record<string, never>),
    schedule: r.schedule,
    expectedIntervalMs: r.expected_interval_ms,
    enabled: r.enabled === 1,
    createdAt: new Date(r.created_at).toISOString(),
    health: {
      lastRunAt: iso(r.last_run_at),
      lastSuccessAt: iso(r.last_success_at),
      lastError: r.last_error,
      lastErrorAt: iso(r.last_error_at),
      nextRunAt: iso(next),
      newestMessageAt: iso(r.newest_message_ms),
      lastDeliveryAt: iso(r.last_delivery_at),
    },
  };
}

export interface NewSource {
  name: string;
  kind: SourceKind;
  config: unknown;
  schedule?: string;
  expectedIntervalMs?: number;
}

export async function addSource(db: ControlDb, input: NewSource, now = Date.now()): Promise<Source> {
  const name = input.name.trim();
  if (name === '') throw new SourceConfigError('a source needs a name');
  if (/^\d+$/.test(name)) throw new SourceConfigError(`"${name}" cannot be a source name: numbers stand for source ids`);
  const config = parseSourceConfig(input.kind, input.config);
  const schedule = parseSchedule(input.kind, input.schedule ?? defaultSchedule(input.kind));
  const expected = input.expectedIntervalMs ?? DEFAULT_EXPECTED_INTERVAL_MS;
  if (!(expected > 0)) throw new SourceConfigError('the expected interval between backups must be longer than zero');
  const existing = await db.selectFrom('sources').select('id').where('name', '=', name).executeTakeFirst();
  if (existing !== undefined) throw new SourceConfigError(`a source named "${name}" exists already (#${existing.id}); pick another name or remove it first`);
  const row = await db
    .insertInto('sources')
    .values({
      name,
      kind: input.kind,
      config_json: JSON.stringify(config),
      schedule,
      expected_interval_ms: expected,
      enabled: 1,
      created_at: now,
      last_run_at: null,
      last_success_at: null,
      last_error: null,
      last_error_at: null,
      newest_message_ms: null,
      last_delivery_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return sourceFromRow(row, now);
}

export async function listSources(db: ControlDb, now = Date.now()): Promise<Source[]> {
  const rows = await db.selectFrom('sources').selectAll().orderBy('id').execute();
  return rows.map((r) => sourceFromRow(r, now));
}

/** A source by id (a number, or digits) or by name. */
export async function findSource(db: ControlDb, ref: string | number, now = Date.now()): Promise<Source> {
  const q = db.selectFrom('sources').selectAll();
  const row =
    typeof ref === 'number' || /^\d+$/.test(ref)
      ? await q.where('id', '=', Number(ref)).executeTakeFirst()
      : await q.where('name', '=', ref).executeTakeFirst();
  if (row === undefined) throw new SourceNotFoundError(ref);
  return sourceFromRow(row, now);
}

/** An IMAP source's whole config, its sealed password included: for the process that polls it, never for display. */
export async function imapSourceConfig(db: ControlDb, id: number): Promise<ImapConfig> {
  const row = await db.selectFrom('sources').select(['kind', 'config_json', 'name']).where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new SourceNotFoundError(id);
  if (row.kind !== 'imap') throw new SourceConfigError(`source "${row.name}" is not an IMAP mailbox`);
  return parseSourceConfig('imap', JSON.parse(row.config_json)) as ImapConfig;
}

/**
 * Gives an IMAP source a new password, already sealed (mailbox.ts sealImapPassword); it replaces
 * a password file or variable the command line had set.
 */
export async function setSourcePassword(db: ControlDb, ref: string | number, sealedPassword: string, now = Date.now()): Promise<Source> {
  const source = await findSource(db, ref, now);
  if (source.kind !== 'imap') throw new SourceConfigError(`"${source.name}" is a ${source.kind} source: only IMAP mailboxes have a password`);
  const { passwordFile: _file, passwordEnv: _env, unconfirmedServerRefs, ...rest } = await imapSourceConfig(db, source.id);
  // A certificate file set before the upgrade still waits for the admin's confirmation.
  const held = unconfirmedServerRefs === true && rest.caFile !== undefined ? { unconfirmedServerRefs } : {};
  const config = parseSourceConfig('imap', { ...rest, ...held, sealedPassword });
  await db.updateTable('sources').set({ config_json: JSON.stringify(config) }).where('id', '=', source.id).execute();
  return findSource(db, source.id, now);
}

/**
 * An admin on the server vouches for the files and variables an IMAP source names (held by the
 * upgrade, control migration 0014): the source runs again. Command line only.
 */
export async function confirmServerRefs(db: ControlDb, ref: string | number, now = Date.now()): Promise<{ source: Source; names: string[] }> {
  const source = await findSource(db, ref, now);
  if (source.kind !== 'imap') throw new SourceConfigError(`"${source.name}" is a ${source.kind} source: only IMAP mailboxes name files or variables of the server`);
  const { unconfirmedServerRefs: _held, ...rest } = await imapSourceConfig(db, source.id);
  const names = [
    ...(rest.passwordFile === undefined ? [] : [`password file ${rest.passwordFile}`]),
    ...(rest.passwordEnv === undefined ? [] : [`environment variable ${rest.passwordEnv}`]),
    ...(rest.caFile === undefined ? [] : [`certificate file ${rest.caFile}`]),
  ];
  await db.updateTable('sources').set({ config_json: JSON.stringify(parseSourceConfig('imap', rest)) }).where('id', '=', source.id).execute();
  return { source: await findSource(db, source.id, now), names };
}

/**
 * Pauses (false) or resumes (true) a source: a paused folder or mailbox is neither watched nor
 * polled (SourceService reloads on the change), a paused upload device's uploads are refused,
 * and a paused source raises no alert (evaluateAlerts clears an open one). `runNow` still runs it.
 */
export async function setSourceEnabled(db: ControlDb, ref: string | number, enabled: boolean, now = Date.now()): Promise<Source> {
  const source = await findSource(db, ref, now);
  await db.updateTable('sources').set({ enabled: enabled ? 1 : 0 }).where('id', '=', source.id).execute();
  return findSource(db, source.id, now);
}

/** Removes a source, its tokens and its alerts; what it imported stays in the vault. */
export async function removeSource(db: ControlDb, ref: string | number): Promise<Source> {
  const source = await findSource(db, ref);
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('api_tokens').where('source_id', '=', source.id).execute();
    await tx.deleteFrom('alerts').where('source_id', '=', source.id).execute();
    await tx.deleteFrom('folder_files').where('source_id', '=', source.id).execute();
    await tx.deleteFrom('sources').where('id', '=', source.id).execute();
  });
  return source;
}

/** A run (scan, poll, upload) started. */
export async function noteRun(db: ControlDb, id: number, now = Date.now()): Promise<void> {
  await db.updateTable('sources').set({ last_run_at: now }).where('id', '=', id).execute();
}

export async function noteError(db: ControlDb, id: number, error: string, now = Date.now()): Promise<void> {
  await db.updateTable('sources').set({ last_error: error, last_error_at: now }).where('id', '=', id).execute();
}

/**
 * A run succeeded. `delivered`: it brought a backup the vault did not have (not one skipped as
 * already imported), which is what keeps the "nothing new" alert away.
 */
export async function noteSuccess(db: ControlDb, id: number, outcome: { delivered: boolean; newestMessageMs?: number | null }, now = Date.now()): Promise<void> {
  const row = await db.selectFrom('sources').select(['newest_message_ms']).where('id', '=', id).executeTakeFirst();
  if (row === undefined) return;
  const newest = Math.max(row.newest_message_ms ?? 0, outcome.newestMessageMs ?? 0);
  await db
    .updateTable('sources')
    .set({
      last_success_at: now,
      last_error: null,
      last_error_at: null,
      newest_message_ms: newest > 0 ? newest : null,
      ...(outcome.delivered ? { last_delivery_at: now } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export interface RejectedFile {
  id: number;
  sourceId: number;
  path: string;
  originalName: string;
  reason: string;
  rejectedAt: string;
}

export async function addRejectedFile(db: ControlDb, r: { sourceId: number; path: string; originalName: string; reason: string }, now = Date.now()): Promise<void> {
  await db.insertInto('rejected_files').values({ source_id: r.sourceId, path: r.path, original_name: r.originalName, reason: r.reason, rejected_at: now }).execute();
}

/** Files a source could not import (unknown format), newest first, for the app to show. */
export async function listRejectedFiles(db: ControlDb, options: { sourceId?: number; limit?: number } = {}): Promise<RejectedFile[]> {
  let q = db.selectFrom('rejected_files').selectAll().orderBy('id', 'desc').limit(options.limit ?? 100);
  if (options.sourceId !== undefined) q = q.where('source_id', '=', options.sourceId);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, sourceId: r.source_id, path: r.path, originalName: r.original_name, reason: r.reason, rejectedAt: new Date(r.rejected_at).toISOString() }));
}
