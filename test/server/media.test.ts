import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { disposition, inlineType, parseRange } from '../../src/server/routes/media.js';
import { writeBackup } from '../helpers/sbr-xml.js';
import { Client, ownerClient, startServer } from './harness.js';

const video = randomBytes(100_000);
const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const html = Buffer.from('<html><script>alert(1)</script></html>');
const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');

interface Part {
  id: number;
  name: string | null;
  contentType: string;
  url: string;
}

async function setup(): Promise<{ client: Client; parts: Map<string, Part> }> {
  const file = writeBackup([
    {
      addresses: ['+15550000001'],
      date: Date.UTC(2024, 0, 1),
      parts: [
        { ct: 'image/png', name: 'cat.png', data: png },
        { ct: 'video/mp4', name: 'clip.mp4', data: video },
        { ct: 'image/svg+xml', name: 'evil.svg', data: svg },
        { ct: 'text/html', name: 'page.html', data: html },
        { ct: 'application/x-unknown', name: 'a"b\r\nX-Evil: 1.bin', data: Buffer.from('??') },
      ],
    },
  ]);
  const server = await startServer({ files: [file] });
  const client = await ownerClient(server);
  const list = await client.json<{ items: { id: number }[] }>('/api/conversations');
  const thread = await client.json<{ items: { parts: Part[] }[] }>(`/api/conversations/${list.items[0]?.id ?? 0}/messages`);
  const parts = new Map((thread.items[0]?.parts ?? []).map((p) => [p.contentType, p]));
  return { client, parts };
}

function url(parts: Map<string, Part>, type: string): string {
  const p = parts.get(type);
  if (p === undefined) throw new Error(`no ${type} part`);
  return p.url;
}

describe('media', () => {
  it('serves images and video inline with their type, everything that could run script as a download', async () => {
    const { client, parts } = await setup();
    const img = await client.get(url(parts, 'image/png'));
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('content-disposition')).toMatch(/^inline; filename="cat.png"/);
    expect(img.headers.get('x-content-type-options')).toBe('nosniff');
    expect(img.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await img.arrayBuffer()).equals(png)).toBe(true);

    for (const type of ['image/svg+xml', 'text/html', 'application/x-unknown']) {
      const res = await client.get(url(parts, type));
      expect(res.headers.get('content-type'), type).toBe('application/octet-stream');
      expect(res.headers.get('content-disposition'), type).toMatch(/^attachment;/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      await res.arrayBuffer();
    }
    const weird = await client.get(url(parts, 'application/x-unknown'));
    expect(weird.headers.get('x-evil')).toBeNull();
    expect(weird.headers.get('content-disposition')).toBe(`attachment; filename="a_bX-Evil: 1.bin"; filename*=UTF-8''a%22bX-Evil%3A%201.bin`);

    const forced = await client.get(`${url(parts, 'image/png')}?download=1`);
    expect(forced.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect((await client.get('/api/media/999999')).status).toBe(404);
  });

  it('answers byte ranges with 206 and exactly those bytes', async () => {
    const { client, parts } = await setup();
    const u = url(parts, 'video/mp4');
    const full = await client.get(u);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('content-length')).toBe(String(video.length));
    const mid = await client.request('GET', u, { headers: { range: 'bytes=1000-1999' } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe(`bytes 1000-1999/${video.length}`);
    expect(Buffer.from(await mid.arrayBuffer()).equals(video.subarray(1000, 2000))).toBe(true);
    const tail = await client.request('GET', u, { headers: { range: 'bytes=-500' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(video.subarray(video.length - 500))).toBe(true);
    const open = await client.request('GET', u, { headers: { range: 'bytes=99990-' } });
    expect(Buffer.from(await open.arrayBuffer()).equals(video.subarray(99_990))).toBe(true);
    const beyond = await client.request('GET', u, { headers: { range: 'bytes=200000-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${video.length}`);
    const etag = full.headers.get('etag') ?? '';
    expect((await client.request('GET', u, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('decides types, names and ranges conservatively', () => {
    expect(inlineType('IMAGE/JPEG; name=x')).toBe('image/jpeg');
    expect(inlineType('image/svg+xml')).toBeUndefined();
    expect(inlineType('video/vnd.x+xml')).toBeUndefined();
    expect(inlineType('text/plain')).toBeUndefined();
    expect(inlineType(null)).toBeUndefined();
    expect(disposition('inline', '../../etc/passwd')).toBe(`inline; filename="passwd"; filename*=UTF-8''passwd`);
    expect(disposition('attachment', 'фото.jpg')).toBe(`attachment; filename="____.jpg"; filename*=UTF-8''%D1%84%D0%BE%D1%82%D0%BE.jpg`);
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=0-1,4-5', 10)).toBeUndefined();
    expect(parseRange('bytes=7-3', 10)).toBeUndefined();
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
  });
});
