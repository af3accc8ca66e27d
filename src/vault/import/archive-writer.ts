/**
 * Puts records into the archive exactly once: finds the stored copy of each incoming message or
 * call by its identity (docs/dedup.md), and inserts, updates or only notes the sighting.
 * Runs inside the import's transaction; every method is synchronous.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { CallFields, MessageFields } from '../../formats/fields.js';
import { attr, type AddrRecord, type Attrs, type PartRecord } from '../../formats/records.js';
import type { SearchIndex } from '../../store/search-index.js';
import {
  callStrictKey,
  contentHash,
  incomingWins,
  isStrict,
  looseDateRange,
  looselyEqual,
  mediaSignature,
  messageStrictKey,
  progressRank,
  type MatchOptions,
} from '../identity.js';
import type { PhoneNormalizer } from '../phone.js';
import { importStatements, type ImportStatements, type LooseCandidateRow, type StoredKeyRow } from './statements.js';

export type Outcome = 'new' | 'duplicate' | 'updated';

export interface IncomingMessage {
  fields: MessageFields;
  attrs: Attrs;
  parts?: PartRecord[];
  /** MMS only; null when the backup had no `<addrs>` element. */
  addrs?: AddrRecord[] | null;
}

export interface IncomingCall {
  fields: CallFields;
  attrs: Attrs;
}

/** Sightings of unchanged records are written in batches of this many ids. */
const TOUCH_BATCH = 5_000;

