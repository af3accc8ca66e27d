import { describe, expect, it } from 'vitest';
import { writeBackup, writeCalls } from '../helpers/sbr-xml.js';
import { ownerClient, startServer } from './harness.js';

const T0 = Date.UTC(2024, 0, 1);

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

describe('the archive over HTTP', () => {
  it('pages conversations and threads with cursors, and rejects bad input with 400', async () => {
    const people = Array.from({ length: 12 }, (_, i) => ({ address: `+1555000${String(i).padStart(4, '0')}`, date: T0 + i, body: `hello ${i}`, name: `P${i}` }));
    const thread = Array.from({ length: 450 }, (_, i) => ({ address: '+15559990000', date: T0 + 1000 + i, body: `m${i}`, type: i % 2 === 0 ? 1 : 2 }));
    const server = await startServer({ files: [writeBackup([...people, ...thread])] });
    const c = await ownerClient(server);

    const titles: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<{ title: string }> = await c.json(`/api/conversations?limit=5${cursor === null ? '' : `&cursor=${cursor}`}`);
      titles.push(...page.items.map((x) => x.title));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(titles).toHaveLength(13);
    expect(titles[0]).toBe('+15559990000');
    expect((await c.json<Page<{ title: string }>>('/api/conversations?q=p11')).items.map((x) => x.title)).toEqual(['P11']);

    const id = (await c.json<Page<{ id: number }>>('/api/conversations?limit=1')).items[0]?.id ?? 0;
    const info = await c.json<{ messageCount: number; firstDate: number; lastDate: number }>(`/api/conversations/${id}`);
    expect(info).toMatchObject({ messageCount: 450, firstDate: T0 + 1000, lastDate: T0 + 1449 });
    type ThreadPage = { items: { id: number; body: string; date: number }[]; prevCursor: string | null; nextCursor: string | null };
    const newest = await c.json<ThreadPage>(`/api/conversations/${id}/messages`);
    expect(newest.items).toHaveLength(200);
    expect(newest.items.at(-1)?.body).toBe('m449');
    const older = await c.json<ThreadPage>(`/api/conversations/${id}/messages?before=${newest.prevCursor ?? ''}`);
    expect(older.items[0]?.body).toBe('m50');
    const oldest = await c.json<ThreadPage>(`/api/conversations/${id}/messages?before=${older.prevCursor ?? ''}`);
    expect(oldest.items.map((m) => m.body)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    expect(oldest.prevCursor).toBeNull();
    const around = await c.json<ThreadPage>(`/api/conversations/${id}/messages?around=${older.items[10]?.id ?? 0}&limit=3`);
    expect(around.items.map((m) => m.body)).toEqual(['m59', 'm60', 'm61']);
    const atDate = await c.json<ThreadPage>(`/api/conversations/${id}/messages?date=${T0 + 1100}&limit=2`);
    expect(atDate.items.map((m) => m.body)).toEqual(['m99', 'm100']);

    expect((await c.get(`/api/conversations/${id}/messages?before=zzz`)).status).toBe(400);
    expect((await c.get(`/api/conversations/${id}/messages?before=x&after=y`)).status).toBe(400);
    expect((await c.get('/api/conversations/999999')).status).toBe(404);
    expect((await c.get('/api/conversations/abc')).status).toBe(400);
    expect((await c.get('/api/calls?type=loud')).status).toBe(400);
    const capped = await c.json<Page<unknown>>('/api/conversations?limit=100000');
    expect(capped.items).toHaveLength(13);
  });

  it('searches in Latin with and without accents, Cyrillic and 2-character Chinese, and lists calls and stats', async () => {
    const server = await startServer({
      files: [
        writeBackup([
          { address: '+15550000001', date: T0 + 1, body: 'Rendez-vous au café', name: 'Zoë' },
          { address: '+15550000002', date: T0 + 2, body: 'Встречаемся завтра' },
          { address: '+15550000003', date: T0 + 3, body: '我们明天说你好吗' },
        ]),
        writeCalls([
          { number: '+15550000001', date: T0 + 4, type: 3, duration: 0 },
          { number: '+15550000001', date: T0 + 5, type: 1, duration: 60 },
        ]),
      ],
    });
    const c = await ownerClient(server);
    type Hits = Page<{ snippet: string; conversationTitle: string; messageId: number; conversationId: number }>;
    const q = async (text: string): Promise<string[]> => (await c.json<Hits>(`/api/search?q=${encodeURIComponent(text)}`)).items.map((h) => h.snippet);
    expect(await q('cafe')).toEqual(['Rendez-vous au \u0002café\u0003']);
    expect(await q('CAFÉ')).toEqual(['Rendez-vous au \u0002café\u0003']);
    expect(await q('завтра')).toEqual(['Встречаемся \u0002завтра\u0003']);
    expect(await q('你好')).toEqual(['我们明天说\u0002你好\u0003吗']);
    const hit = (await c.json<Hits>('/api/search?q=cafe')).items[0];
    expect(hit?.conversationTitle).toBe('Zoë');
    // The hit opens its thread at that message.
    const opened = await c.json<{ items: { id: number }[] }>(`/api/conversations/${hit?.conversationId ?? 0}/messages?around=${hit?.messageId ?? 0}`);
    expect(opened.items.map((m) => m.id)).toContain(hit?.messageId);
    expect((await c.get('/api/search')).status).toBe(400);

    const calls = await c.json<Page<{ type: string; name: string | null }>>('/api/calls?type=missed');
    expect(calls.items).toEqual([expect.objectContaining({ type: 'missed', name: 'Zoë' })]);
    expect(await c.json('/api/stats/summary')).toMatchObject({ sms: 3, calls: 2, conversations: 3 });
    expect((await c.json<{ months: unknown[] }>('/api/stats/monthly')).months).toHaveLength(1);
    expect((await c.json<{ items: { address: string }[] }>('/api/stats/top-contacts?by=calls')).items.map((i) => i.address)).toEqual(['+15550000001']);
    expect((await c.json<{ cells: unknown[] }>('/api/stats/activity')).cells).toHaveLength(168);
    expect((await c.json<Page<unknown>>('/api/backups')).items).toHaveLength(2);
  });
});
