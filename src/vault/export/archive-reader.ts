/**
 * Reads the archive back as records, in date order, streaming: the export pipelines iterate
 * these and never hold the selection in memory.
 */
import type { SelectQueryBuilder } from 'kysely';
import type { AddrRecord, Attrs, CallRecord, MessageRecord, MediaDamage, PartRecord } from '../../formats/records.js';
import { param, prepare } from '../../store/prepared.js';
import type { Schema } from '../../store/schema.js';
import type { Vault } from '../vault.js';
import type { ResolvedSelection } from './selection.js';

interface MessageRow {
  id: number;
  kind: 'sms' | 'mms';
  attrs: string;
  has_addrs: number;
}

interface PartRow {
  attrs: string;
  blob_sha256: string | null;
  size: number | null;
  damage: string | null;
  raw_data: string | null;
}


export class ArchiveReader {
  constructor(private readonly vault: Vault) {}

  private messageQuery(sel: ResolvedSelection): SelectQueryBuilder<Schema, 'messages', object> | undefined {
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

  private callQuery(sel: ResolvedSelection): SelectQueryBuilder<Schema, 'calls', object> | undefined {
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

  /** Messages of the selection, SMS and MMS interleaved by date. */
  *messages(sel: ResolvedSelection): Generator<MessageRecord> {
    const q = this.messageQuery(sel);
    if (q === undefined) return;
    const sqlite = this.vault.store.sqlite;
    const rows = prepare<MessageRow>(sqlite, q.select(['id', 'kind', 'attrs', 'has_addrs']).orderBy('date_ms').orderBy('id'));
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
      const attrs = JSON.parse(r.attrs) as Attrs;
      const position = { line: 0, column: 0, index: index++ };
      if (r.kind === 'sms') {
        yield { kind: 'sms', attrs, position };
        continue;
      }
      yield {
        kind: 'mms',
        attrs,
        parts: parts.all({ id: r.id }).map(toPart),
        addrs: r.has_addrs ? addrs.all({ id: r.id }).map((a): AddrRecord => ({ attrs: JSON.parse(a.attrs) as Attrs })) : null,
        position,
      };
    }
  }

  *calls(sel: ResolvedSelection): Generator<CallRecord> {
    const q = this.callQuery(sel);
    if (q === undefined) return;
    const rows = prepare<{ attrs: string }>(this.vault.store.sqlite, q.select('attrs').orderBy('date_ms').orderBy('id'));
    let index = 0;
    for (const r of rows.statement.iterate(...rows.bind())) {
      yield { kind: 'call', attrs: JSON.parse(r.attrs) as Attrs, position: { line: 0, column: 0, index: index++ } };
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
