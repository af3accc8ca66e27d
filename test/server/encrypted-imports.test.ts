/**
 * Encrypted backups through the server (issue 22), on a real server and socket over a real vault:
 * an upload whose import needs a password is kept and imported once the password is POSTed (a
 * wrong one says so and may be tried again); the password waits sealed in control.db and is gone
 * when the job ends; a device upload says to enter it in the web app; a watched folder reads its
 * own --passphrase-file, which the web API refuses to set.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { addSource } from '../../src/vault/sources/registry.js';
import { openControl } from '../../src/vault/control.js';
import { abOf, phoneTar } from '../formats/androidbackup/build.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';
import { ownerClient, startServer, waitForJob, type Client, type TestServer } from './harness.js';

const PASSWORD = 'Ünïcode pass 42';
const WRONG = 'definitely-wrong-pw';

interface ApiJob {
  id: number;
  status: string;
  error: string | null;
  errorCode: string | null;
  retryable: boolean;
  result: Record<string, unknown> | null;
}

function encryptedAb(): Buffer {
  return abOf(phoneTar(), { password: PASSWORD, rounds: 1000 });
}

async function upload(client: Client, bytes: Buffer, name: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await client.request('POST', `/api/uploads?name=${name}`, { body: bytes, headers: { 'content-type': 'application/octet-stream', ...headers } });
  expect(res.status).toBe(202);
  return ((await res.json()) as { jobId: number }).jobId;
}

async function ended(client: Client, id: number): Promise<ApiJob> {
  await waitForJob(client, id);
  return client.json<ApiJob>(`/api/jobs/${id}`);
}

async function givePassword(client: Client, id: number, passphrase: unknown, csrf = true): Promise<{ status: number; text: string }> {
  const res = await client.request('POST', `/api/jobs/${id}/passphrase`, { json: { passphrase }, csrf });
  return { status: res.status, text: await res.text() };
}

/** Every file of the vault folder that holds `secret`'s bytes (databases, their WAL, logs, uploads). */
function filesHolding(dir: string, secrets: string[]): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const bytes = fs.readFileSync(p);
        for (const s of secrets) if (bytes.includes(Buffer.from(s, 'utf8'))) found.push(`${p}: ${s}`);
      }
    }
  };
  walk(dir);
  return found;
}

