/**
 * Reads the archive back as records, in date order, streaming: the export pipelines iterate
 * these and never hold the selection in memory.
 */
import type { SelectQueryBuilder } from 'kysely';
import type { AddrRecord, Attrs, CallRecord, MessageRecord, MediaDamage, PartRecord, SmsRecord, SourcePosition } from '../../formats/records.js';
import { decodeStoredAttrs, storedAttributeText } from '../stored-attrs.js';
import { param, prepare } from '../../store/prepared.js';
import type { Schema } from '../../store/schema.js';
import type { Vault } from '../vault.js';
import type { ResolvedSelection } from './selection.js';

interface MessageRow {
  id: number;
  kind: 'sms' | 'mms';
  attrs: string;
  has_addrs: number;
  conversation_id: number;
  date_ms: number;
  direction: string;
  body: string | null;
}

/** A stored message with what the vault derived from it (for exports that show both). */
export interface MessageEntry {
  record: MessageRecord;
  conversationId: number;
  dateMs: number;
  direction: string;
  text: string;
}

interface PartRow {
  attrs: string;
  blob_sha256: string | null;
  size: number | null;
  damage: string | null;
  raw_data: string | null;
}

const NO_POSITION = { line: 0, column: 0, index: 0 };

/**
 * A stored SMS: its attributes are decoded only when asked for. The SBR export never asks: it
 * copies the stored attribute text (SmsRecord.attrText).
 */
class StoredSms implements SmsRecord {
  readonly kind = 'sms';
  readonly attrText: string | undefined;
  private decoded: Attrs | undefined;

  constructor(
    private readonly stored: string,
    readonly position: SourcePosition,
  ) {
    this.attrText = storedAttributeText(stored);
  }

  get attrs(): Attrs {
    this.decoded ??= decodeStoredAttrs(this.stored);
    return this.decoded;
  }
}

/** A place in the date order of messages: this message and everything after it. */
export interface MessageCursor {
  dateMs: number;
  id: number;
}

export class ArchiveReader {
  constructor(private readonly vault: Vault) {}

  /** The selection's messages, for the other export readers to select from. */
  messageQuery(sel: ResolvedSelection): SelectQueryBuilder<Schema, 'messages', object> | undefined {
    const kinds = (['sms', 'mms'] as const).filter((k) => sel.kinds.has(k));
    if (kinds.length === 0) return undefined;
    let q = this.vault.db.selectFrom('messages').where('kind', 'in', kinds);
    if (sel.since !== undefined) q = q.where('date_ms', '>=', sel.since);
    if (sel.until !== undefined) q = q.where('date_ms', '<', sel.until);
    if (sel.conversationIds !== undefined) {
      if (sel.conversationIds.length === 0) return undefined;
      q = q.where('conversation_id', 'in', sel.conversationIds);
    }
    return q;
  }

  callQuery(sel: ResolvedSelection): SelectQueryBuilder<Schema, 'calls', object> | undefined {
    if (!sel.kinds.has('calls') || (sel.conversationIds !== undefined && sel.addresses === undefined)) return undefined;
    let q = this.vault.db.selectFrom('calls');
    if (sel.since !== undefined) q = q.where('date_ms', '>=', sel.since);
    if (sel.until !== undefined) q = q.where('date_ms', '<', sel.until);
    if (sel.addresses !== undefined) q = q.where('number_norm', 'in', sel.addresses);
    return q;
  }

  countMessages(sel: ResolvedSelection): number {
    const q = this.messageQuery(sel);
    if (q === undefined) return 0;
    return prepare<{ n: number }>(this.vault.store.sqlite, q.select((eb) => eb.fn.countAll<number>().as('n'))).get()?.n ?? 0;
  }

  countCalls(sel: ResolvedSelection): number {
    const q = this.callQuery(sel);
    if (q === undefined) return 0;
    return prepare<{ n: number }>(this.vault.store.sqlite, q.select((eb) => eb.fn.countAll<number>().as('n'))).get()?.n ?? 0;
  }

  /** Messages of the selection, SMS and MMS interleaved by date (from `from` on, when given). */
  *messages(sel: ResolvedSelection, from?: MessageCursor): Generator<MessageRecord> {
    for (const e of this.entries(sel, from)) yield e.record;
  }

