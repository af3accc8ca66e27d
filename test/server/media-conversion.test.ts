/**
 * The conversion routes (issue 25) on the real server: `/api/media/:id/view` and
 * `/thumb/:width` need a session, send only our own types with the media sandbox (CSP sandbox,
 * nosniff, inline disposition with the converted name), serve ranges of a converted video, answer
 * 422 with why for a file that cannot be converted and 404 for audio's thumbnail; an SVG is never
 * rendered; without ffmpeg the answer is a 503 that says what to install.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backupWithMedia, makeMediaFixtures, type MediaFixture } from '../helpers/media-fixtures.js';
import { FFMPEG, HEIF_TOOLS, lacks } from '../helpers/system.js';
import { tempDir } from '../helpers/temp.js';
import { Client, ownerClient, startServer } from './harness.js';

const missing = lacks(FFMPEG, HEIF_TOOLS);

interface Part {
  id: number;
  name: string | null;
}

describe.skipIf(missing)('media conversion routes', () => {
  let fixtures: Record<'heic' | 'video3gp' | 'amr' | 'gif', MediaFixture>;
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-media-routes-'));
    fixtures = await makeMediaFixtures(dir);
    return () => {
      fs.rmSync(dir, { recursive: true, force: true });
    };
  });

  async function serve(extra: MediaFixture[] = []): Promise<{ client: Client; url: string; parts: Map<string, number> }> {
    const file = backupWithMedia(tempDir(), [fixtures.heic, fixtures.video3gp, fixtures.amr, ...extra]);
    const server = await startServer({ files: [file] });
    const client = await ownerClient(server);
    const list = await client.json<{ items: { id: number }[] }>('/api/conversations');
    const thread = await client.json<{ items: { parts: Part[] }[] }>(`/api/conversations/${String(list.items[0]?.id ?? 0)}/messages?limit=50`);
    const parts = new Map(thread.items.flatMap((m) => m.parts).map((p) => [p.name ?? '', p.id]));
    return { client, url: server.url, parts };
  }

  it('serves conversions with the media sandbox, ranges, and clear refusals', async () => {
    const svg: MediaFixture = { name: 'evil.svg', contentType: 'image/svg+xml', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') };
    const { client, url, parts } = await serve([svg]);
    const heic = parts.get('IMG_0001.heic');

    for (const route of [`/api/media/${String(heic)}/view`, `/api/media/${String(heic)}/thumb/160`]) expect((await fetch(`${url}${route}`)).status, route).toBe(401);

    const view = await client.request('GET', `/api/media/${String(heic)}/view`);
    expect(view.status).toBe(200);
    expect(view.headers.get('content-type')).toBe('image/jpeg');
    expect(view.headers.get('content-disposition')).toContain('inline; filename="IMG_0001.jpg"');
    expect(view.headers.get('content-security-policy')).toContain('sandbox');
    expect(view.headers.get('x-content-type-options')).toBe('nosniff');
    const thumb = await client.request('GET', `/api/media/${String(heic)}/thumb/320`);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect((await client.request('GET', `/api/media/${String(heic)}/thumb/999`)).status).toBe(400);

    const video = parts.get('clip.3gp');
    const whole = await client.request('GET', `/api/media/${String(video)}/view`);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    const size = (await whole.arrayBuffer()).byteLength;
    const range = await client.request('GET', `/api/media/${String(video)}/view`, { headers: { range: 'bytes=0-99' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 0-99/${String(size)}`);

    const noThumb = await client.request('GET', `/api/media/${String(parts.get('voice.amr'))}/thumb/160`);
    expect(noThumb.status).toBe(404);

    // An SVG is never rendered to pixels nor sent as an image: its bytes are no format Textvault converts.
    const evil = await client.request('GET', `/api/media/${String(parts.get('evil.svg'))}/thumb/160`);
    expect(evil.status).toBe(422);
    expect(((await evil.json()) as { error: { message: string } }).error.message).toMatch(/could not be converted .*download the original/);
  });

  it('without ffmpeg a video answers 503 naming the package, and the original still downloads', async () => {
    const { client, parts } = await serve();
    const video = parts.get('clip.3gp');
    const PATH = process.env.PATH;
    process.env.PATH = tempDir();
    try {
      const res = await client.request('GET', `/api/media/${String(video)}/view`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'converter_missing', message: expect.stringMatching(/apt-get install ffmpeg/) as unknown });
    } finally {
      process.env.PATH = PATH;
    }
    const original = await client.request('GET', `/api/media/${String(video)}?download=1`);
    expect(Buffer.from(await original.arrayBuffer()).equals(fixtures.video3gp.bytes)).toBe(true);
  });
});
