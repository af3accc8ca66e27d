/**
 * Which archive is whose (docs/architecture.md, "Households"): every account owns one archive, a
 * vault folder of its own; an owner may share it read-only with other accounts. The table lives
 * in the home vault's control database; each archive's own folder holds its messages, media,
 * jobs, sources and tokens, so nothing of one archive is reachable from another's files.
 */
import path from 'node:path';
import type { ControlStore } from '../../store/database.js';

export const HOME_ARCHIVE_ID = 1;
/** Where archives other than the home one live, inside the home folder. */
export const ARCHIVES_DIR = 'archives';

export interface ArchiveRef {
  id: number;
  /** The archive's vault folder, absolute. */
  dir: string;
  ownerId: number | null;
}

/** An archive as one account may open it. */
export interface ArchiveAccess extends ArchiveRef {
  /** True for an archive shared with the account (browse, search, export; nothing that changes it). */
  readOnly: boolean;
  ownerName: string | null;
}

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

/** The folder of an archive row: `.` is the home folder; anything else must stay inside it. */
export function archiveFolder(home: string, dir: string): string {
  const abs = path.resolve(home, dir);
  const root = path.resolve(home);
  if (abs !== root && !abs.startsWith(path.join(root, ARCHIVES_DIR) + path.sep)) throw new ArchiveError(`archive folder ${dir} is outside ${root}/${ARCHIVES_DIR}: the control database was edited by hand`);
  return abs;
}

/** An archives row as the rest of the code sees it: its folder absolute and checked. */
const refOf = (home: string, r: { id: number; dir: string; owner_id: number | null }): ArchiveRef => ({ id: r.id, dir: archiveFolder(home, r.dir), ownerId: r.owner_id });

export async function listArchives(control: ControlStore, home: string): Promise<ArchiveRef[]> {
  const rows = await control.db.selectFrom('archives').select(['id', 'dir', 'owner_id']).orderBy('id').execute();
  return rows.map((r) => refOf(home, r));
}

/** Archives whose owner may use them now (not disabled): the ones device tokens and sources work for. */
export async function activeArchives(control: ControlStore, home: string): Promise<ArchiveRef[]> {
  const rows = await control.db
    .selectFrom('archives')
    .leftJoin('users', 'users.id', 'archives.owner_id')
    .select(['archives.id', 'archives.dir', 'archives.owner_id'])
    .where('users.disabled_at', 'is', null)
    .orderBy('archives.id')
    .execute();
  return rows.map((r) => refOf(home, r));
}

export async function getArchive(control: ControlStore, home: string, id: number): Promise<ArchiveRef | undefined> {
  const r = await control.db.selectFrom('archives').select(['id', 'dir', 'owner_id']).where('id', '=', id).executeTakeFirst();
  return r === undefined ? undefined : refOf(home, r);
}

/** The account's own archive. */
export async function ownArchiveOf(control: ControlStore, home: string, userId: number): Promise<ArchiveAccess | undefined> {
  const r = await control.db
    .selectFrom('archives')
    .innerJoin('users', 'users.id', 'archives.owner_id')
    .select(['archives.id', 'archives.dir', 'archives.owner_id', 'users.username'])
    .where('archives.owner_id', '=', userId)
    .executeTakeFirst();
  return r === undefined ? undefined : { ...refOf(home, r), ownerName: r.username, readOnly: false };
}

/** Archives shared with the account (only `archiveId` when given), by owner name. */
async function sharedWith(control: ControlStore, home: string, userId: number, archiveId?: number): Promise<ArchiveAccess[]> {
  let q = control.db
    .selectFrom('shares')
    .innerJoin('archives', 'archives.id', 'shares.archive_id')
    .innerJoin('users', 'users.id', 'archives.owner_id')
    .select(['archives.id', 'archives.dir', 'archives.owner_id', 'users.username'])
    .where('shares.user_id', '=', userId)
    // A disabled owner's archive is closed to everyone it was shared with too.
    .where('users.disabled_at', 'is', null);
  if (archiveId !== undefined) q = q.where('archives.id', '=', archiveId);
  const rows = await q.orderBy('users.username').execute();
  return rows.map((r) => ({ ...refOf(home, r), ownerName: r.username, readOnly: true }));
}

/** Every archive an account may open: its own first, then those shared with it, by owner name. */
export async function archivesOf(control: ControlStore, home: string, userId: number): Promise<ArchiveAccess[]> {
  const own = await ownArchiveOf(control, home, userId);
  return [...(own === undefined ? [] : [own]), ...(await sharedWith(control, home, userId))];
}

/**
 * The archive an account looks at: `wanted` when it may open it, else its own. Runs on every
 * request (the guard): one indexed lookup for a session on its own archive, two on a share.
 */
export async function pickArchive(control: ControlStore, home: string, userId: number, wanted: number | null): Promise<ArchiveAccess | undefined> {
  const own = await ownArchiveOf(control, home, userId);
  if (wanted === null || wanted === own?.id) return own;
  return (await sharedWith(control, home, userId, wanted))[0] ?? own;
}

/** A new archive row for an account (its folder is made when the archive is first opened). */
export async function addArchiveRow(control: Pick<ControlStore, 'db'>['db'], ownerId: number, now: number): Promise<number> {
  // The home archive of a vault made before its first account (by `import`) goes to that account.
  const orphanHome = await control.updateTable('archives').set({ owner_id: ownerId }).where('id', '=', HOME_ARCHIVE_ID).where('owner_id', 'is', null).executeTakeFirst();
  if (orphanHome.numUpdatedRows > 0n) return HOME_ARCHIVE_ID;
  const inserted = await control.insertInto('archives').values({ owner_id: ownerId, dir: `pending-${ownerId}`, created_at: now }).executeTakeFirstOrThrow();
  const id = Number(inserted.insertId);
  await control.updateTable('archives').set({ dir: `${ARCHIVES_DIR}/${id}` }).where('id', '=', id).execute();
  return id;
}

export async function shareArchive(control: ControlStore, archiveId: number, userId: number): Promise<void> {
  const archive = await control.db.selectFrom('archives').select('owner_id').where('id', '=', archiveId).executeTakeFirst();
  if (archive === undefined) throw new ArchiveError(`there is no archive ${archiveId}`);
  if (archive.owner_id === userId) throw new ArchiveError('an archive is always open to its owner: share it with someone else');
  await control.db.insertInto('shares').values({ archive_id: archiveId, user_id: userId, created_at: Date.now() }).onConflict((oc) => oc.doNothing()).execute();
}

/** Ends a share; the recipient's sessions looking at the archive fall back to their own at their next request. */
export async function unshareArchive(control: ControlStore, archiveId: number, userId: number): Promise<boolean> {
  const r = await control.db.deleteFrom('shares').where('archive_id', '=', archiveId).where('user_id', '=', userId).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Who an archive is shared with, by name. */
export async function sharesOf(control: ControlStore, archiveId: number): Promise<{ userId: number; username: string; since: number }[]> {
  const rows = await control.db
    .selectFrom('shares')
    .innerJoin('users', 'users.id', 'shares.user_id')
    .select(['users.id', 'users.username', 'shares.created_at'])
    .where('shares.archive_id', '=', archiveId)
    .orderBy('users.username')
    .execute();
  return rows.map((r) => ({ userId: r.id, username: r.username, since: r.created_at }));
}
