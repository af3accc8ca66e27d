import { describe, expect, it } from 'vitest';
import { writeBackup, writeCalls } from '../../helpers/sbr-xml.js';
import { Client, ownerClient, startServer } from '../harness.js';

const T0 = Date.UTC(2024, 0, 1, 9);
const MIN = 60_000;

interface Entry {
  kind: 'sms' | 'mms' | 'call';
  id: number;
  date: number;
  conversationId: number | null;
  text?: string;
  durationS?: number;
  callType?: string;
}
interface Page {
  items: Entry[];
  prevCursor: string | null;
  nextCursor: string | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}

const label = (e: Entry): string => (e.kind === 'call' ? `call ${e.durationS ?? 0}` : (e.text ?? ''));

async function server(): Promise<Client> {
  const sms = Array.from({ length: 30 }, (_, i) => ({ address: i % 2 === 0 ? '+15550000001' : '+15550000002', name: i % 2 === 0 ? 'Alice' : 'Bob', date: T0 + i * MIN, body: `sms ${i}`, type: i % 2 === 0 ? 1 : 2 }));
  const calls = Array.from({ length: 10 }, (_, j) => ({ number: '+15550000001', date: T0 + j * 3 * MIN, type: j % 2 === 0 ? 3 : 1, duration: 10 + j }));
  const s = await startServer({ files: [writeBackup(sms), writeCalls(calls)] });
  return ownerClient(s);
}

describe('GET /api/timeline', () => {
  it('pages messages and calls in date order both ways, opens at a date and filters', async () => {
    const c = await server();
    const newest = await c.json<Page>('/api/timeline?limit=8');
    expect(newest.items.map(label)).toEqual(['sms 24', 'call 18', 'sms 25', 'sms 26', 'sms 27', 'call 19', 'sms 28', 'sms 29']);
    expect(newest.nextCursor).toBeNull();
    const all = [...newest.items];
    let page = newest;
    while (page.prevCursor !== null) {
      page = await c.json<Page>(`/api/timeline?limit=8&before=${encodeURIComponent(page.prevCursor)}`);
      all.unshift(...page.items);
    }
    expect(all).toHaveLength(40);
    expect(all.map((e) => e.date)).toEqual([...all.map((e) => e.date)].sort((a, b) => a - b));
    const after = await c.json<Page>(`/api/timeline?limit=3&after=${encodeURIComponent(page.nextCursor ?? '')}`);
    expect(after.items.map(label)).toEqual(all.slice(page.items.length, page.items.length + 3).map(label));

    // Epoch ms in, the first entry at or after it in the middle of the page.
    const atDate = await c.json<Page>(`/api/timeline?limit=4&date=${T0 + 10 * MIN}`);
    expect(atDate.items.map(label)).toEqual(['sms 9', 'call 13', 'sms 10', 'sms 11']);
    expect((await c.json<Page>('/api/timeline?kind=call&direction=missed&limit=100')).items.map(label)).toEqual(['call 10', 'call 12', 'call 14', 'call 16', 'call 18']);
    expect((await c.json<Page>('/api/timeline?contact=Bob&direction=outgoing&limit=100')).items).toHaveLength(15);
    expect((await c.json<Page>('/api/timeline?contact=Bob&kind=call')).items).toEqual([]);
  });

  it('needs a login, and refuses bad input with a one-sentence 400 and a stable code', async () => {
    const c = await server();
    const anon = new Client(c.base);
    const refused = await anon.get('/api/timeline');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('unauthenticated');

    const cases: [string, string, RegExp][] = [
      ['/api/timeline?kind=fax', 'bad_request', /^The parameter "kind" must be one of: sms, mms, call\.$/],
      ['/api/timeline?direction=sideways', 'bad_request', /^The parameter "direction" must be one of: incoming, outgoing, missed\.$/],
      ['/api/timeline?date=yesterday', 'bad_request', /^The parameter "date" must be a number\.$/],
      ['/api/timeline?before=a&date=5', 'bad_request', /^Give at most one of before, after and date: each says where the page starts\.$/],
      ['/api/timeline?before=garbage', 'bad_cursor', /^the paging cursor is not valid: start again from the first page$/],
    ];
    for (const [url, code, message] of cases) {
      const res = await c.get(url);
      expect(res.status, url).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code, url).toBe(code);
      expect(body.error.message, url).toMatch(message);
    }
  });
});