  /** Where the message `offset` places into the selection's date order is (undefined past the end). */
  messageAt(sel: ResolvedSelection, offset: number): MessageCursor | undefined {
    const q = this.messageQuery(sel);
    if (q === undefined) return undefined;
    const row = prepare<{ date_ms: number; id: number }>(this.vault.store.sqlite, q.select(['date_ms', 'id']).orderBy('date_ms').orderBy('id').limit(1).offset(offset)).get();
    return row === undefined ? undefined : { dateMs: row.date_ms, id: row.id };
  }

  /** Messages of the selection with their derived columns, in date order (from `from` on, when given). */
  *entries(sel: ResolvedSelection, from?: MessageCursor): Generator<MessageEntry> {
    let q = this.messageQuery(sel);
    if (q === undefined) return;
    // date_ms alone keeps the date index usable; the few rows of that date before `from` are skipped below.
    if (from !== undefined) q = q.where('date_ms', '>=', from.dateMs);
    const sqlite = this.vault.store.sqlite;
    const rows = prepare<MessageRow>(sqlite, q.select(['id', 'kind', 'attrs', 'has_addrs', 'conversation_id', 'date_ms', 'direction', 'body']).orderBy('date_ms').orderBy('id'));
    const parts = prepare<PartRow>(
      sqlite,
      this.vault.db
        .selectFrom('mms_parts')
        .select(['attrs', 'blob_sha256', 'size', 'damage', 'raw_data'])
        .where('message_id', '=', param<number>('id'))
        .orderBy('position'),
    );
    const addrs = prepare<{ attrs: string }>(
      sqlite,
      this.vault.db.selectFrom('mms_addrs').select('attrs').where('message_id', '=', param<number>('id')).orderBy('position'),
    );
    let index = 0;
    for (const r of rows.statement.iterate(...rows.bind())) {
      if (from !== undefined && r.date_ms === from.dateMs && r.id < from.id) continue;
      const position = { ...NO_POSITION, index: index++ };
      const meta = { conversationId: r.conversation_id, dateMs: r.date_ms, direction: r.direction, text: r.body ?? '' };
      if (r.kind === 'sms') {
        yield { record: new StoredSms(r.attrs, position), ...meta };
        continue;
      }
      const record: MessageRecord = {
        kind: 'mms',
        attrs: decodeStoredAttrs(r.attrs),
        parts: parts.all({ id: r.id }).map(toPart),
        addrs: r.has_addrs ? addrs.all({ id: r.id }).map((a): AddrRecord => ({ attrs: JSON.parse(a.attrs) as Attrs })) : null,
        position,
      };
      yield { record, ...meta };
    }
  }

  *calls(sel: ResolvedSelection): Generator<CallRecord> {
    for (const c of this.callEntries(sel)) yield c.record;
  }

  /** Calls of the selection in date order, with their normalised number. */
  *callEntries(sel: ResolvedSelection): Generator<{ record: CallRecord; numberNorm: string; number: string | null; dateMs: number; durationS: number | null; type: number | null }> {
    const q = this.callQuery(sel);
    if (q === undefined) return;
    const rows = prepare<{ attrs: string; number: string | null; number_norm: string; date_ms: number; duration_s: number | null; type: number | null }>(
      this.vault.store.sqlite,
      q.select(['attrs', 'number', 'number_norm', 'date_ms', 'duration_s', 'type']).orderBy('date_ms').orderBy('id'),
    );
    let index = 0;
    for (const r of rows.statement.iterate(...rows.bind())) {
      yield {
        record: { kind: 'call', attrs: JSON.parse(r.attrs) as Attrs, position: { ...NO_POSITION, index: index++ } },
        numberNorm: r.number_norm,
        number: r.number,
        dateMs: r.date_ms,
        durationS: r.duration_s,
        type: r.type,
      };
    }
  }
}

function toPart(p: PartRow): PartRecord {
  const part: PartRecord = { attrs: JSON.parse(p.attrs) as Attrs };
  if (p.blob_sha256 !== null) part.media = { sha256: p.blob_sha256, size: p.size ?? 0 };
  if (p.damage !== null) part.damage = p.damage as MediaDamage;
  if (p.raw_data !== null) part.rawData = p.raw_data;
  return part;
}
