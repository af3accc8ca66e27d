/**
 * The gallery query over a real vault imported from a real backup: paging both ways, the date
 * jump, every filter, what is never listed (text, SMIL, damaged or empty data), the items' fields
 * and the month counts.
 */
import { describe, expect, it } from 'vitest';
import { galleryMonths, galleryPage, type GalleryItem, type GalleryPage } from '../../../src/vault/queries/gallery.js';
import { partKind } from '../../../src/vault/queries/message-view.js';
import type { Vault } from '../../../src/vault/vault.js';
import { writeBackup, type MmsSpec, type SmsSpec } from '../../helpers/sbr-xml.js';
import { importAll, useVaults } from '../../helpers/vault.js';

const T0 = new Date(2024, 0, 3, 12).getTime();
const DAY = 86_400_000;
const ALICE = '+15550000001';
const BOB = '+15550000002';
const CAROL = '+15550000003';
const png = (i: number): Buffer => Buffer.from(`png-${i}`);

/** 30 photos from Alice (each beside a text and a SMIL part), Bob's other kinds, two photos from Carol in a group with Alice, and SMS. */
function records(): (SmsSpec | MmsSpec)[] {
  const out: (SmsSpec | MmsSpec)[] = [];
  for (let i = 0; i < 30; i++) {
    out.push({
      addresses: [ALICE],
      box: i % 3 === 0 ? 2 : 1,
      date: T0 + i * 5 * DAY,
      parts: [
        { ct: 'application/smil', text: '<smil/>' },
        { ct: 'image/jpeg', name: `IMG_${i}.jpg`, data: png(i) },
        { ct: 'text/plain', text: `photo ${i}` },
      ],
    });
    out.push({ address: ALICE, date: T0 + i * 5 * DAY + 1000, body: `sms ${i}`, name: 'Alice' });
  }
  const bob = (date: number, ct: string, data: Buffer, name?: string): MmsSpec => ({ addresses: [BOB], date, parts: [{ ct, data, ...(name === undefined ? {} : { name }) }] });
  out.push(bob(T0 + 10 * DAY, 'video/3gpp', Buffer.from('video'), 'clip.3gp'));
  out.push(bob(T0 + 11 * DAY, 'audio/amr', Buffer.from('audio')));
  out.push(bob(T0 + 12 * DAY, 'text/x-vcard', Buffer.from('BEGIN:VCARD\nEND:VCARD\n'), 'card.vcf'));
  out.push(bob(T0 + 13 * DAY, 'application/pdf', Buffer.from('%PDF'), 'doc.pdf'));
  out.push(bob(T0 + 14 * DAY, 'image/svg+xml', Buffer.from('<svg/>')));
  out.push(bob(T0 + 15 * DAY, 'image/png', Buffer.alloc(0), 'empty.png'));
  out.push(bob(T0 + 16 * DAY, 'image/png', Buffer.from('DAMAGED-MARKER'), 'corrupt.png'));
  out.push({ address: BOB, date: T0, body: 'hi', name: 'Bob' });
  out.push({ address: CAROL, date: T0, body: 'hi', name: 'Carol' });
  for (let j = 0; j < 2; j++) out.push({ addresses: [ALICE, CAROL], from: CAROL, date: T0 + (40 + j) * DAY, parts: [{ ct: 'image/gif', name: `carol-${j}.gif`, data: png(100 + j) }] });
  return out;
}

async function seeded(open: () => Promise<Vault>): Promise<Vault> {
  const vault = await open();
  const file = writeBackup(records());
  // Not base64 at all: the part is stored as damaged (with what decoded), and must not be listed.
  const fs = await import('node:fs');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(Buffer.from('DAMAGED-MARKER').toString('base64'), '@@not*base64@@'));
  await importAll(vault, [file]);
  return vault;
}

async function all(vault: Vault, filter: Parameters<typeof galleryPage>[2] = {}): Promise<GalleryItem[]> {
  let page = await galleryPage(vault, { kind: 'newest' }, { ...filter, limit: 7 });
  const items = [...page.items];
  while (page.prevCursor !== null) {
    page = await galleryPage(vault, { kind: 'before', cursor: page.prevCursor }, { ...filter, limit: 7 });
    items.unshift(...page.items);
  }
  return items;
}

