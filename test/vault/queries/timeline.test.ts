import { describe, expect, it } from 'vitest';
import { listConversations } from '../../../src/vault/queries/conversations.js';
import { BadCursorError, encodePosition } from '../../../src/vault/queries/cursor.js';
import { timelinePage, type TimelineEntry, type TimelineFilter, type TimelinePage } from '../../../src/vault/queries/timeline.js';
import type { Vault } from '../../../src/vault/vault.js';
import { writeBackup, writeCalls, type MmsSpec, type SmsSpec } from '../../helpers/sbr-xml.js';
import { importAll, useVaults } from '../../helpers/vault.js';

const vaults = useVaults();
const T0 = Date.UTC(2024, 0, 1, 9);
const MIN = 60_000;
const ALICE = '+15550000001';
const BOB = '+15550000002';
const CAROL = '+15550000003';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** 40 SMS in two 1:1 threads (two at every minute), a group MMS photo, and 15 calls on the same minutes. */
async function archive(): Promise<Vault> {
  const v = await vaults();
  const sms: SmsSpec[] = Array.from({ length: 40 }, (_, i) => ({
    address: i % 2 === 0 ? ALICE : BOB,
    name: i % 2 === 0 ? 'Alice' : 'Bob',
    date: T0 + Math.floor(i / 2) * MIN,
    body: `sms ${i}`,
    type: i % 3 === 0 ? 2 : 1,
  }));
  const mms: MmsSpec = { addresses: [ALICE, BOB], from: ALICE, date: T0 + 5 * MIN + 30_000, parts: [{ ct: 'image/png', name: 'p.png', data: PNG }] };
  const calls = Array.from({ length: 15 }, (_, j) => ({ number: [ALICE, BOB, CAROL][j % 3] ?? ALICE, date: T0 + j * 3 * MIN, type: (j % 3) + 1, duration: 100 + j, name: ['Alice', 'Bob', 'Carol'][j % 3] }));
  await importAll(v, [writeBackup([...sms, mms]), writeCalls(calls)]);
  return v;
}

const label = (e: TimelineEntry): string => (e.kind === 'call' ? `call ${e.durationS}` : e.text);
const rank = (e: TimelineEntry): number => (e.kind === 'call' ? 1 : 0);

/** Every entry of a filtered timeline, walked from the newest page back with `before`. */
async function walkBack(v: Vault, filter: TimelineFilter): Promise<TimelineEntry[]> {
  let page = await timelinePage(v, { kind: 'newest' }, filter);
  expect(page.nextCursor).toBeNull();
  const all = [...page.items];
  while (page.prevCursor !== null) {
    page = await timelinePage(v, { kind: 'before', cursor: page.prevCursor }, filter);
    all.unshift(...page.items);
  }
  return all;
}

function expectOrdered(entries: TimelineEntry[]): void {
  for (let i = 1; i < entries.length; i++) {
    const a = entries[i - 1];
    const b = entries[i];
    if (a === undefined || b === undefined) continue;
    // By date, then messages before calls, then by id: one stable order for equal times.
    expect(a.date * 4 + rank(a) < b.date * 4 + rank(b) || (a.date === b.date && rank(a) === rank(b) && a.id < b.id), `${label(a)} before ${label(b)}`).toBe(true);
  }
}

