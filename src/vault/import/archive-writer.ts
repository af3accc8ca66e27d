/**
 * Puts records into the archive exactly once: finds the stored copy of each incoming message or
 * call by its identity (docs/dedup.md), and inserts, updates or only notes the sighting.
 * Runs inside the import's transaction; every method is synchronous.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SearchIndex } from '../../store/search-index.js';
import { canonicalStoredAttrs } from '../stored-attrs.js';
import { incomingWins, isStrict, looseDateRange, looselyEqual, strictKeyOf, type MatchOptions } from '../identity.js';
import { textOf, type PreparedAddr, type PreparedCall, type PreparedMessage, type PreparedPart } from './prepare-record.js';
import { importStatements, type ImportStatements, type LooseCandidateRow, type StoredCopy } from './statements.js';

export type Outcome = 'new' | 'duplicate' | 'updated';

/** Sightings of unchanged records are written in batches of this many ids. */
const TOUCH_BATCH = 5_000;
/**
 * New messages are added to the search index this many at a time, in one statement each (as fast as one statement for all, about
 * twice as fast as one insert per message), while the import goes on: with the file read in a
 * worker thread, this thread has time for it between batches instead of at the end.
 */
const INDEX_BATCH = 20_000;

export class ArchiveWriter {
  private readonly st: ImportStatements;
  private readonly conversations = new Map<string, number>();
  /** Latest name seen per normalised number in this backup. */
  private readonly names = new Map<string, string>();
  private touchedMessages: number[] = [];
  private touchedCalls: number[] = [];
  /**
   * The id the next new message gets: the writer picks it (as AUTOINCREMENT would) so that a
   * message's key can be written before the message.
   */
  private nextId: number;
  /** Messages from this id on are new in this import and not in the search index yet. */
  private unindexedFrom: number;
  /** Of those, the ones whose text the index does not take as it is (SearchIndex.addFrom). */
  private searchTexts = new Map<number, string>();
  /** Whether the last message was in the archive already (see message()). */
  private inKnownRun = false;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly search: SearchIndex,
    private readonly match: MatchOptions,
    backupId: number,
    /** The backup's own date: between two copies of a message, the newer backup's copy wins. */
    private readonly stateDate: number,
  ) {
    this.st = importStatements(sqlite, { backupId, stateDate });
    this.nextId = this.st.nextMessageId.get()?.id ?? 1;
    this.unindexedFrom = this.nextId;
  }

  message(m: PreparedMessage): Outcome {
    for (const [norm, name] of m.names) this.names.set(norm, name);
    const conversationId = this.conversation(m.participantsKey, m.members);
    const strictKey = m.strictKey === null ? strictKeyOf(m, m.text) : asBuffer(m.strictKey);
    const hash = asBuffer(m.contentHash);
    let stored: StoredCopy | undefined;
    /** Whether this message is written already (it is then new). */
    let written = false;
    // An MMS the exact key does not find may be a copy in a format that could not say all of it.
    const mayHaveTwin = m.kind === 'mms' && (m.secondsDate || RCS_GROUP.test(m.participantsKey));
    const twin = isStrict(this.match) && mayHaveTwin && this.st.sameByKey.get(m.attrsStored, hash, strictKey) === undefined ? this.twinOf(m, conversationId) : undefined;
    if (twin !== undefined) {
      stored = twin;
    } else if (isStrict(this.match)) {
      // New and known messages come in runs (a backup overlaps the archive for a while, then
      // goes past it). In a run of new ones the message goes in unless its key is there, and only
      // a key that is there is looked up (a lookup before every insert cost ~2.8 us a message);
      // in a run of known ones the key is looked up first, so a duplicate costs one lookup
      // instead of a failed insert and a lookup.
      if (this.inKnownRun) {
        const found = this.st.sameByKey.get(m.attrsStored, hash, strictKey);
        if (found !== undefined && found < 0) {
          this.touch(this.touchedMessages, -found);
          return 'duplicate';
        }
        if (found === undefined) {
          this.inKnownRun = false;
          written = this.insertNew(false, m, conversationId, strictKey, hash);
        } else {
          stored = this.st.storedByKey.get(strictKey);
        }
      } else {
        written = this.insertNew(true, m, conversationId, strictKey, hash);
        if (!written) {
          this.inKnownRun = true;
          stored = this.st.storedByKey.get(strictKey);
          if (stored === undefined) throw new Error('message key neither inserted nor found: the archive changed during the import');
        }
      }
    } else {
      stored = this.st.storedByKey.get(strictKey);
      if (stored === undefined) {
        const candidate = this.looseMatch(m, conversationId);
        if (candidate !== undefined) {
          // A copy of another kind (cross-protocol) is a sighting; the first copy stays.
          if (candidate.kind !== m.kind) {
            this.touch(this.touchedMessages, candidate.message_id);
            return 'duplicate';
          }
          stored = candidate;
        }
      }
    }
    if (stored !== undefined) {
      const wins = m.kind === 'sms' ? this.smsWins(m, stored) : this.mmsWins(m, hash, stored);
      if (!wins) {
        this.touch(this.touchedMessages, stored.message_id);
        return 'duplicate';
      }
    }
    let id: number;
    if (stored === undefined) {
      id = this.nextId++;
      if (!written) this.insertNew(false, m, conversationId, strictKey, hash);
    } else {
      id = stored.message_id;
      if (id < this.unindexedFrom) {
        // Already in the search index (an older message, or one this import indexed earlier):
        // removed by the text it was indexed with, read before the row changes.
        this.search.remove(id, this.st.bodyById.get(id)?.body ?? '');
        this.search.add(id, textOf(m.text));
      }
      this.st.replaceMessage.run({
        kind: m.kind,
        conversation_id: conversationId,
        date_ms: m.dateMs,
        date_sent_ms: m.dateSentMs,
        direction: m.direction,
        box: m.box,
        address: m.address,
        body: bodyOf(m),
        read: m.read,
        attrs: m.attrsStored,
        has_addrs: hasAddrsOf(m),
        strict_key: strictKey,
        media_signature: mediaSignatureOf(m),
        content_hash: hash,
        rank: m.rank,
        id,
      });
      this.st.deleteParts.run({ id });
      this.st.deleteAddrs.run({ id });
    }
    if (m.parts !== null) this.insertParts(id, m.parts);
    if (m.addrs !== null) this.insertAddrs(id, m.addrs);
    if (id >= this.unindexedFrom) {
      // New, or new in this import and replaced before it was indexed: the latest text counts.
      if (m.searchText !== null) this.searchTexts.set(id, m.searchText);
      else if (stored !== undefined) this.searchTexts.delete(id);
      if (id - this.unindexedFrom >= INDEX_BATCH) {
        this.indexNew();
        this.unindexedFrom = id + 1;
      }
    }
    return stored === undefined ? 'new' : 'updated';
  }

  call(c: PreparedCall): Outcome {
    if (c.contactName !== null && c.numberNorm !== '') this.names.set(c.numberNorm, c.contactName);
    const strictKey = asBuffer(c.strictKey);
    const row = {
      number: c.number,
      number_norm: c.numberNorm,
      date_ms: c.dateMs,
      duration_s: c.durationS,
      type: c.callType,
      attrs: c.attrsJson,
      strict_key: strictKey,
    };
    const stored = this.st.callByStrictKey.get({ key: strictKey });
    if (stored === undefined) {
      this.st.insertCall.run(row);
      return 'new';
    }
    const wins =
      stored.attrs !== c.attrsJson &&
      incomingWins({ stateDate: this.stateDate, rank: 0, signature: c.attrsJson }, { stateDate: stored.state_date, rank: 0, signature: stored.attrs });
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
    this.indexNew();
    for (const [address_norm, name] of this.names) {
      const current = this.st.contactNamedAt.get({ address_norm });
      if (current !== undefined && current.named_at > this.stateDate) continue;
      this.st.upsertContact.run({ address_norm, name, named_at: this.stateDate });
    }
  }

  /**
   * An SMS is its attributes: two copies are the same when their attributes are (compared as
   * text, and only when the texts differ in the one stored form that is unique), and between
   * different ones the canonical text is the deterministic tie-break. Keys of SMS carry no
   * content hash (migration 0008).
   */
  private smsWins(m: PreparedMessage, stored: StoredCopy): boolean {
    const attrs = m.attrsStored;
    if (typeof attrs === 'string' ? stored.attrs.toString('utf8') === attrs : stored.attrs.equals(attrs)) return false;
    const incoming = canonicalStoredAttrs(textOf(attrs));
    const current = canonicalStoredAttrs(stored.attrs.toString('utf8'));
    return (
      incoming !== current &&
      incomingWins({ stateDate: this.stateDate, rank: m.rank, signature: incoming }, { stateDate: stored.state_date, rank: stored.rank, signature: current })
    );
  }

  private mmsWins(m: PreparedMessage, hash: Buffer, stored: StoredCopy): boolean {
    return (
      !stored.content_hash.equals(hash) &&
      incomingWins(
        { stateDate: this.stateDate, rank: m.rank, signature: hash.toString('hex') },
        { stateDate: stored.state_date, rank: stored.rank, signature: stored.content_hash.toString('hex') },
      )
    );
  }

  /**
   * Writes `m` as a new message under the next id (the caller takes it); false when `ifNew` and
   * a message with the key is there already.
   */
  private insertNew(ifNew: boolean, m: PreparedMessage, conversationId: number, strictKey: Buffer, hash: Buffer): boolean {
    if (m.kind === 'sms') {
      const sms = ifNew ? this.st.insertSmsIfNew : this.st.insertSms;
      return sms.run(this.nextId, conversationId, m.dateMs, m.dateSentMs, m.direction, m.box, m.address, m.text, m.read, m.attrsStored, strictKey, m.rank).changes === 1;
    }
    const statement = ifNew ? this.st.insertMessageIfNew : this.st.insertMessage;
    const row = statement.run(this.nextId, m.kind, conversationId, m.dateMs, m.dateSentMs, m.direction, m.box, m.address, bodyOf(m), m.read, m.attrsStored, hasAddrsOf(m), strictKey, mediaSignatureOf(m), hash, m.rank);
    return row.changes === 1;
  }

  /** Adds every message from unindexedFrom on to the search index. */
  private indexNew(): void {
    this.search.addFrom(this.unindexedFrom, this.searchTexts);
    this.searchTexts = new Map();
  }

  /**
   * The stored copy of an MMS that a format which cannot say all of its identity wrote again
   * (docs/dedup.md, "What a format cannot carry"):
   * - its date without milliseconds: the provider keeps MMS dates in seconds, so Fossify and SMS
   *   Import/Export write `1700000100` where SMS Backup & Restore wrote `1700000100123` (only
   *   for a copy whose format says so, MessageFields.secondsDate: two SBR copies 500 ms apart
   *   stay two messages);
   * - an RCS group chat's members instead of its group id: Fossify's MMS rows have no thread
   *   address, so `group_…@rcs.google.com` becomes the conversation of its members (whichever
   *   copy came first: the group's own copy then finds the members' one).
   * Everything else the identity holds (direction, text, media) must be equal.
   */
  private twinOf(m: PreparedMessage, conversationId: number): LooseCandidateRow | undefined {
    const second = Math.floor(m.dateMs / 1000) * 1000;
    const incoming = { ...m, text: textOf(m.text) };
    const rcs = RCS_GROUP.test(m.participantsKey);
    return this.st.mmsInRange.all({ from: second, to: second + 999 }).find((s) => {
      const sameDate = s.date_ms === m.dateMs || (m.secondsDate && m.dateMs === second) || (rcs && s.date_ms === second);
      const sameConversation = s.conversation_id === conversationId ? s.date_ms !== m.dateMs : rcs || RCS_GROUP.test(s.participants_key);
      return sameDate && sameConversation && looselyEqual(incoming, s, s.media_signature ?? '', this.match);
    });
  }

  private looseMatch(m: PreparedMessage, conversationId: number): LooseCandidateRow | undefined {
    const [from, to] = looseDateRange(m.dateMs, this.match);
    const incoming = { ...m, text: textOf(m.text) };
    return this.st.candidatesInRange
      .all({ conversation_id: conversationId, from, to })
      .find((s) => looselyEqual(incoming, s, s.media_signature ?? '', this.match));
  }

  private touch(list: number[], id: number): void {
    list.push(id);
    if (list.length >= TOUCH_BATCH) this.flushTouches();
  }

  private flushTouches(): void {
    if (this.touchedMessages.length > 0) {
      this.st.touchMessages.run({ ids: JSON.stringify(this.touchedMessages) });
      this.touchedMessages = [];
    }
    if (this.touchedCalls.length > 0) {
      this.st.touchCalls.run({ ids: JSON.stringify(this.touchedCalls) });
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

  private insertParts(messageId: number, parts: PreparedPart[]): void {
    parts.forEach((p, position) => {
      if (p.blobSha256 !== null) this.st.insertBlob.run({ sha256: p.blobSha256, size: p.size ?? 0, created_at: Date.now() });
      this.st.insertPart.run({
        message_id: messageId,
        position,
        attrs: p.attrsJson,
        content_type: p.contentType,
        blob_sha256: p.blobSha256,
        size: p.size,
        damage: p.damage,
        raw_data: p.rawData,
      });
    });
  }

  private insertAddrs(messageId: number, addrs: PreparedAddr[]): void {
    addrs.forEach((a, position) => {
      this.st.insertAddr.run({
        message_id: messageId,
        position,
        attrs: a.attrsJson,
        address: a.address,
        address_norm: a.addressNorm,
        type: a.type,
      });
    });
  }
}

/** The body column: an MMS without text parts has none. */
function bodyOf(m: PreparedMessage): PreparedMessage['text'] | null {
  return m.kind === 'sms' || m.text.length !== 0 ? m.text : null;
}

function hasAddrsOf(m: PreparedMessage): number {
  return m.addrs === null ? 0 : 1;
}

function mediaSignatureOf(m: PreparedMessage): string | null {
  return m.kind === 'mms' ? m.mediaSignature : null;
}

/** A key that crossed threads arrives as a plain Uint8Array; SQLite and Buffer.equals want a Buffer. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A conversation that is an RCS group chat, named by its group id. */
const RCS_GROUP = /@rcs\.google\.com$/;