function jobSecretRows(server: TestServer): number {
  const db = new Database(path.join(server.dir, 'control.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM job_secrets').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function messages(client: Client): Promise<number> {
  const s = await client.json<{ sms: number; mms: number }>('/api/stats/summary');
  return s.sms + s.mms;
}

describe('an encrypted upload', () => {
  it('fails asking for its password, keeps the file, and imports once the password is POSTed; a wrong one may be tried again', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const id = await upload(client, encryptedAb(), 'phone.ab');

    const asked = await ended(client, id);
    expect(asked).toMatchObject({ status: 'failed', errorCode: 'passphrase_required' });
    expect(asked.error).toBe('phone.ab is encrypted: enter the password it was made with on the Backups page of the web app to import it.');
    // The upload is kept for the password (a plain retry would only fail again).
    expect(fs.readdirSync(path.join(server.dir, 'uploads'))).toHaveLength(1);

    // Checked like every other POST: the session's CSRF token, a non-empty password, a job that asked.
    expect((await givePassword(client, id, PASSWORD, false)).status).toBe(403);
    expect((await givePassword(client, id, '')).status).toBe(400);
    expect((await givePassword(client, 9999, PASSWORD)).status).toBe(404);

    const wrong = await givePassword(client, id, WRONG);
    expect(wrong.status).toBe(200);
    expect(wrong.text).not.toContain(WRONG);
    const refused = await ended(client, id);
    expect(refused).toMatchObject({ status: 'failed', errorCode: 'wrong_passphrase' });
    expect(refused.error).toBe('phone.ab could not be decrypted with this password: check it and try again.');
    expect(jobSecretRows(server)).toBe(0);
    expect(filesHolding(server.dir, [PASSWORD, WRONG])).toEqual([]);
    expect(await messages(client)).toBe(0);

    const right = await givePassword(client, id, PASSWORD);
    expect(right.status).toBe(200);
    expect(right.text).not.toContain(PASSWORD);
    const imported = await ended(client, id);
    expect(imported.status).toBe('done');
    expect(await messages(client)).toBeGreaterThan(0);
    // Used once and gone: no row, no bytes of it anywhere in the vault, the upload deleted.
    expect(jobSecretRows(server)).toBe(0);
    expect(filesHolding(server.dir, [PASSWORD, WRONG])).toEqual([]);
    expect(fs.readdirSync(path.join(server.dir, 'uploads'))).toEqual([]);
    // A job that no longer waits for a password takes none.
    expect((await givePassword(client, id, PASSWORD)).status).toBe(409);
    const jobsText = await (await client.get('/api/jobs')).text();
    expect(jobsText).not.toContain(PASSWORD);
    expect(jobsText).not.toContain(WRONG);
  }, 60_000);

  it('takes the password with the upload, sealed while the job waits', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const id = await upload(client, encryptedAb(), 'phone.ab', { 'x-backup-passphrase': encodeURIComponent(PASSWORD) });
    expect((await ended(client, id)).status).toBe('done');
    expect(await messages(client)).toBeGreaterThan(0);
    expect(jobSecretRows(server)).toBe(0);
    expect(filesHolding(server.dir, [PASSWORD])).toEqual([]);
  }, 60_000);

  it('a cancelled password prompt deletes the kept upload', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const id = await upload(client, encryptedAb(), 'phone.ab');
    expect((await ended(client, id)).errorCode).toBe('passphrase_required');
    const res = await client.request('POST', `/api/jobs/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(fs.readdirSync(path.join(server.dir, 'uploads'))).toEqual([]);
    expect((await givePassword(client, id, PASSWORD)).status).toBe(409);
  }, 60_000);
});

describe('device uploads and watched folders', () => {
  it('a device upload of an encrypted backup fails telling the owner to enter the password in the web app, which imports it', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const made = await client.request('POST', '/api/tokens', { json: { name: 'Pixel' } });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };
    const put = await fetch(`${server.url}/api/ingest/phone.ab`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: encryptedAb() });
    expect(put.status).toBe(202);
    const { jobId } = (await put.json()) as { jobId: number };
    const asked = await ended(client, jobId);
    expect(asked).toMatchObject({ status: 'failed', errorCode: 'passphrase_required' });
    expect(asked.error).toMatch(/is encrypted: enter the password .* web app/);
    // The source's health (what `source list` and the Sources page show) says where to give it.
    const sources = await client.json<{ items: { kind: string; health: { lastError: string | null } }[] }>('/api/sources');
    expect(sources.items.find((s) => s.kind === 'upload')?.health.lastError).toMatch(/phone\.ab is encrypted: enter its password on the Backups page of the web app/);

    expect((await givePassword(client, jobId, PASSWORD)).status).toBe(200);
    expect((await ended(client, jobId)).status).toBe('done');
    expect(await messages(client)).toBeGreaterThan(0);
    expect(filesHolding(server.dir, [PASSWORD])).toEqual([]);
  }, 60_000);

  it('a watched folder with --passphrase-file imports an encrypted backup found there', async () => {
    const folder = tempDir();
    const secrets = tempDir();
    const passFile = path.join(secrets, 'ab-pass');
    fs.writeFileSync(passFile, `${PASSWORD}\n`, { mode: 0o600 });
    const server = await startServer({
      prepare: async (vault) => {
        const control = await openControl(vault);
        try {
          await addSource(control.db, { name: 'phone', kind: 'folder', config: { path: folder, settleMs: 0, passphraseFile: passFile }, schedule: 'continuous' });
        } finally {
          await control.close();
        }
      },
    });
    const client = await ownerClient(server);
    fs.writeFileSync(path.join(folder, 'phone.ab'), encryptedAb());
    await waitFor('the folder import', async () => ((await messages(client)) > 0 ? true : undefined), 30_000);
    expect(filesHolding(server.dir, [PASSWORD])).toEqual([]);
  }, 60_000);

  it('the web API refuses a passphrase file for a folder source, like a password file for IMAP', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const res = await client.request('POST', '/api/sources', {
      json: { name: 'phone', kind: 'folder', schedule: 'continuous', config: { path: tempDir(), passphraseFile: '/etc/shadow' } },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^passphraseFile can only be set with the textvault command line on the server/);
    expect(await client.json('/api/sources')).toEqual({ items: [] });
  }, 30_000);
});