describe('the timeline', () => {
  it('merges messages and calls in date order and walks every entry exactly once, both ways', async () => {
    const v = await archive();
    const back = await walkBack(v, { limit: 7 });
    expect(back).toHaveLength(56);
    expect(new Set(back.map(label)).size).toBe(56);
    expectOrdered(back);
    // At T0 + 3 minutes: two messages (sms 6, sms 7) then the call of that minute.
    const i = back.findIndex((e) => e.date === T0 + 3 * MIN);
    expect(back.slice(i, i + 3).map(label)).toEqual(['sms 6', 'sms 7', 'call 101']);
    expect(back[0] && label(back[0])).toBe('sms 0');

    // Forward again from the oldest page with `after`, in other page sizes.
    let page: TimelinePage = await timelinePage(v, { kind: 'date', ms: 0 }, { limit: 5 });
    expect(page.prevCursor).toBeNull();
    const forward = [...page.items];
    while (page.nextCursor !== null) {
      page = await timelinePage(v, { kind: 'after', cursor: page.nextCursor }, { limit: 11 });
      forward.push(...page.items);
    }
    expect(forward.map(label)).toEqual(back.map(label));
  });

  it('describes entries: conversation, direction, sender, text or media, call type and its 1:1 thread', async () => {
    const v = await archive();
    const all = await walkBack(v, { limit: 500 });
    const conversations = (await listConversations(v)).items;
    const aliceThread = conversations.find((c) => c.title === 'Alice')?.id;
    const group = conversations.find((c) => c.isGroup);
    expect(all.find((e) => label(e) === 'sms 0')).toMatchObject({ kind: 'sms', direction: 'out', conversationId: aliceThread, conversationTitle: 'Alice', sender: null });
    expect(all.find((e) => label(e) === 'sms 2')).toMatchObject({ direction: 'in', sender: { address: ALICE, name: 'Alice' } });
    expect(all.find((e) => e.kind === 'mms')).toMatchObject({ text: 'Picture', conversationId: group?.id, conversationTitle: group?.title, sender: { address: ALICE } });
    expect(all.find((e) => label(e) === 'call 100')).toMatchObject({ kind: 'call', callType: 'incoming', number: ALICE, name: 'Alice', conversationId: aliceThread });
    expect(all.find((e) => label(e) === 'call 102')).toMatchObject({ callType: 'missed', name: 'Carol', conversationId: null });
  });

  it('opens at a date with the first entry at or after it in the middle; before or after everything at that end', async () => {
    const v = await archive();
    const at = T0 + 9 * MIN + 1;
    const page = await timelinePage(v, { kind: 'date', ms: at }, { limit: 6 });
    expect(page.items.map(label)).toEqual(['sms 18', 'sms 19', 'call 103', 'sms 20', 'sms 21', 'sms 22']);
    expect(page.items[2]?.date).toBeLessThan(at);
    expect(page.items[3]?.date).toBeGreaterThanOrEqual(at);
    expect(page.prevCursor).not.toBeNull();
    expect(page.nextCursor).not.toBeNull();
    const older = await timelinePage(v, { kind: 'before', cursor: page.prevCursor ?? '' }, { limit: 3 });
    expect(older.items.map(label)).toEqual(['sms 15', 'sms 16', 'sms 17']);

    // Before the first entry: a full page from the oldest on (the newer side takes the older side's room).
    const first = await timelinePage(v, { kind: 'date', ms: T0 - 86_400_000 }, { limit: 4 });
    expect(first.items.map(label)).toEqual(['sms 0', 'sms 1', 'call 100', 'sms 2']);
    expect(first.prevCursor).toBeNull();
    const last = await timelinePage(v, { kind: 'date', ms: T0 + 86_400_000 }, { limit: 4 });
    expect(last.items.map(label)).toEqual(['call 111', 'call 112', 'call 113', 'call 114']);
    expect(last.nextCursor).toBeNull();
    expect(last.items).toEqual((await timelinePage(v, { kind: 'newest' }, { limit: 4 })).items);
  });

  it('filters by person, kind and direction, and pages a filtered timeline', async () => {
    const v = await archive();
    const everything = await walkBack(v, { limit: 500 });
    const conversations = (await listConversations(v)).items;
    const withAlice = new Set(conversations.filter((c) => c.members.some((m) => m.address === ALICE)).map((c) => c.id));
    expect(withAlice.size).toBe(2);

    const alice = await walkBack(v, { contact: 'alice', limit: 3 });
    expect(alice.map(label)).toEqual(everything.filter((e) => (e.kind === 'call' ? e.number === ALICE : withAlice.has(e.conversationId))).map(label));
    expect(alice.filter((e) => e.kind === 'mms')).toHaveLength(1);
    expectOrdered(alice);
    // By number in another format: the same.
    expect((await walkBack(v, { contact: '(555) 000-0001', limit: 4 })).map(label)).toEqual(alice.map(label));
    // Carol has calls only.
    expect((await walkBack(v, { contact: CAROL, limit: 2 })).map(label)).toEqual(['call 102', 'call 105', 'call 108', 'call 111', 'call 114']);
    expect(await walkBack(v, { contact: 'Nobody at all' })).toEqual([]);

    expect((await walkBack(v, { kind: 'call', limit: 4 })).map(label)).toEqual(everything.filter((e) => e.kind === 'call').map(label));
    expect((await walkBack(v, { kind: 'mms' })).map(label)).toEqual(['Picture']);
    const sms = await walkBack(v, { kind: 'sms', limit: 9 });
    expect(sms).toHaveLength(40);
    expect(sms.every((e) => e.kind === 'sms')).toBe(true);

    expect((await walkBack(v, { direction: 'missed', limit: 2 })).map(label)).toEqual(['call 102', 'call 105', 'call 108', 'call 111', 'call 114']);
    const incoming = await walkBack(v, { direction: 'incoming', limit: 6 });
    expect(incoming.map(label)).toEqual(everything.filter((e) => (e.kind === 'call' ? e.callType === 'incoming' : e.direction === 'in')).map(label));
    const outgoing = await walkBack(v, { direction: 'outgoing', kind: 'sms', contact: 'Bob', limit: 2 });
    expect(outgoing.map(label)).toEqual(['sms 3', 'sms 9', 'sms 15', 'sms 21', 'sms 27', 'sms 33', 'sms 39']);
  });

  it('refuses a cursor it did not make (a thread cursor too)', async () => {
    const v = await archive();
    await expect(timelinePage(v, { kind: 'before', cursor: 'garbage' })).rejects.toBeInstanceOf(BadCursorError);
    await expect(timelinePage(v, { kind: 'after', cursor: encodePosition({ date: T0, id: 1 }) })).rejects.toBeInstanceOf(BadCursorError);
  });

  it('walks the date indexes: no table scan and no sort, for messages and calls', async () => {
    const v = await archive();
    const plan = (q: string): string =>
      (v.store.sqlite.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as { detail: string }[]).map((p) => p.detail).join('\n');
    const messages = plan("SELECT id FROM messages WHERE kind = 'sms' AND direction = 'in' AND (date_ms, id) < (5, 5) ORDER BY date_ms DESC, id DESC LIMIT 101");
    expect(messages).toContain('messages_date');
    expect(messages).not.toContain('TEMP B-TREE');
    const calls = plan('SELECT id FROM calls WHERE type = 3 AND (date_ms, id) > (5, 0) ORDER BY date_ms, id LIMIT 101');
    expect(calls).toContain('calls_date');
    expect(calls).not.toContain('TEMP B-TREE');
    // One person: a walk per conversation and per number.
    const theirs = plan("SELECT id FROM messages WHERE conversation_id = 1 AND kind = 'sms' AND (date_ms, id) > (5, 5) ORDER BY date_ms, id LIMIT 101");
    expect(theirs).toContain('messages_conversation_date');
    expect(theirs).not.toContain('TEMP B-TREE');
    const theirCalls = plan("SELECT id FROM calls WHERE number_norm IN ('+15550000001') AND (date_ms, id) < (5, 5) ORDER BY date_ms DESC, id DESC LIMIT 101");
    expect(theirCalls).toContain('calls_number');
    expect(theirCalls).not.toContain('TEMP B-TREE');
  });
});