const names = (p: GalleryPage | GalleryItem[]): (string | null)[] => ('items' in p ? p.items : p).map((i) => i.name);

describe('galleryPage', () => {
  const open = useVaults();

  it('pages every listed attachment oldest first, both ways, and opens at a date', async () => {
    const vault = await seeded(open);
    const newest = await galleryPage(vault, { kind: 'newest' }, { limit: 3 });
    expect(names(newest)).toEqual(['IMG_27.jpg', 'IMG_28.jpg', 'IMG_29.jpg']);
    expect(newest.nextCursor).toBeNull();
    expect(newest.prevCursor).not.toBeNull();

    const items = await all(vault);
    expect(items).toHaveLength(30 + 5 + 2);
    const order = items.map((i) => [i.date, i.id]);
    expect(order).toEqual([...order].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0)));
    // Text, SMIL, empty and damaged parts are never listed.
    expect(items.some((i) => i.name === 'empty.png' || i.name === 'corrupt.png')).toBe(false);
    expect(items.some((i) => /smil|text\/plain/.test(i.contentType))).toBe(false);

    const older = await galleryPage(vault, { kind: 'before', cursor: newest.prevCursor ?? '' }, { limit: 3 });
    expect(names(older)).toEqual(['IMG_24.jpg', 'IMG_25.jpg', 'IMG_26.jpg']);
    expect(older.nextCursor).not.toBeNull();
    // Forward from the oldest page.
    const first = await galleryPage(vault, { kind: 'date', ms: 0 }, { limit: 4 });
    expect(first.prevCursor).toBeNull();
    expect(names(first)).toEqual(names(items.slice(0, 4)));
    const next = await galleryPage(vault, { kind: 'after', cursor: first.nextCursor ?? '' }, { limit: 4 });
    expect(names(next)).toEqual(names(items.slice(4, 8)));

    // A date puts the first item at or after it in the page's middle.
    const at = await galleryPage(vault, { kind: 'date', ms: T0 + 50 * DAY }, { limit: 4 });
    expect(names(at)).toEqual(['carol-1.gif', 'IMG_9.jpg', 'IMG_10.jpg', 'IMG_11.jpg']);
    expect(at.prevCursor).not.toBeNull();
    expect(at.nextCursor).not.toBeNull();
  });

  it('filters by kind, conversation and person, each paging the same way', async () => {
    const vault = await seeded(open);
    const kinds = async (kind: GalleryItem['kind']): Promise<(string | null)[]> => names(await all(vault, { kind }));
    expect(await kinds('video')).toEqual(['clip.3gp']);
    expect(await kinds('audio')).toEqual([null]);
    expect(await kinds('vcard')).toEqual(['card.vcf']);
    expect((await all(vault, { kind: 'other' })).map((i) => i.contentType)).toEqual(['application/pdf', 'image/svg+xml']);
    expect(await kinds('image')).toHaveLength(32);

    const bobs = await all(vault, { contact: '(555) 000-0002' });
    expect(bobs.map((i) => i.kind)).toEqual(['video', 'audio', 'vcard', 'other', 'other']);
    const conversation = bobs[0]?.conversationId ?? -1;
    expect(await all(vault, { conversation })).toEqual(bobs);
    expect(names(await all(vault, { conversation, kind: 'vcard' }))).toEqual(['card.vcf']);
    expect(await all(vault, { conversation: 999_999 })).toEqual([]);

    expect(names(await all(vault, { contact: 'carol' }))).toEqual(['carol-0.gif', 'carol-1.gif']);
    // Alice: her own conversation and the group.
    const alice = await all(vault, { contact: 'Alice' });
    expect(alice).toHaveLength(32);
    expect(new Set(alice.map((i) => i.conversationId)).size).toBe(2);
    expect(names(await all(vault, { contact: 'Alice', kind: 'image', conversation }))).toEqual([]);
    expect(await all(vault, { contact: 'nobody at all' })).toEqual([]);
  });

  it('says what each item is, where it came from and who sent it', async () => {
    const vault = await seeded(open);
    const items = await all(vault);
    const sent = items.find((i) => i.name === 'IMG_0.jpg');
    const received = items.find((i) => i.name === 'IMG_1.jpg');
    const carol = items.find((i) => i.name === 'carol-0.gif');
    expect(sent).toMatchObject({ kind: 'image', contentType: 'image/jpeg', size: png(0).length, date: T0, direction: 'out', sender: null, conversationTitle: 'Alice', url: `/api/media/${sent?.id ?? 0}` });
    expect(received).toMatchObject({ direction: 'in', sender: { address: ALICE, name: 'Alice' } });
    expect(carol).toMatchObject({ direction: 'in', sender: { address: CAROL, name: 'Carol' }, conversationTitle: 'Alice, Carol' });
    const message = await vault.db.selectFrom('mms_parts').select('message_id').where('id', '=', carol?.id ?? 0).executeTakeFirstOrThrow();
    expect(carol?.messageId).toBe(message.message_id);
  });

  it('sorts parts into kinds the same way a thread does (the migration\'s SQL and partKind agree)', async () => {
    const vault = await open();
    const types = ['IMAGE/JPEG', 'image/svg+xml', 'Video/3GPP', 'audio/AMR', 'text/x-vCard', 'text/vcard', 'text/directory', 'application/pdf', 'application/octet-stream', 'text/html', 'text/x-vcalendar'];
    await importAll(vault, [writeBackup(types.map((ct, i) => ({ addresses: [BOB], date: T0 + i * DAY, parts: [{ ct, data: Buffer.from(ct), name: ct }] })))]);
    const items = await all(vault);
    expect(items.map((i) => [i.name, i.kind])).toEqual(types.map((ct) => [ct, partKind(ct)]));
  });
});

