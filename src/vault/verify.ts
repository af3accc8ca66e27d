/**
 * Checks that the archive is whole: the database passes SQLite's own checks and every media
 * blob it references is on disk with exactly the bytes its name promises.
 */
import { sql } from 'kysely';
import { param, prepare } from '../store/prepared.js';
import { checkDerived, type DerivedCheck } from './media/derived-upkeep.js';
import type { Vault } from './vault.js';

const CONCURRENT_CHECKS = 8;

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  checked: { messages: number; calls: number; blobs: number; bytes: number };
  /** Media made for the browser (vault/media): rebuildable, so never a problem, counted apart. */
  derived: DerivedCheck;
  /** Blob files no record points to: left by an interrupted import; harmless. */
  unreferencedBlobs: number;
  /** Media packs no index row refers to (an import stopped between writing and committing them). */
  unindexedPacks: number;
  seconds: number;
}

export async function verifyVault(vault: Vault, onBlob?: (done: number, total: number) => void): Promise<VerifyReport> {
  const started = Date.now();
  const problems: string[] = [];
  const db = vault.db;

  const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db);
  for (const r of integrity.rows) if (r.integrity_check !== 'ok') problems.push(`database: ${r.integrity_check}`);
  const fk = await sql<{ table: string; rowid: number; parent: string }>`PRAGMA foreign_key_check`.execute(db);
  for (const r of fk.rows) problems.push(`database: ${r.table} row ${r.rowid} points to a missing ${r.parent} row`);
  try {
    await sql`INSERT INTO message_fts(message_fts, rank) VALUES ('integrity-check', 0)`.execute(db);
  } catch (e) {
    problems.push(`search index: ${(e as Error).message} (rebuild it by re-importing)`);
  }

  const missingRows = await db
    .selectFrom('mms_parts')
    .leftJoin('blobs', 'blobs.sha256', 'mms_parts.blob_sha256')
    .where('mms_parts.blob_sha256', 'is not', null)
    .where('blobs.sha256', 'is', null)
    .select(['mms_parts.message_id', 'mms_parts.blob_sha256'])
    .execute();
  for (const r of missingRows) problems.push(`media ${r.blob_sha256 ?? ''} of message ${r.message_id} is not registered in the blob table`);
  const missingPhotos = await db
    .selectFrom('contacts')
    .leftJoin('blobs', 'blobs.sha256', 'contacts.photo_sha256')
    .where('contacts.photo_sha256', 'is not', null)
    .where('blobs.sha256', 'is', null)
    .select(['contacts.address_norm', 'contacts.photo_sha256'])
    .execute();
  for (const r of missingPhotos) problems.push(`photo ${r.photo_sha256 ?? ''} of contact ${r.address_norm} is not registered in the blob table`);

  // Keyset pages keep memory flat however many media files the vault holds.
  const total = (await db.selectFrom('blobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
  const PAGE = 1_000;
  let bytes = 0;
  let done = 0;
  let after = '';
  for (;;) {
    const page = await db.selectFrom('blobs').select(['sha256', 'size']).where('sha256', '>', after).orderBy('sha256').limit(PAGE).execute();
    // A few files at a time: reading and hashing overlap across libuv's thread pool.
    for (let i = 0; i < page.length; i += CONCURRENT_CHECKS) {
      const batch = page.slice(i, i + CONCURRENT_CHECKS);
      const checks = await Promise.all(batch.map((b) => vault.blobs.check(b.sha256, b.size)));
      batch.forEach((b, j) => {
        const check = checks[j];
        if (check === undefined) return;
        if (check.status === 'missing') problems.push(`media ${b.sha256} is missing from ${vault.blobs.describe(b.sha256)}`);
        else if (check.status === 'corrupt')
          problems.push(`media ${b.sha256} is damaged: its bytes hash to ${check.actual} (${check.size} bytes, expected ${b.size})`);
        else bytes += check.size;
        onBlob?.(++done, total);
      });
    }
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    after = last.sha256;
  }
  const registered = prepare<{ one: number }>(vault.store.sqlite, db.selectFrom('blobs').select(sql<number>`1`.as('one')).where('sha256', '=', param<string>('sha')));
  const derivedNamed = prepare<{ one: number }>(vault.store.sqlite, db.selectFrom('derived_media').select(sql<number>`1`.as('one')).where('sha256', '=', param<string>('sha')));
  let unreferenced = 0;
  for await (const name of vault.blobs.list()) if (registered.get({ sha: name }) === undefined && derivedNamed.get({ sha: name }) === undefined) unreferenced++;
  const derived = await checkDerived(vault);

  const messages = (await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
  const calls = (await db.selectFrom('calls').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
  return {
    ok: problems.length === 0,
    problems,
    checked: { messages, calls, blobs: total, bytes },
    derived,
    unreferencedBlobs: unreferenced,
    unindexedPacks: vault.blobs.packs?.unindexedPacks().length ?? 0,
    seconds: (Date.now() - started) / 1000,
  };
}