export class ArchiveWriter {
  private readonly st: ImportStatements;
  private readonly conversations = new Map<string, number>();
  /** Latest name seen per normalised number in this backup. */
  private readonly names = new Map<string, string>();
  private touchedMessages: number[] = [];
  private touchedCalls: number[] = [];
  /** Messages from this id on are new in this import; finish() indexes them in one go. */
  private readonly firstNewId: number;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly search: SearchIndex,
    private readonly phones: PhoneNormalizer,
    private readonly match: MatchOptions,
    private readonly backupId: number,
    /** The backup's own date: between two copies of a message, the newer backup's copy wins. */
    private readonly stateDate: number,
  ) {
    this.st = importStatements(sqlite);
    this.firstNewId = (this.st.maxMessageId.get()?.id ?? 0) + 1;
  }

  message(m: IncomingMessage, dateMs: number): Outcome {
    const f = m.fields;
    const members = this.members(f);
    const participantsKey = members.join(' ');
    const conversationId = this.conversation(participantsKey, members);
    const strictKey = messageStrictKey(f, participantsKey, dateMs);
    const attrsJson = JSON.stringify(m.attrs);
    const partsJson = m.parts?.map((p) => JSON.stringify(p.attrs));
    const hash = f.kind === 'mms' ? this.mmsHash(attrsJson, m, partsJson ?? []) : contentHash(attrsJson);

    const rank = progressRank(f.kind, f.box, f.read);
    let stored: StoredKeyRow | undefined = this.st.keyByStrictKey.get({ key: strictKey });
    let storedKey = strictKey;
    if (stored === undefined && !isStrict(this.match)) {
      const candidate = this.looseMatch(f, conversationId, dateMs);
      if (candidate !== undefined) {
        // A copy of another kind (cross-protocol) is a sighting; the first copy stays.
        if (candidate.kind !== f.kind) {
          this.touch(this.touchedMessages, candidate.message_id);
          return 'duplicate';
        }
        stored = candidate;
        storedKey = candidate.strict_key;
      }
    }
    if (stored !== undefined) {
      const wins =
        !stored.content_hash.equals(hash) &&
        incomingWins(
          { stateDate: this.stateDate, rank, signature: hash.toString('hex') },
          { stateDate: stored.state_date, rank: stored.rank, signature: stored.content_hash.toString('hex') },
        );
      if (!wins) {
        this.touch(this.touchedMessages, stored.message_id);
        return 'duplicate';
      }
    }
    const row = {
      kind: f.kind,
      conversation_id: conversationId,
      date_ms: dateMs,
      date_sent_ms: f.dateSentMs,
      direction: f.direction,
      box: f.box,
      address: f.address,
      body: f.kind === 'sms' || f.text !== '' ? f.text : null,
      read: f.read,
      attrs: attrsJson,
      has_addrs: m.addrs === null || m.addrs === undefined ? 0 : 1,
      strict_key: strictKey,
      media_signature: f.kind === 'mms' ? mediaSignature(f) : null,
      backup_id: this.backupId,
    };
    let id: number;
    if (stored === undefined) {
      id = Number(this.st.insertMessage.run(row).lastInsertRowid);
    } else {
      id = stored.message_id;
      this.st.replaceMessage.run({ ...row, id });
      this.st.deleteKey.run({ key: storedKey });
      this.st.deleteParts.run({ id });
      this.st.deleteAddrs.run({ id });
    }
    this.st.insertKey.run({ strict_key: strictKey, message_id: id, content_hash: hash, state_date: this.stateDate, rank });
    if (m.parts !== undefined) this.insertParts(id, m.parts, partsJson ?? []);
    if (m.addrs) this.insertAddrs(id, m.addrs);
    if (id < this.firstNewId) {
      this.search.remove(id);
      this.search.add(id, f.text);
    }
    return stored === undefined ? 'new' : 'updated';
  }

  call(c: IncomingCall, dateMs: number): Outcome {
    const f = c.fields;
    const numberNorm = f.number === null ? '' : this.phones.normalize(f.number);
    if (f.contactName !== null && numberNorm !== '') this.names.set(numberNorm, f.contactName);
    const strictKey = callStrictKey(numberNorm, dateMs);
    const attrsJson = JSON.stringify(c.attrs);
    const row = {
      number: f.number,
      number_norm: numberNorm,
      date_ms: dateMs,
      duration_s: f.durationS,
      type: f.type,
      attrs: attrsJson,
      strict_key: strictKey,
      state_date: this.stateDate,
      backup_id: this.backupId,
    };
    const stored = this.st.callByStrictKey.get({ key: strictKey });
    if (stored === undefined) {
      this.st.insertCall.run(row);
      return 'new';
    }
    const wins =
      stored.attrs !== attrsJson &&
      incomingWins({ stateDate: this.stateDate, rank: 0, signature: attrsJson }, { stateDate: stored.state_date, rank: 0, signature: stored.attrs });
    if (!wins) {
      this.touch(this.touchedCalls, stored.id);
      return 'duplicate';
    }
    this.st.replaceCall.run({ ...row, id: stored.id });
    return 'updated';
  }

  /** Writes what is still batched and the contact names this backup gave. Call once at the end. */
  finish(): void {
    this.flushTouches();
    this.search.addFrom(this.firstNewId);
    for (const [address_norm, name] of this.names) {
      const current = this.st.contactNamedAt.get({ address_norm });
      if (current !== undefined && current.named_at > this.stateDate) continue;
      this.st.upsertContact.run({ address_norm, name, named_at: this.stateDate });
    }
  }

  private members(f: MessageFields): string[] {
    const members = new Set<string>();
    f.participants.forEach((raw, i) => {
      const norm = this.phones.normalize(raw);
      if (norm === '') return;
      members.add(norm);
      const name = f.participantNames[i];
      if (name !== null && name !== undefined) this.names.set(norm, name);
    });
    return [...members].sort();
  }

  private mmsHash(attrsJson: string, m: IncomingMessage, partsJson: string[]): Buffer {
    const media = (m.parts ?? []).map((p) => `${p.media?.sha256 ?? ''}:${p.damage ?? ''}:${p.rawData ?? ''}`).join('|');
    const addrs = m.addrs === null || m.addrs === undefined ? 'no-addrs' : JSON.stringify(m.addrs.map((a) => a.attrs));
    return contentHash(attrsJson, ...partsJson, media, addrs);
  }

  private looseMatch(f: MessageFields, conversationId: number, dateMs: number): LooseCandidateRow | undefined {
    const [from, to] = looseDateRange(dateMs, this.match);
    return this.st.candidatesInRange
      .all({ conversation_id: conversationId, from, to })
      .find((s) => looselyEqual(f, s, s.media_signature ?? '', this.match));
  }

  private touch(list: number[], id: number): void {
    list.push(id);
    if (list.length >= TOUCH_BATCH) this.flushTouches();
  }

  private flushTouches(): void {
    if (this.touchedMessages.length > 0) {
      this.st.touchMessages.run({ ids: JSON.stringify(this.touchedMessages), backup_id: this.backupId });
      this.touchedMessages = [];
    }
    if (this.touchedCalls.length > 0) {
      this.st.touchCalls.run({ ids: JSON.stringify(this.touchedCalls), backup_id: this.backupId });
      this.touchedCalls = [];
    }
  }

  private conversation(key: string, members: string[]): number {
    let id = this.conversations.get(key);
    if (id === undefined) {
      id = this.st.conversationByKey.get({ key })?.id;
      if (id === undefined) {
        id = Number(this.st.insertConversation.run({ key, is_group: members.length > 1 ? 1 : 0 }).lastInsertRowid);
        const conversation_id = id;
        members.forEach((address_norm, position) => this.st.insertMember.run({ conversation_id, address_norm, position }));
      }
      this.conversations.set(key, id);
    }
    return id;
  }

  private insertParts(messageId: number, parts: PartRecord[], partsJson: string[]): void {
    parts.forEach((p, position) => {
      if (p.media !== undefined) this.st.insertBlob.run({ sha256: p.media.sha256, size: p.media.size, created_at: Date.now() });
      this.st.insertPart.run({
        message_id: messageId,
        position,
        attrs: partsJson[position] ?? JSON.stringify(p.attrs),
        content_type: attr(p.attrs, 'ct') ?? null,
        blob_sha256: p.media?.sha256 ?? null,
        size: p.media?.size ?? null,
        damage: p.damage ?? null,
        raw_data: p.rawData ?? null,
      });
    });
  }

  private insertAddrs(messageId: number, addrs: AddrRecord[]): void {
    addrs.forEach((a, position) => {
      const address = attr(a.attrs, 'address') ?? null;
      const type = Number(attr(a.attrs, 'type'));
      this.st.insertAddr.run({
        message_id: messageId,
        position,
        attrs: JSON.stringify(a.attrs),
        address,
        address_norm: address === null ? null : this.phones.normalize(address),
        type: Number.isSafeInteger(type) ? type : null,
      });
    });
  }
}
