import { describe, expect, it } from 'vitest';
import { getConversation, listConversations } from '../../../src/vault/queries/conversations.js';
import { BadCursorError } from '../../../src/vault/queries/cursor.js';
import { MessageNotFoundError, threadPage } from '../../../src/vault/queries/thread.js';
import { writeBackup, type SmsSpec } from '../../helpers/sbr-xml.js';
import { importAll, useVaults } from '../../helpers/vault.js';

const vaults = useVaults();
const T0 = Date.UTC(2024, 0, 1);

/** 1,000 messages with one person; some share a date so paging must break ties by id. */
function longThread(): SmsSpec[] {
  return Array.from({ length: 1000 }, (_, i) => ({ address: '+15550000001', date: T0 + Math.floor(i / 2) * 60_000, body: `message ${i}`, type: i % 3 === 0 ? 2 : 1 }));
}

describe('thread paging', () => {
  it('opens at the newest page and walks back and forth through every message exactly once', async () => {
    const v = await vaults();
    await importAll(v, [writeBackup(longThread())]);
    const [c] = (await listConversations(v)).items;
    if (c === undefined) throw new Error('no conversation');
    const newest = await threadPage(v, c.id, { kind: 'newest' }, { limit: 200 });
    expect(newest.items).toHaveLength(200);
    expect(newest.items.at(-1)?.body).toBe('message 999');
    expect(newest.nextCursor).toBeNull();

    const bodies: string[] = newest.items.map((m) => m.body ?? '');
    let page = newest;
    while (page.prevCursor !== null) {
      page = await threadPage(v, c.id, { kind: 'before', cursor: page.prevCursor }, { limit: 200 });
      bodies.unshift(...page.items.map((m) => m.body ?? ''));
    }
    expect(bodies).toEqual(Array.from({ length: 1000 }, (_, i) => `message ${i}`));

    // Forward again from the oldest page with `after`.
    const forward: string[] = page.items.map((m) => m.body ?? '');
    while (page.nextCursor !== null) {
      page = await threadPage(v, c.id, { kind: 'after', cursor: page.nextCursor }, { limit: 150 });
      forward.push(...page.items.map((m) => m.body ?? ''));
    }
    expect(forward).toEqual(bodies);
  });

  it('opens around a message and at a date', async () => {
    const v = await vaults();
    await importAll(v, [writeBackup(longThread())]);
    const [c] = (await listConversations(v)).items;
    if (c === undefined) throw new Error('no conversation');
    const all = await threadPage(v, c.id, { kind: 'newest' }, { limit: 500 });
    const target = all.items.find((m) => m.body === 'message 700');
    if (target === undefined) throw new Error('missing');
    const around = await threadPage(v, c.id, { kind: 'around', messageId: target.id }, { limit: 20 });
    expect(around.items.map((m) => m.body)).toEqual(Array.from({ length: 20 }, (_, i) => `message ${690 + i}`));
    expect(around.prevCursor).not.toBeNull();
    expect(around.nextCursor).not.toBeNull();
    const older = await threadPage(v, c.id, { kind: 'before', cursor: around.prevCursor ?? '' }, { limit: 5 });
    expect(older.items.map((m) => m.body)).toEqual(['message 685', 'message 686', 'message 687', 'message 688', 'message 689']);

    const atDate = await threadPage(v, c.id, { kind: 'date', ms: T0 + 100 * 60_000 + 1 }, { limit: 4 });
    // The first message at or after the date (message 202) opens the newer half.
    expect(atDate.items.map((m) => m.body)).toEqual(['message 200', 'message 201', 'message 202', 'message 203']);
    const start = await threadPage(v, c.id, { kind: 'around', messageId: all.items[0]?.id ?? 0 }, { limit: 10 });
    expect(start.items.length).toBe(10);

    await expect(threadPage(v, c.id, { kind: 'around', messageId: 999_999 })).rejects.toBeInstanceOf(MessageNotFoundError);
    await expect(threadPage(v, c.id, { kind: 'before', cursor: 'garbage' })).rejects.toBeInstanceOf(BadCursorError);
  });

  it('uses the (conversation_id, date_ms) index for a page, never a scan or a sort', async () => {
    const v = await vaults();
    await importAll(v, [writeBackup(longThread().slice(0, 10))]);
    const plan = v.store.sqlite
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM messages WHERE conversation_id = 1 AND (date_ms, id) < (5, 5) ORDER BY date_ms DESC, id DESC LIMIT 201")
      .all() as { detail: string }[];
    const text = plan.map((p) => p.detail).join('\n');
    expect(text).toContain('messages_conversation_date');
    expect(text).not.toContain('TEMP B-TREE');
  });

  it('describes messages: direction, status, sender, MMS parts by kind, SMIL left out', async () => {
    const v = await vaults();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await importAll(v, [
      writeBackup([
        { address: '+15550000001', date: T0, body: 'hi', type: 1, read: 0, name: 'Ann' },
        { address: '+15550000001', date: T0 + 1, body: 'hello', type: 2 },
        {
          addresses: ['+15550000001', '+15550000002'],
          from: '+15550000002',
          date: T0 + 2,
          parts: [
            { ct: 'application/smil', text: '<smil/>' },
            { ct: 'image/png', name: 'cat.png', data: png },
            { ct: 'text/plain', text: 'look' },
            { ct: 'text/x-vcard', name: 'bob.vcf', data: Buffer.from('BEGIN:VCARD\nFN:Bob\nEND:VCARD\n') },
          ],
        },
      ]),
    ]);
    const list = await listConversations(v);
    expect(list.items.map((c) => c.title).sort()).toEqual(['Ann', 'Ann, +15550000002']);
    const one = list.items.find((c) => !c.isGroup);
    const group = list.items.find((c) => c.isGroup);
    if (one === undefined || group === undefined) throw new Error('missing conversations');
    expect(one.unread).toBe(1);
    expect(one.snippet).toBe('hello');
    const thread = await threadPage(v, one.id, { kind: 'newest' });
    expect(thread.items.map((m) => [m.direction, m.status, m.sender?.name ?? null, m.read])).toEqual([
      ['in', 'received', 'Ann', false],
      ['out', 'sent', null, true],
    ]);
    const g = await threadPage(v, group.id, { kind: 'newest' });
    const mms = g.items[0];
    expect(mms?.sender?.address).toBe('+15550000002');
    expect(mms?.parts.map((p) => [p.kind, p.name])).toEqual([
      ['image', 'cat.png'],
      ['text', null],
      ['vcard', 'bob.vcf'],
    ]);
    expect(mms?.parts[2]?.text).toContain('FN:Bob');
    expect((await getConversation(v, group.id)).members).toHaveLength(2);
  });
});
