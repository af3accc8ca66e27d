/**
 * The common mistakes, through the real API and the real CLI: each answer is one line that says
 * what happened and what to do, with no internals (validator text, NaN, stack frames, server
 * paths, raw bytes) and no 600-character list of formats.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { writeZip } from '../helpers/zip.js';
import { ownerClient, startServer, waitForJob } from './harness.js';

const INTERNALS = /zod|NaN|\bat .+:\d+:\d+|stack|\/tmp\/|textvault-test-|\.upload\b|uploads[\\/]|\\u0000|Too big|expected (number|string)|received|content starting|It reads:/i;

function expectOneSentenceLine(message: string): void {
  expect(message.trim().split('\n')).toHaveLength(1);
  expect(message).not.toMatch(INTERNALS);
  expect(message).not.toContain('\0');
  // Short enough to read: the formats are pointed to, not listed.
  expect(message.length).toBeLessThan(300);
}

const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom\0\0\0\0isommp41'), Buffer.alloc(64)]);

/** Wrong files people upload, and what the error must say the file is. */
async function wrongFiles(dir: string): Promise<{ name: string; file: string; says: RegExp }[]> {
  const write = (name: string, bytes: Buffer | string): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    return f;
  };
  return [
    { name: 'statement.pdf', file: write('statement.pdf', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), says: /this is a PDF document, not a phone backup\./ },
    { name: 'holiday.jpg', file: write('holiday.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), Buffer.from('JFIF\0\x01\x01'), Buffer.alloc(32)])), says: /this is a JPEG photo, not a phone backup\./ },
    { name: 'screen.png', file: write('screen.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)])), says: /this is a PNG image, not a phone backup\./ },
    { name: 'clip.mp4', file: write('clip.mp4', MP4), says: /this is a video, not a phone backup\./ },
    { name: 'empty.xml', file: write('empty.xml', ''), says: /this is an empty file, not a phone backup\./ },
    { name: 'binary.bin', file: write('binary.bin', Buffer.from([0, 1, 2, 3, 0xfe, 0, 0, 9, 7])), says: /this is a binary file in no format Textvault knows, not a phone backup\./ },
    {
      name: 'photos.zip',
      file: await writeZip(path.join(dir, 'photos.zip'), { 'DCIM/IMG_0001.jpg': Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'DCIM/IMG_0002.JPG': Buffer.from([0xff, 0xd8, 0xff]), 'DCIM/VID_0003.mp4': MP4 }),
      says: /this is a ZIP of photos or other media, not a phone backup\./,
    },
    {
      name: 'letter.docx',
      file: await writeZip(path.join(dir, 'letter.docx'), { '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' }),
      says: /this is a Word document, not a phone backup\./,
    },
  ];
}

describe('what a user sees when they get it wrong', () => {
  it('says what a wrong file is and where the formats are listed, in the API and the CLI', async () => {
    const dir = tempDir();
    const cases = await wrongFiles(dir);
    const server = await startServer();
    const client = await ownerClient(server);
    for (const c of cases) {
      const res = await client.request('POST', `/api/uploads?name=${encodeURIComponent(c.name)}`, { body: fs.readFileSync(c.file), headers: { 'content-type': 'application/octet-stream' } });
      expect(res.status, c.name).toBe(202);
      const job = await waitForJob(client, ((await res.json()) as { jobId: number }).jobId);
      expect(job.status, c.name).toBe('failed');
      const error = job.error ?? '';
      expect(error, c.name).toMatch(new RegExp(`^${c.name.replace('.', '\\.')}: ${c.says.source}`));
      expect(error, c.name).toContain('docs/formats.md');
      expectOneSentenceLine(error);

      const r = cli(['--vault', path.join(dir, 'cli-vault'), 'import', c.file]);
      expect(r.code, c.name).toBe(1);
      expect(r.stderr, c.name).toMatch(c.says);
      expect(r.stderr, c.name).toContain('docs/formats.md');
      expect(r.stderr.replace(dir, '<dir>')).not.toMatch(INTERNALS);
      // The error's line, and the CLI's line saying the vault is unchanged: nothing repeated.
      expect(r.stderr.trim().split('\n'), c.name).toEqual([expect.stringMatching(/^textvault: .+\.$/), '  nothing from this file was imported; the vault is unchanged.']);
    }
  });

  it('answers a bad query parameter with a stable code and one sentence naming the parameter', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const cases: { url: string; status: number; code: string; message: string }[] = [
      { url: `/api/search?q=${'a'.repeat(501)}`, status: 400, code: 'bad_request', message: 'The search is too long: at most 500 characters.' },
      { url: '/api/search?q=a%00b', status: 400, code: 'bad_request', message: 'The search must not contain a NUL character (%00).' },
      { url: '/api/conversations?limit=ten', status: 400, code: 'bad_request', message: 'The limit must be a number.' },
      { url: '/api/conversations?limit=1.5', status: 400, code: 'bad_request', message: 'The limit must be a number.' },
      { url: '/api/jobs/abc', status: 400, code: 'bad_request', message: 'The id must be a number.' },
      { url: '/api/jobs/99999', status: 404, code: 'not_found', message: 'There is no job 99999: it may have been removed; the Backups page lists the jobs there are.' },
    ];
    for (const c of cases) {
      const res = await client.get(c.url);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect({ url: c.url, status: res.status, ...body.error }).toEqual({ url: c.url, status: c.status, code: c.code, message: c.message });
      expectOneSentenceLine(body.error.message);
    }
  });
});
