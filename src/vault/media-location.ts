/**
 * Where a vault keeps its media: the embedded `blobs/` folder (the default) or an S3-compatible
 * bucket (`--media s3://bucket/prefix`, issue 24). The choice is made when the vault gets its
 * first media and is recorded in the archive, so every later process (serve, daemon, an export's
 * worker) opens the same store without being told again. Only the bucket, prefix, endpoint and
 * region are recorded; the keys come from the environment (AWS_ACCESS_KEY_ID, ...) or the AWS
 * SDK's own chain at each start, never from the database.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { MediaStoreLocation, S3MediaLocation } from '../blobs/media-store.js';
import { localMediaLocation } from '../blobs/open-media-store.js';
import { parseS3Url, s3Location, S3ConfigError } from '../blobs/s3/s3-location.js';
import type { Schema } from '../store/schema.js';

/** The archive's config row naming an S3 media store (absent: the embedded folder). */
export const MEDIA_LOCATION_KEY = 'media.location';

/**
 * Blobs staged for upload wait here (s3-location.ts `spoolDir`): local, beside the archive, and
 * not in its `tmp/`, which every import empties as it starts, after the store is open (a blob
 * over the in-memory bound then had no folder to spool to). The S3 store removes what an
 * interrupted import left here (MediaStore.beginImport).
 */
const SPOOL_DIR = 'media-spool';

/** What is recorded: enough to find the bucket again, nothing secret. */
interface StoredMediaLocation {
  url: string;
  endpoint?: string;
  region?: string;
}

/** A media location that cannot be used for this vault; the message says what to do. */
export class MediaLocationError extends Error {
  override readonly name = 'MediaLocationError';
}

/** `s3://bucket/prefix` written one way, whatever slashes it was given with. */
function normalUrl(url: string): string {
  return urlOf(parseS3Url(url));
}

/** The bucket URL a stored `media.location` value names. */
export function storedMediaUrl(value: string): string {
  return parseStored(value).url;
}

function parseStored(value: string): StoredMediaLocation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const o = parsed as Partial<StoredMediaLocation> | undefined;
  if (typeof o?.url !== 'string') throw new MediaLocationError(`the archive's ${MEDIA_LOCATION_KEY} setting is damaged (${value.slice(0, 80)}); run textvault verify`);
  return { url: o.url, ...(typeof o.endpoint === 'string' ? { endpoint: o.endpoint } : {}), ...(typeof o.region === 'string' ? { region: o.region } : {}) };
}

/** The S3 location `url` names for the vault in `dir` (settings from `env`); nothing recorded. */
export function targetMediaLocation(dir: string, url: string, env: NodeJS.ProcessEnv = process.env): S3MediaLocation {
  if (!url.startsWith('s3://')) throw new MediaLocationError(`--media ${JSON.stringify(url)}: give an S3 location, s3://BUCKET/PREFIX (without --media, media stay in the vault folder)`);
  return s3Location(normalUrl(url), { spoolDir: path.join(dir, SPOOL_DIR) }, env);
}

function urlOf(location: Pick<S3MediaLocation, 'bucket' | 'prefix'>): string {
  return location.prefix === '' ? `s3://${location.bucket}` : `s3://${location.bucket}/${location.prefix}`;
}

/** Where a vault's media are, as a user reads it: the bucket's URL, or its folder. */
export function describeMediaLocation(location: MediaStoreLocation): string {
  return location.backend === 'local' ? `its folder (${location.dir})` : urlOf(location);
}

/**
 * Records that the vault's media are at `location`: its bucket, prefix, endpoint and region (the
 * ones in force now, so that a process started later without them in its environment still finds
 * the bucket), never its keys.
 */
export async function recordMediaLocation(db: Kysely<Schema>, location: S3MediaLocation): Promise<void> {
  const record: StoredMediaLocation = { url: urlOf(location), ...(location.endpoint === undefined ? {} : { endpoint: location.endpoint }), region: location.region };
  const value = JSON.stringify(record);
  await db
    .insertInto('config')
    .values({ key: MEDIA_LOCATION_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

async function storedLocation(db: Kysely<Schema>): Promise<StoredMediaLocation | undefined> {
  const row = await db.selectFrom('config').select('value').where('key', '=', MEDIA_LOCATION_KEY).executeTakeFirst();
  return row === undefined ? undefined : parseStored(row.value);
}

/**
 * The media location of the vault in `dir`. `requested` is what the command line or
 * TEXTVAULT_MEDIA asked for (an `s3://` URL), if anything: recorded when the vault has no media
 * yet, checked against the record otherwise.
 */
export async function resolveMediaLocation(db: Kysely<Schema>, dir: string, requested: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<MediaStoreLocation> {
  const stored = await storedLocation(db);
  if (requested !== undefined && requested !== '') {
    const target = targetMediaLocation(dir, requested, env);
    const wanted = urlOf(target);
    if (stored !== undefined && normalUrl(stored.url) !== wanted) {
      throw new MediaLocationError(`this vault keeps its media in ${stored.url}, not ${wanted}: leave out --media (the vault remembers where its media are)`);
    }
    if (stored === undefined) {
      const held = await db.selectFrom('blobs').select('sha256').limit(1).executeTakeFirst();
      if (held !== undefined) {
        throw new MediaLocationError(
          `this vault already keeps media in its own folder (${localMediaLocation(dir).dir}): to move them to ${wanted}, run textvault migrate --media ${wanted}`,
        );
      }
      await recordMediaLocation(db, target);
      return target;
    }
  }
  if (stored === undefined) return localMediaLocation(dir);
  try {
    return s3Location(stored.url, { spoolDir: path.join(dir, SPOOL_DIR), ...(stored.endpoint === undefined ? {} : { endpoint: stored.endpoint }), ...(stored.region === undefined ? {} : { region: stored.region }) }, env);
  } catch (e) {
    if (e instanceof S3ConfigError) throw new MediaLocationError(`this vault keeps its media in ${stored.url}: ${e.message}`);
    throw e;
  }
}

/**
 * Before an import writes media: a process that opened the vault before `migrate --media` moved
 * its media would otherwise keep writing to the old store, where no other process looks.
 */
export async function assertMediaLocationCurrent(db: Kysely<Schema>, current: MediaStoreLocation): Promise<void> {
  const stored = await storedLocation(db);
  const now = stored === undefined ? 'local' : normalUrl(stored.url);
  const mine = current.backend === 'local' ? 'local' : urlOf(current);
  if (now !== mine) {
    throw new MediaLocationError(`this vault's media moved to ${now === 'local' ? 'its folder' : now} after this process opened it: restart it (textvault serve, daemon) so that it writes there`);
  }
}
