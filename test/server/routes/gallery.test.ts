/**
 * The gallery routes on a real server over a real socket: pages and months as the contract says,
 * bad input refused, a login required, and a conversation's media as a ZIP read back with yauzl:
 * the original bytes, entry names made safe from hostile names in the backup, streamed (chunked).
 */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { writeBackup, type MmsSpec, type SmsSpec } from '../../helpers/sbr-xml.js';
import { Client, ownerClient, startServer } from '../harness.js';

const T0 = new Date(2024, 2, 5, 14, 22, 10).getTime();
const MIN = 60_000;
const ALICE = '+15550000001';
const BOB = '+15550000002';

interface Item {
  id: number;
  name: string | null;
  kind: string;
  conversationId: number;
  date: number;
}
interface Page {
  items: Item[];
  prevCursor: string | null;
  nextCursor: string | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}

/** Names a backup could carry: paths out of the folder, control and bidi characters, reserved names, the same name twice. */
const HOSTILE = ['../../../etc/passwd', 'C:\\Windows\\system32\\evil.dll', 'a\u0000b\u0007c.jpg', 'photo\u202Egpj.exe', '..', '.hidden.png', 'x'.repeat(300) + '.jpg', 'IMG_1234.jpg', 'IMG_1234.jpg', 'img_1234.JPG'];

function media(): { records: (SmsSpec | MmsSpec)[]; originals: Buffer[] } {
  const originals: Buffer[] = [];
  const records: (SmsSpec | MmsSpec)[] = [{ address: ALICE, date: T0 - MIN, body: 'look', name: 'Alice' }];
  HOSTILE.forEach((name, i) => {
    const data = crypto.randomBytes(1000 + i * 5000);
    originals.push(data);
    // The last three in the same second: their names must still be unique.
    records.push({ addresses: [ALICE], date: i < HOSTILE.length - 3 ? T0 + i * MIN : T0 + 100 * MIN, parts: [{ ct: 'application/smil', text: '<smil/>' }, { ct: 'image/jpeg', name, data }, { ct: 'text/plain', text: `photo ${i}` }] });
  });
  const clip = crypto.randomBytes(50_000);
  originals.push(clip);
  records.push({ addresses: [ALICE], date: T0 + 200 * MIN, parts: [{ ct: 'video/3gpp', data: clip }] });
  records.push({ addresses: [BOB], date: T0, parts: [{ ct: 'image/png', name: 'bob.png', data: crypto.randomBytes(10) }] });
  return { records, originals };
}

