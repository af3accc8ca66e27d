/** GET /api/formats: the web app's lists come from the format descriptors, behind the login. */
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, READABLE } from '../../../src/formats/formats.js';
import { Client, ownerClient, startServer } from '../harness.js';

describe('GET /api/formats', () => {
  it('lists every readable format and every file export, to signed-in users only', async () => {
    const server = await startServer({ files: [] });
    const anonymous = await new Client(server.url).get('/api/formats');
    expect(anonymous.status).toBe(401);
    const client = await ownerClient(server);
    const body = await client.json<{ imports: { id: string; label: string; carries: string[] }[]; exports: { id: string; label: string }[] }>('/api/formats');
    expect(body.imports.map((f) => f.id)).toEqual(READABLE.map((f) => f.id));
    expect(body.imports.find((f) => f.id === 'sbr')).toEqual({ id: 'sbr', label: expect.stringContaining('SMS Backup & Restore') as unknown, carries: ['sms', 'mms', 'calls'] });
    // The Backups page lists these and its upload takes any of them (detected by content).
    expect(body.imports.find((f) => f.id === 'qksms')).toEqual({ id: 'qksms', label: expect.stringContaining('QKSMS') as unknown, carries: ['sms'] });
    expect(body.imports.find((f) => f.id === 'titanium')).toEqual({ id: 'titanium', label: expect.stringContaining('Titanium Backup') as unknown, carries: ['sms', 'mms'] });
    expect(body.exports.map((f) => f.id)).toEqual([...EXPORT_FORMATS]);
    // The IMAP writer is the command line's; the web app offers downloads.
    expect(body.exports.map((f) => f.id)).not.toContain('smsbackupplus');
  });
});
