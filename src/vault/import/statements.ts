/**
 * The import hot path's statements, built with Kysely and run as prepared statements.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { param, prepare, preparePositional, preparePositionalValue, sqliteCompiler, type Positional, type Prepared } from '../../store/prepared.js';
import type { Schema } from '../../store/schema.js';
import type { Utf8Text } from './prepare-record.js';

const compiler = sqliteCompiler<Schema>();

/** What deciding between an incoming message and its stored copy needs. */
export interface StoredCopy {
  message_id: number;
  content_hash: Buffer;
  state_date: number;
  rank: number;
  /**
   * Compared for SMS (their content_hash is empty), as the UTF-8 bytes SQLite holds: most of an
   * all-duplicates import is this comparison, and turning each stored text into a JavaScript
   * string first cost more than comparing the bytes.
   */
  attrs: Buffer;
}

/** A candidate for option-based (loose) matching. */
export interface LooseCandidateRow extends StoredCopy {
  kind: 'sms' | 'mms';
  direction: string;
  body: string | null;
  media_signature: string | null;
  strict_key: Buffer;
  date_ms: number;
}

export interface StoredCallRow {
  id: number;
  attrs: string;
  state_date: number;
}

/** The columns every message binds, in this order, after its conversation. */
type MessageColumns = [
  dateMs: number,
  dateSentMs: number | null,
  direction: string,
  box: number | null,
  address: Utf8Text | null,
  body: Utf8Text | null,
  read: number | null,
  attrs: Utf8Text,
];

/**
 * messages' columns in the order insertMessage binds them; the id is the one the writer took
 * (nextMessageId). The import's backup and state date are in the statement (ImportRun).
 */
type InsertMessageArgs = [
  id: number,
  kind: 'sms' | 'mms',
  conversationId: number,
  ...MessageColumns,
  hasAddrs: number,
  strictKey: Buffer,
  mediaSignature: string | null,
  contentHash: Buffer,
  rank: number,
];

/** Ids as a JSON array, expanded by SQLite's json_each: one statement touches thousands of rows. */
const idList = (name: string) => sql<number>`(SELECT value FROM json_each(${param<string>(name)}))`;

const p = param;

/** One parameter name per position of a statement's arguments. */
type ParamNames<Args extends unknown[]> = { [K in keyof Args]: string };

/**
 * A text column's value, bound as a string or as its UTF-8 bytes (Utf8Text, as records arrive
 * from the reader worker): bytes are bound as a blob and CAST to text, which SQLite takes as
 * they are, so the import thread never converts the string to UTF-8 itself.
 */
const utf8 = (name: string) => sql<string>`CAST(${param<Utf8Text>(name)} AS TEXT)`;

/** messages.attrs as its UTF-8 bytes (StoredCopy.attrs). */
const attrsBytes = sql<Buffer>`CAST(attrs AS BLOB)`.as('attrs');

/** A stored message as matching compares it (LooseCandidateRow): loose matching and archive-writer.ts twinOf. */
const CANDIDATE_COLUMNS = [
  'messages.id as message_id',
  'content_hash',
  'state_date',
  'rank',
  attrsBytes,
  'kind',
  'direction',
  'body',
  'media_signature',
  'strict_key',
  'date_ms',
] as const;

/**
 * An SMS's columns in the order insertSms binds them: what an SMS does not have (parts,
 * addresses, media, a content hash) and what is the same for the whole import (its backup and
 * state date) are in the statement itself, 7 values fewer to bind per message.
 */
type InsertSmsArgs = [id: number, conversationId: number, ...MessageColumns, strictKey: Buffer, rank: number];

/**
 * What is the same for every row one import writes: its backup (first and last sighting) and
 * the backup's date (state_date). The statements carry them as literals, never bound per row.
 */
export interface ImportRun {
  backupId: number;
  /** The backup's own date (ArchiveWriter). */
  stateDate: number;
}