async function readZip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (e, z) => {
      if (e === null) resolve(z);
      else reject(e);
    });
  });
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (e, stream) => {
        if (e !== null) {
          reject(e);
          return;
        }
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return out;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const stamp = (ms: number): string => {
  const d = new Date(ms);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
};

describe('the gallery routes', () => {
  it('page the media both ways with filters, count months, and refuse bad input', async () => {
    const { records } = media();
    const c = await ownerClient(await startServer({ files: [writeBackup(records)] }));
    const newest = await c.json<Page>('/api/gallery?limit=5');
    expect(newest.items).toHaveLength(5);
    expect(newest.nextCursor).toBeNull();
    const items = [...newest.items];
    let page = newest;
    while (page.prevCursor !== null) {
      page = await c.json<Page>(`/api/gallery?limit=5&before=${encodeURIComponent(page.prevCursor)}`);
      items.unshift(...page.items);
    }
    expect(items).toHaveLength(HOSTILE.length + 2);
    expect(items.map((i) => i.date)).toEqual(items.map((i) => i.date).sort((a, b) => a - b));
    const after = await c.json<Page>(`/api/gallery?limit=3&after=${encodeURIComponent(page.nextCursor ?? '')}`);
    expect(after.items).toEqual(items.slice(page.items.length, page.items.length + 3));
    expect((await c.json<Page>(`/api/gallery?limit=2&date=${T0 + 3 * MIN}`)).items.map((i) => i.date)).toEqual([T0 + 2 * MIN, T0 + 3 * MIN]);
    expect((await c.json<Page>('/api/gallery?kind=video')).items.map((i) => i.kind)).toEqual(['video']);
    const bob = await c.json<Page>('/api/gallery?contact=5550000002');
    expect(bob.items.map((i) => i.name)).toEqual(['bob.png']);
    expect((await c.json<Page>(`/api/gallery?conversation=${bob.items[0]?.conversationId ?? 0}`)).items).toEqual(bob.items);

    const months = await c.json<{ items: { month: string; count: number; start: number }[]; total: number }>('/api/gallery/months');
    expect(months.total).toBe(HOSTILE.length + 2);
    expect(months.items.reduce((n, m) => n + m.count, 0)).toBe(months.total);
    expect((await c.json<{ total: number }>('/api/gallery/months?kind=image&contact=Alice')).total).toBe(HOSTILE.length);

    const cases: [string, string, RegExp][] = [
      ['/api/gallery?kind=photo', 'bad_request', /^The parameter "kind" must be one of: image, video, audio, vcard, other\.$/],
      ['/api/gallery?date=yesterday', 'bad_request', /^The parameter "date" must be a number\.$/],
      ['/api/gallery?before=a&date=5', 'bad_request', /^Give at most one of before, after and date/],
      ['/api/gallery?after=garbage', 'bad_cursor', /^the paging cursor is not valid/],
      ['/api/gallery/months?conversation=x', 'bad_request', /^The parameter "conversation" must be a number\.$/],
    ];
    for (const [url, code, message] of cases) {
      const res = await c.get(url);
      expect(res.status, url).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code, url).toBe(code);
      expect(body.error.message, url).toMatch(message);
    }
  });

  it("stream a conversation's original media as a ZIP with safe, unique entry names", async () => {
    const { records, originals } = media();
    const server = await startServer({ files: [writeBackup(records)] });
    const c = await ownerClient(server);
    const alice = (await c.json<Page>('/api/gallery?contact=Alice')).items[0]?.conversationId ?? 0;
    const res = await c.get(`/api/conversations/${alice}/media.zip`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Alice media.zip"; filename*=UTF-8''Alice%20media.zip`);
    // Written while sent: no length known up front.
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const entries = await readZip(Buffer.from(await res.arrayBuffer()));

    // Every original, byte for byte, and nothing else.
    const hash = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');
    expect([...entries.values()].map(hash).sort()).toEqual(originals.map(hash).sort());
    const names = [...entries.keys()];
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^\d{4}-\d\d-\d\d \d\d-\d\d-\d\d [^/\\]+$/);
      expect(name).not.toMatch(/\.\.|[\p{Cc}\p{Cf}]/u);
      expect(name.length).toBeLessThanOrEqual(130);
    }
    const at = (i: number): string => stamp(T0 + i * MIN);
    const late = stamp(T0 + 100 * MIN);
    expect(names).toEqual([
      `${at(0)} passwd.jpg`,
      `${at(1)} evil.dll`,
      `${at(2)} a_b_c.jpg`,
      `${at(3)} photogpj.exe`,
      `${at(4)} attachment-${String(names[4]?.match(/attachment-(\d+)/)?.[1])}.jpg`,
      `${at(5)} hidden.png`,
      `${at(6)} ${'x'.repeat(100)}.jpg`,
      `${late} IMG_1234.jpg`,
      `${late} IMG_1234 (2).jpg`,
      `${late} img_1234 (3).JPG`,
      `${stamp(T0 + 200 * MIN)} attachment-${String(names[10]?.match(/attachment-(\d+)/)?.[1])}.3gp`,
    ]);

    const missing = await c.get('/api/conversations/999999/media.zip');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('not_found');
  });

  it('end the ZIP with an error when a blob cannot be read, and go on serving', async () => {
    const { records } = media();
    let lost = '';
    const server = await startServer({
      files: [writeBackup(records)],
      // A stored original gone from the media store (a disk error, a deleted pack): the third photo.
      prepare: async (vault) => {
        const parts = await vault.db.selectFrom('mms_parts').select('blob_sha256').where('blob_sha256', 'is not', null).orderBy('id').execute();
        lost = parts[2]?.blob_sha256 ?? '';
        await vault.blobs.delete(lost);
      },
    });
    expect(lost).not.toBe('');
    const c = await ownerClient(server);
    const alice = (await c.json<Page>('/api/gallery?contact=Alice')).items[0]?.conversationId ?? 0;
    const res = await c.get(`/api/conversations/${alice}/media.zip`);
    expect(res.status).toBe(200);
    // The body stops short (the connection is closed mid-stream): never a ZIP that looks whole, never a hang.
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect((await c.json<Page>('/api/gallery?limit=1')).items).toHaveLength(1);
  });

  it('need a login', async () => {
    const server = await startServer({ files: [writeBackup(media().records)] });
    await ownerClient(server);
    const anon = new Client(server.url);
    for (const url of ['/api/gallery', '/api/gallery/months', '/api/conversations/1/media.zip']) {
      const res = await anon.get(url);
      expect(res.status, url).toBe(401);
      expect(((await res.json()) as ErrorBody).error.code, url).toBe('unauthenticated');
    }
  });
});