describe('galleryMonths', () => {
  const open = useVaults();

  it('counts items per month of the server time zone, newest first, under the same filters', async () => {
    const vault = await seeded(open);
    const items = await all(vault);
    const expected = new Map<string, number>();
    for (const i of items) {
      const d = new Date(i.date);
      const key = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const months = await galleryMonths(vault);
    expect(months.total).toBe(37);
    expect(months.items.map((m) => [m.month, m.count])).toEqual([...expected].sort((a, b) => b[0].localeCompare(a[0])));
    for (const m of months.items) {
      const [y = 0, mo = 0] = m.month.split('-').map(Number);
      expect(m.start).toBe(new Date(y, mo - 1, 1).getTime());
    }
    // A month's start opens the page at its first item.
    const march = months.items.find((m) => m.month === '2024-03');
    const page = await galleryPage(vault, { kind: 'date', ms: march?.start ?? 0 }, { limit: 2 });
    expect(new Date(page.items[1]?.date ?? 0).getMonth()).toBe(2);
    expect(new Date(page.items[0]?.date ?? 0).getMonth()).toBe(1);

    expect(await galleryMonths(vault, { kind: 'vcard' })).toEqual({ items: [{ month: '2024-01', count: 1, start: new Date(2024, 0, 1).getTime() }], total: 1 });
    expect((await galleryMonths(vault, { contact: 'Carol' })).total).toBe(2);
    expect((await galleryMonths(vault, { contact: 'Alice', kind: 'image' })).total).toBe(32);
    expect(await galleryMonths(vault, { conversation: 999_999 })).toEqual({ items: [], total: 0 });
  });

  it('follows the archive: a later import adds its media to pages and counts', async () => {
    const vault = await seeded(open);
    expect((await galleryMonths(vault)).total).toBe(37);
    await importAll(vault, [writeBackup([{ addresses: [BOB], date: T0 + 400 * DAY, parts: [{ ct: 'image/png', name: 'late.png', data: png(999) }] }], 'later.xml')]);
    expect((await galleryMonths(vault)).total).toBe(38);
    expect(names(await galleryPage(vault, { kind: 'newest' }, { limit: 1 }))).toEqual(['late.png']);
  });
});

