/**
 * Reads the selection as the views the human-facing exports show (export-view.ts): names from
 * the contacts, sender and recipients from direction and conversation, attachments from the MMS
 * parts. Streams messages; only conversations, their members and contact names (which grow with
 * the number of people, not of messages) are held in memory.
 */
import type {
  AttachmentView,
  CallType,
  CallView,
  ConversationView,
  MessageView,
  PersonView,
} from '../../formats/export-view.js';
import { param, prepare } from '../../store/prepared.js';
import type { Vault } from '../vault.js';
import { ArchiveReader } from './archive-reader.js';
import type { ResolvedSelection } from './selection.js';

interface MessageRow {
  id: number;
  kind: 'sms' | 'mms';
  conversation_id: number;
  date_ms: number;
  direction: string;
  body: string | null;
}

interface PartRow {
  attrs: string;
  content_type: string | null;
  blob_sha256: string | null;
  size: number | null;
}

const CALL_TYPES: Record<number, CallType> = { 1: 'incoming', 2: 'outgoing', 3: 'missed', 4: 'voicemail', 5: 'rejected', 6: 'blocked' };
/** MMS address type of the sender (PduHeaders.FROM). */
const MMS_FROM = 137;
const NAME_ATTRS = ['name', 'cl', 'fn'];

export class ViewReader {
  private readonly archive: ArchiveReader;
  private names: Map<string, string> | undefined;

  constructor(private readonly vault: Vault) {
    this.archive = new ArchiveReader(vault);
  }

  private person(address: string): PersonView {
    if (this.names === undefined) {
      const rows = prepare<{ address_norm: string; name: string }>(this.vault.store.sqlite, this.vault.db.selectFrom('contacts').select(['address_norm', 'name'])).all();
      this.names = new Map(rows.map((r) => [r.address_norm, r.name]));
    }
    return { address, name: this.names.get(address) ?? null };
  }

  /** Conversations with at least one selected message, oldest first activity first. */
  conversations(sel: ResolvedSelection): ConversationView[] {
    const q = this.archive.messageQuery(sel);
    if (q === undefined) return [];
    const sqlite = this.vault.store.sqlite;
    const rows = prepare<{ conversation_id: number; n: number; first: number; last: number }>(
      sqlite,
      q
        .select((eb) => ['conversation_id', eb.fn.countAll<number>().as('n'), eb.fn.min<number>('date_ms').as('first'), eb.fn.max<number>('date_ms').as('last')])
        .groupBy('conversation_id')
        .orderBy('first')
        .orderBy('conversation_id'),
    ).all();
    const members = prepare<{ address_norm: string; is_group: number }>(
      sqlite,
      this.vault.db
        .selectFrom('conversation_members')
        .innerJoin('conversations', 'conversations.id', 'conversation_members.conversation_id')
        .select(['address_norm', 'is_group'])
        .where('conversation_id', '=', param<number>('id'))
        .orderBy('position'),
    );
    return rows.map((r) => {
      const m = members.all({ id: r.conversation_id });
      return {
        id: r.conversation_id,
        members: m.map((x) => this.person(x.address_norm)),
        isGroup: m.some((x) => x.is_group === 1) || m.length > 1,
        messages: r.n,
        firstMs: r.first,
        lastMs: r.last,
      };
    });
  }

  /**
   * Selected messages in date order: all of them, or those of one conversation (`conversation`
   * must come from conversations(), whose members name the sender and recipients).
   */
  *messages(sel: ResolvedSelection, conversations: ReadonlyMap<number, ConversationView>, only?: number): Generator<MessageView> {
    let q = this.archive.messageQuery(sel);
    if (q === undefined) return;
    if (only !== undefined) q = q.where('conversation_id', '=', only);
    const sqlite = this.vault.store.sqlite;
    const rows = prepare<MessageRow>(sqlite, q.select(['id', 'kind', 'conversation_id', 'date_ms', 'direction', 'body']).orderBy('date_ms').orderBy('id'));
    const parts = prepare<PartRow>(
      sqlite,
      this.vault.db
        .selectFrom('mms_parts')
        .select(['attrs', 'content_type', 'blob_sha256', 'size'])
        .where('message_id', '=', param<number>('id'))
        .orderBy('position'),
    );
    const from = prepare<{ address_norm: string | null }>(
      sqlite,
      this.vault.db
        .selectFrom('mms_addrs')
        .select('address_norm')
        .where('message_id', '=', param<number>('id'))
        .where('type', '=', MMS_FROM)
        .orderBy('position')
        .limit(1),
    );
    for (const r of rows.statement.iterate(...rows.bind())) {
      const conv = conversations.get(r.conversation_id);
      const members = conv?.members ?? [];
      const direction = r.direction === 'in' || r.direction === 'out' ? r.direction : 'unknown';
      let sender: PersonView | 'me' = 'me';
      let recipients: (PersonView | 'me')[] = members;
      if (direction === 'in') {
        const fromAddress = r.kind === 'mms' ? from.get({ id: r.id })?.address_norm : undefined;
        sender = members.find((m) => m.address === fromAddress) ?? (fromAddress ? this.person(fromAddress) : (members[0] ?? this.person('')));
        const s = sender;
        recipients = ['me', ...members.filter((m) => m !== s)];
      } else if (direction === 'unknown') {
        sender = members[0] ?? this.person('');
      }
      const text = r.body ?? '';
      yield {
        conversationId: r.conversation_id,
        kind: r.kind,
        dateMs: r.date_ms,
        direction,
        sender,
        recipients,
        text,
        attachments: r.kind === 'mms' ? attachments(parts.all({ id: r.id })) : [],
      };
    }
  }

  countCalls(sel: ResolvedSelection): number {
    return this.archive.countCalls(sel);
  }

  *calls(sel: ResolvedSelection): Generator<CallView> {
    for (const e of this.archive.callEntries(sel)) yield this.callView(e);
  }

  callView(e: { numberNorm: string; number: string | null; dateMs: number; durationS: number | null; type: number | null }): CallView {
    const person = this.person(e.numberNorm);
    return {
      dateMs: e.dateMs,
      person: person.address === '' ? { address: e.number ?? '', name: null } : person,
      type: (e.type !== null ? CALL_TYPES[e.type] : undefined) ?? 'unknown',
      durationS: e.durationS,
    };
  }
}

function attachments(parts: PartRow[]): AttachmentView[] {
  const out: AttachmentView[] = [];
  for (const p of parts) {
    const ct = (p.content_type ?? '').toLowerCase();
    if (ct === 'application/smil') continue;
    if (ct === 'text/plain' && p.blob_sha256 === null) continue;
    const attrs = JSON.parse(p.attrs) as [string, string][];
    let name = '';
    for (const wanted of NAME_ATTRS) {
      const v = attrs.find((a) => a[0] === wanted)?.[1];
      if (v !== undefined && v !== '' && v !== 'null') {
        name = v;
        break;
      }
    }
    const a: AttachmentView = { name: name === '' ? `attachment-${out.length + 1}` : name, contentType: ct || 'application/octet-stream' };
    if (p.blob_sha256 !== null) {
      a.sha256 = p.blob_sha256;
      a.size = p.size ?? 0;
    }
    out.push(a);
  }
  return out;
}
