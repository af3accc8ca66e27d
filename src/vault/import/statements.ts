/**
 * The import hot path's statements, built with Kysely and run as prepared statements.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, DummyDriver, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { param, prepare, type Prepared } from '../../store/prepared.js';
import type { Schema } from '../../store/schema.js';

/** A Kysely instance that only compiles (never executes) SQLite SQL. */
const compiler = new Kysely<Schema>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

export interface StoredMessageRow {
  id: number;
  kind: 'sms' | 'mms';
  direction: string;
  date_ms: number;
  body: string | null;
  box: number | null;
  read: number | null;
  content_hash: Buffer;
  state_date: number;
}

export interface StoredCallRow {
  id: number;
  content_hash: Buffer;
  state_date: number;
}

const MESSAGE_SUMMARY = ['id', 'kind', 'direction', 'date_ms', 'body', 'box', 'read', 'content_hash', 'state_date'] as const;

const p = param;

export function importStatements(sqlite: BetterSqlite3.Database) {
  const q = compiler;
  const messageValues = {
    kind: p<'sms' | 'mms'>('kind'),
    conversation_id: p<number>('conversation_id'),
    date_ms: p<number>('date_ms'),
    date_sent_ms: p<number | null>('date_sent_ms'),
    direction: p<string>('direction'),
    box: p<number | null>('box'),
    address: p<string | null>('address'),
    body: p<string | null>('body'),
    read: p<number | null>('read'),
    attrs: p<string>('attrs'),
    has_addrs: p<number>('has_addrs'),
    strict_key: p<Buffer>('strict_key'),
    loose_key: p<Buffer>('loose_key'),
    content_hash: p<Buffer>('content_hash'),
    state_date: p<number>('state_date'),
  };
  return {
    messageByStrictKey: prepare<StoredMessageRow>(
      sqlite,
      q.selectFrom('messages').select(MESSAGE_SUMMARY).where('strict_key', '=', p<Buffer>('key')),
    ),
    messagesByLooseKey: prepare<StoredMessageRow>(
      sqlite,
      q.selectFrom('messages').select(MESSAGE_SUMMARY).where('loose_key', '=', p<Buffer>('key')).orderBy('id'),
    ),
    insertMessage: prepare(
      sqlite,
      q.insertInto('messages').values({
        ...messageValues,
        first_backup_id: p<number>('backup_id'),
        last_backup_id: p<number>('backup_id'),
      }),
    ),
    replaceMessage: prepare(
      sqlite,
      q
        .updateTable('messages')
        .set({ ...messageValues, last_backup_id: p<number>('backup_id') })
        .where('id', '=', p<number>('id')),
    ),
    touchMessage: prepare(sqlite, q.updateTable('messages').set({ last_backup_id: p<number>('backup_id') }).where('id', '=', p<number>('id'))),
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
      q.selectFrom('calls').select(['id', 'content_hash', 'state_date']).where('strict_key', '=', p<Buffer>('key')),
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
        content_hash: p<Buffer>('content_hash'),
        state_date: p<number>('state_date'),
        first_backup_id: p<number>('backup_id'),
        last_backup_id: p<number>('backup_id'),
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
          content_hash: p<Buffer>('content_hash'),
          state_date: p<number>('state_date'),
          last_backup_id: p<number>('backup_id'),
        })
        .where('id', '=', p<number>('id')),
    ),
    touchCall: prepare(sqlite, q.updateTable('calls').set({ last_backup_id: p<number>('backup_id') }).where('id', '=', p<number>('id'))),
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
  } satisfies Record<string, Prepared<unknown>>;
}

export type ImportStatements = ReturnType<typeof importStatements>;
