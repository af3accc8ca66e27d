/**
 * Puts records into the archive exactly once: finds the stored copy of each incoming message or
 * call by its identity (docs/dedup.md), and inserts, updates or only notes the sighting.
 * Runs inside the import's transaction; every method is synchronous.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { CallFields, MessageFields } from '../../formats/fields.js';
import type { AddrRecord, PartRecord } from '../../formats/records.js';
import { attr } from '../../formats/records.js';
import type { SearchIndex } from '../../store/search-index.js';
import {
  callStrictKey,
  contentHash,
  isStrict,
  looselyEqual,
  messageLooseKey,
  messageStrictKey,
  progressRank,
  type MatchOptions,
} from '../identity.js';
import type { PhoneNormalizer } from '../phone.js';
import { importStatements, type ImportStatements, type StoredMessageRow } from './statements.js';

export type Outcome = 'new' | 'duplicate' | 'updated';

export interface IncomingMessage {
  fields: MessageFields;
  attrs: readonly (readonly [string, string])[];
  parts?: PartRecord[];
  /** MMS only; null when the backup had no `<addrs>` element. */
  addrs?: AddrRecord[] | null;
}

export interface IncomingCall {
  fields: CallFields;
  attrs: readonly (readonly [string, string])[];
}

export class ArchiveWriter {
  private readonly st: ImportStatements;
  private readonly conversations = new Map<string, number>();
  /** Latest name seen per normalised number in this backup. */
  readonly names = new Map<string, string>();

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
  }

  message(m: IncomingMessage, dateMs: number): Outcome {
    const f = m.fields;
    const members = [...new Set(f.participants.map((a) => this.phones.normalize(a)))].filter((a) => a !== '').sort();
    const participantsKey = members.join(' ');
    f.participants.forEach((raw, i) => {
      const name = f.participantNames[i];
      if (name !== null && name !== undefined) this.names.set(this.phones.normalize(raw), name);
    });
    const strictKey = messageStrictKey(f, participantsKey, dateMs);
    const attrsJson = JSON.stringify(m.attrs);
    const partsJson = m.parts?.map(serializePart) ?? [];
    const addrsJson = m.addrs === undefined ? '' : m.addrs === null ? 'no-addrs' : JSON.stringify(m.addrs.map((a) => a.attrs));
    const media = m.parts?.map((p) => `${p.media?.sha256 ?? ''}:${p.damage ?? ''}:${p.rawData ?? ''}`).join('|') ?? '';
    const hash = contentHash(attrsJson, ...partsJson, media, addrsJson);

    let stored = this.st.messageByStrictKey.get({ key: strictKey });
    if (stored === undefined && !isStrict(this.match)) {
      const loose = messageLooseKey(f, participantsKey, dateMs);
      stored = this.st.messagesByLooseKey.all({ key: loose }).find((s) => looselyEqual(f, dateMs, s, this.match));
    }
    if (stored !== undefined) {
      if (!this.incomingWins(stored, f, hash)) {
        this.st.touchMessage.run({ id: stored.id, backup_id: this.backupId });
        return 'duplicate';
      }
    }
    const row = {
      kind: f.kind,
      conversation_id: this.conversation(participantsKey, members),
      date_ms: dateMs,
      date_sent_ms: f.dateSentMs,
      direction: f.direction,
      box: f.box,
      address: f.address,
      body: f.kind === 'sms' ? f.text : f.text === '' ? null : f.text,
      read: f.read,
      attrs: attrsJson,
      has_addrs: m.addrs === null || m.addrs === undefined ? 0 : 1,
      strict_key: strictKey,
      loose_key: messageLooseKey(f, participantsKey, dateMs),
      content_hash: hash,
      state_date: this.stateDate,
      backup_id: this.backupId,
    };
    let id: number;
    if (stored === undefined) {
      id = Number(this.st.insertMessage.run(row).lastInsertRowid);
    } else {
      id = stored.id;
      this.st.replaceMessage.run({ ...row, id });
      this.st.deleteParts.run({ id });
      this.st.deleteAddrs.run({ id });
      this.search.remove(id);
    }
    if (m.parts !== undefined) this.insertParts(id, m.parts, partsJson);
    if (m.addrs) this.insertAddrs(id, m.addrs);
    this.search.add(id, f.text);
    return stored === undefined ? 'new' : 'updated';
  }

  call(c: IncomingCall, dateMs: number): Outcome {
    const f = c.fields;
    const numberNorm = f.number === null ? '' : this.phones.normalize(f.number);
    if (f.contactName !== null && numberNorm !== '') this.names.set(numberNorm, f.contactName);
    const strictKey = callStrictKey(f, numberNorm, dateMs);
    const attrsJson = JSON.stringify(c.attrs);
    const hash = contentHash(attrsJson);
    const row = {
      number: f.number,
      number_norm: numberNorm,
      date_ms: dateMs,
      duration_s: f.durationS,
      type: f.type,
      attrs: attrsJson,
      strict_key: strictKey,
      content_hash: hash,
      state_date: this.stateDate,
      backup_id: this.backupId,
    };
    const stored = this.st.callByStrictKey.get({ key: strictKey });
    if (stored === undefined) {
      this.st.insertCall.run(row);
      return 'new';
    }
    if (!winsOver(this.stateDate, 0, hash, stored.state_date, 0, stored.content_hash)) {
      this.st.touchCall.run({ id: stored.id, backup_id: this.backupId });
      return 'duplicate';
    }
    this.st.replaceCall.run({ ...row, id: stored.id });
    return 'updated';
  }

  /** Saves the contact names this backup gave, unless a newer backup already named them. */
  saveNames(): void {
    for (const [address_norm, name] of this.names) {
      const current = this.st.contactNamedAt.get({ address_norm });
      if (current !== undefined && current.named_at > this.stateDate) continue;
      this.st.upsertContact.run({ address_norm, name, named_at: this.stateDate });
    }
  }

  recordBlob(sha256: string, size: number): void {
    this.st.insertBlob.run({ sha256, size, created_at: Date.now() });
  }

  private incomingWins(stored: StoredMessageRow, f: MessageFields, hash: Buffer): boolean {
    if (stored.kind !== f.kind) return false; // cross-protocol copy: the first one stays
    const storedRank = progressRank({ ...f, kind: stored.kind, box: stored.box, read: stored.read });
    return winsOver(this.stateDate, progressRank(f), hash, stored.state_date, storedRank, stored.content_hash);
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
      if (p.media !== undefined) this.recordBlob(p.media.sha256, p.media.size);
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

function serializePart(p: PartRecord): string {
  return JSON.stringify(p.attrs);
}

/**
 * Order-independent choice between two copies: the newer backup wins, then the more advanced
 * state, then (only to be deterministic) the greater content hash. Equal content is a duplicate.
 */
function winsOver(aDate: number, aRank: number, aHash: Buffer, bDate: number, bRank: number, bHash: Buffer): boolean {
  if (aHash.equals(bHash)) return false;
  if (aDate !== bDate) return aDate > bDate;
  if (aRank !== bRank) return aRank > bRank;
  return Buffer.compare(aHash, bHash) > 0;
}