export function importStatements(sqlite: BetterSqlite3.Database, run: ImportRun) {
  const q = compiler;
  const backupId = sql.lit(run.backupId);
  const stateDate = sql.lit(run.stateDate);
  const messageValues = {
    kind: p<'sms' | 'mms'>('kind'),
    conversation_id: p<number>('conversation_id'),
    date_ms: p<number>('date_ms'),
    date_sent_ms: p<number | null>('date_sent_ms'),
    direction: p<string>('direction'),
    box: p<number | null>('box'),
    address: utf8('address'),
    body: utf8('body'),
    read: p<number | null>('read'),
    attrs: utf8('attrs'),
    has_addrs: p<number>('has_addrs'),
    strict_key: p<Buffer>('strict_key'),
    media_signature: p<string | null>('media_signature'),
    content_hash: p<Buffer>('content_hash'),
    state_date: stateDate,
    rank: p<number>('rank'),
  };
  const insertMessage = q.insertInto('messages').values({
    id: p<number>('id'),
    ...messageValues,
    first_backup_id: backupId,
    last_backup_id: backupId,
  });
  const insertOrder: ParamNames<InsertMessageArgs> = ['id', 'kind', 'conversation_id', 'date_ms', 'date_sent_ms', 'direction', 'box', 'address', 'body', 'read', 'attrs', 'has_addrs', 'strict_key', 'media_signature', 'content_hash', 'rank'];
  const insertSms = q.insertInto('messages').values({
    id: p<number>('id'),
    ...messageValues,
    kind: sql.lit('sms'),
    has_addrs: sql.lit(0),
    media_signature: sql.lit(null),
    // SMS are compared by their attributes, not a hash (migration 0008): the empty blob.
    content_hash: sql<Buffer>`x''`,
    first_backup_id: backupId,
    last_backup_id: backupId,
  });
  const smsOrder: ParamNames<InsertSmsArgs> = ['id', 'conversation_id', 'date_ms', 'date_sent_ms', 'direction', 'box', 'address', 'body', 'read', 'attrs', 'strict_key', 'rank'];
  return {
    /** The id AUTOINCREMENT would give the next message: never one a deleted message had. */
    nextMessageId: prepare<{ id: number }>(
      sqlite,
      q.selectNoFrom(
        sql<number>`max(coalesce((SELECT max(id) FROM messages), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)) + 1`.as('id'),
      ),
    ),
    storedByKey: preparePositional<[key: Buffer], StoredCopy>(
      sqlite,
      q
        .selectFrom('messages')
        .select(['id as message_id', 'content_hash', 'state_date', 'rank', attrsBytes])
        .where('strict_key', '=', p<Buffer>('key')),
      ['key'],
    ),
    /**
     * The id of the stored message with this key, negated when it holds exactly the incoming
     * content (an SMS the same attributes, an MMS the same content hash): what every duplicate
     * of an import needs, as one number instead of a row and a copy of the stored attributes
     * (an all-duplicates import spent ~1 us a message making those).
     */
    sameByKey: preparePositionalValue<[attrs: Utf8Text, hash: Buffer, key: Buffer], number>(
      sqlite,
      q
        .selectFrom('messages')
        .select(
          sql<number>`CASE WHEN (kind = 'sms' AND attrs = ${utf8('attrs')}) OR (kind = 'mms' AND content_hash = ${p<Buffer>('hash')}) THEN -id ELSE id END`.as('found'),
        )
        .where('strict_key', '=', p<Buffer>('key')),
      ['attrs', 'hash', 'key'],
    ),
    candidatesInRange: prepare<LooseCandidateRow>(
      sqlite,
      q
        .selectFrom('messages')
        .select(CANDIDATE_COLUMNS)
        .where('conversation_id', '=', p<number>('conversation_id'))
        .where('date_ms', '>=', p<number>('from'))
        .where('date_ms', '<=', p<number>('to'))
        .orderBy('id'),
    ),
    /** The MMS of one second, in any conversation, with their conversation's key (archive-writer.ts twinOf). */
    mmsInRange: prepare<LooseCandidateRow & { conversation_id: number; participants_key: string }>(
      sqlite,
      q
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select([...CANDIDATE_COLUMNS, 'conversation_id', 'participants_key'])
        .where('kind', '=', 'mms')
        .where('date_ms', '>=', p<number>('from'))
        .where('date_ms', '<=', p<number>('to'))
        .orderBy('messages.id'),
    ),
    /** A stored message's text: what the search index must be told to remove when it is replaced. */
    bodyById: preparePositional<[id: number], { body: string | null }>(sqlite, q.selectFrom('messages').select('body').where('id', '=', p<number>('id')), ['id']),
    insertMessage: preparePositional<InsertMessageArgs>(sqlite, insertMessage, insertOrder),
    /**
     * A message unless one with its key is there already (changes 0): most messages of an import
     * are new, so the insert is tried first and only a key that is there is looked up.
     */
    insertMessageIfNew: preparePositional<InsertMessageArgs>(
      sqlite,
      insertMessage.onConflict((oc) => oc.column('strict_key').doNothing()),
      insertOrder,
    ),
    insertSms: preparePositional<InsertSmsArgs>(sqlite, insertSms, smsOrder),
    /** insertSms unless a message with its key is there already (changes 0). */
    insertSmsIfNew: preparePositional<InsertSmsArgs>(
      sqlite,
      insertSms.onConflict((oc) => oc.column('strict_key').doNothing()),
      smsOrder,
    ),
    replaceMessage: prepare(
      sqlite,
      q
        .updateTable('messages')
        .set({ ...messageValues, last_backup_id: backupId })
        .where('id', '=', p<number>('id')),
    ),
    touchMessages: prepare(
      sqlite,
      q.updateTable('messages').set({ last_backup_id: backupId }).where('id', 'in', idList('ids')),
    ),
    deleteParts: prepare(sqlite, q.deleteFrom('mms_parts').where('message_id', '=', p<number>('id'))),
    deleteAddrs: prepare(sqlite, q.deleteFrom('mms_addrs').where('message_id', '=', p<number>('id'))),
    insertPart: prepare(
      sqlite,
      q.insertInto('mms_parts').values({
        message_id: p<number>('message_id'),
        position: p<number>('position'),
        attrs: p<string>('attrs'),
        content_type: p<string | null>('content_type'),
        blob_sha256: p<string | null>('blob_sha256'),
        size: p<number | null>('size'),
        damage: p<string | null>('damage'),
        raw_data: p<string | null>('raw_data'),
      }),
    ),
    insertAddr: prepare(
      sqlite,
      q.insertInto('mms_addrs').values({
        message_id: p<number>('message_id'),
        position: p<number>('position'),
        attrs: p<string>('attrs'),
        address: p<string | null>('address'),
        address_norm: p<string | null>('address_norm'),
        type: p<number | null>('type'),
      }),
    ),
    insertBlob: prepare(
      sqlite,
      q
        .insertInto('blobs')
        .values({ sha256: p<string>('sha256'), size: p<number>('size'), created_at: p<number>('created_at') })
        .onConflict((oc) => oc.column('sha256').doNothing()),
    ),
    conversationByKey: prepare<{ id: number }>(
      sqlite,
      q.selectFrom('conversations').select('id').where('participants_key', '=', p<string>('key')),
    ),
    insertConversation: prepare(
      sqlite,
      q.insertInto('conversations').values({ participants_key: p<string>('key'), is_group: p<number>('is_group') }),
    ),
    insertMember: prepare(
      sqlite,
      q.insertInto('conversation_members').values({
        conversation_id: p<number>('conversation_id'),
        address_norm: p<string>('address_norm'),
        position: p<number>('position'),
      }),
    ),
    callByStrictKey: prepare<StoredCallRow>(
      sqlite,
      q.selectFrom('calls').select(['id', 'attrs', 'state_date']).where('strict_key', '=', p<Buffer>('key')),
    ),
    insertCall: prepare(
      sqlite,
      q.insertInto('calls').values({
        number: p<string | null>('number'),
        number_norm: p<string>('number_norm'),
        date_ms: p<number>('date_ms'),
        duration_s: p<number | null>('duration_s'),
        type: p<number | null>('type'),
        attrs: p<string>('attrs'),
        strict_key: p<Buffer>('strict_key'),
        state_date: stateDate,
        first_backup_id: backupId,
        last_backup_id: backupId,
      }),
    ),
    replaceCall: prepare(
      sqlite,
      q
        .updateTable('calls')
        .set({
          number: p<string | null>('number'),
          duration_s: p<number | null>('duration_s'),
          type: p<number | null>('type'),
          attrs: p<string>('attrs'),
          state_date: stateDate,
          last_backup_id: backupId,
        })
        .where('id', '=', p<number>('id')),
    ),
    touchCalls: prepare(
      sqlite,
      q.updateTable('calls').set({ last_backup_id: backupId }).where('id', 'in', idList('ids')),
    ),
    contactNamedAt: prepare<{ named_at: number }>(
      sqlite,
      q.selectFrom('contacts').select('named_at').where('address_norm', '=', p<string>('address_norm')),
    ),
    upsertContact: prepare(
      sqlite,
      q
        .insertInto('contacts')
        .values({ address_norm: p<string>('address_norm'), name: p<string>('name'), named_at: p<number>('named_at') })
        .onConflict((oc) =>
          oc.column('address_norm').doUpdateSet({ name: p<string>('name'), named_at: p<number>('named_at') }),
        ),
    ),
  } satisfies Record<string, Prepared<unknown> | Positional<never[], unknown> | { get(...args: never[]): unknown }>;
}

export type ImportStatements = ReturnType<typeof importStatements>;
