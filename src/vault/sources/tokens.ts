/**
 * Per-device API tokens for the upload endpoint. A token is shown once when created and only
 * its SHA-256 is stored: the control database leaking does not let anyone upload. Each token
 * feeds an `upload` source of the same name, whose health says when that device last sent a backup.
 */
import { createHash, randomBytes } from 'node:crypto';
import { addSource, SourceNotFoundError, type ControlDb } from './registry.js';
import { SourceConfigError } from './source-options.js';

export interface ApiToken {
  id: number;
  name: string;
  sourceId: number;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface TokenOwner {
  tokenId: number;
  name: string;
  sourceId: number;
  /** False while the device's source is paused (registry.setSourceEnabled): its uploads are refused. */
  sourceEnabled: boolean;
}

const PREFIX = 'tv_';

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Creates a token for a device; returns the token itself (shown once) and its record. */
export async function createToken(db: ControlDb, name: string, now = Date.now()): Promise<{ token: string; record: ApiToken }> {
  const clean = name.trim();
  if (clean === '') throw new SourceConfigError('a token needs a name, e.g. --name "Pixel 8"');
  let source = await db.selectFrom('sources').select(['id', 'kind']).where('name', '=', clean).executeTakeFirst();
  if (source !== undefined && source.kind !== 'upload') {
    throw new SourceConfigError(`"${clean}" is already the name of a ${source.kind} source; give the device's token another name`);
  }
  source ??= await addSource(db, { name: clean, kind: 'upload', config: {} }, now);
  // 32 random bytes: guessing is hopeless, so a plain hash (no salt, no slow KDF) is enough.
  const token = PREFIX + randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('api_tokens')
    .values({ name: clean, token_sha256: hashToken(token), source_id: source.id, created_at: now, last_used_at: null, revoked_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, record: toToken(row) };
}

function toToken(r: { id: number; name: string; source_id: number; created_at: number; last_used_at: number | null; revoked_at: number | null }): ApiToken {
  return {
    id: r.id,
    name: r.name,
    sourceId: r.source_id,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at).toISOString(),
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at).toISOString(),
  };
}

export async function listTokens(db: ControlDb): Promise<ApiToken[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('id').execute();
  return rows.map(toToken);
}

/** Revokes a token by id or name; it stops working at once. */
export async function revokeToken(db: ControlDb, ref: string, now = Date.now()): Promise<ApiToken> {
  const q = db.selectFrom('api_tokens').selectAll().where('revoked_at', 'is', null);
  const rows = /^\d+$/.test(ref) ? await q.where('id', '=', Number(ref)).execute() : await q.where('name', '=', ref).execute();
  if (rows.length === 0) throw new SourceNotFoundError(ref, 'token');
  if (rows.length > 1) throw new SourceConfigError(`several active tokens are named "${ref}": revoke one by its id (textvault token list)`);
  const row = rows[0];
  if (row === undefined) throw new SourceConfigError(`no active token "${ref}"`);
  await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', row.id).execute();
  return toToken({ ...row, revoked_at: now });
}

/** The device a presented token belongs to, or undefined when it is unknown or revoked. */
export async function checkToken(db: ControlDb, token: string, now = Date.now()): Promise<TokenOwner | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 200) return undefined;
  // Looked up by hash: the secret itself is never compared, so there is no timing to measure.
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('sources', 'sources.id', 'api_tokens.source_id')
    .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.source_id', 'sources.enabled'])
    .where('api_tokens.token_sha256', '=', hashToken(token))
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  return { tokenId: row.id, name: row.name, sourceId: row.source_id, sourceEnabled: row.enabled === 1 };
}
