import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapError } from '../../../src/sources/imap/connection.js';
import { importImap, uidSet } from '../../../src/sources/imap/import.js';
import { startDovecot, type Dovecot } from '../../helpers/dovecot.js';
import { DOVECOT, lacks, OPENSSL } from '../../helpers/system.js';
import { counts, useVaults } from '../../helpers/vault.js';
import { callRecord, mails, mmsRecord, NEWSLETTER, PNG_SHA, smsRecord } from '../../formats/smsbackupplus/helpers.js';
import { admin, put, target } from './helpers.js';

const vault = useVaults();
let dovecot: Dovecot;

// Skipped, with a note at the end of the run, where Dovecot is not installed.
const noDovecot = lacks(DOVECOT, OPENSSL);
beforeAll(async () => {
  if (!noDovecot) dovecot = await startDovecot();
});
afterAll(async () => {
  if (!noDovecot) await dovecot.stop();
});

describe.skipIf(noDovecot)('importing from an IMAP server (real Dovecot)', () => {
  it('reads the SMS and Call log folders over TLS, then only new mail on a re-run', async () => {
    await put(dovecot, 'SMS', [...(await mails([smsRecord(1), smsRecord(2), mmsRecord(3)])), NEWSLETTER]);
    await put(dovecot, 'Call log', await mails([callRecord(4), callRecord(5)]));
    const v = await vault();
    const t = target(dovecot, 'SMS');
    const first = await importImap(v, t, { password: dovecot.password, ca: [dovecot.certPem] });
    expect(first.map((r) => [r.folder, r.status, r.fetched])).toEqual([
      ['SMS', 'imported', 4],
      ['Call log', 'imported', 2],
    ]);
    expect(first[0]?.result?.counts).toMatchObject({ read: 3, new: 3, warnings: 1 });
    expect(first[0]?.result?.warnings[0]).toMatchObject({ code: 'mail-skipped' });
    expect(await counts(v)).toEqual({ sms: 2, mms: 1, calls: 2 });

    await put(dovecot, 'SMS', await mails([smsRecord(6), smsRecord(7)]));
    const second = await importImap(v, t, { password: dovecot.password, ca: [dovecot.certPem] });
    expect(second.map((r) => [r.folder, r.status, r.fetched])).toEqual([
      ['SMS', 'imported', 2],
      ['Call log', 'up-to-date', 0],
    ]);
    expect(await counts(v)).toEqual({ sms: 4, mms: 1, calls: 2 });

    const third = await importImap(v, t, { password: dovecot.password, ca: [dovecot.certPem] });
    expect(third.map((r) => r.status)).toEqual(['up-to-date', 'up-to-date']);

    // The mail was read with EXAMINE and BODY.PEEK: nothing on the server was marked seen.
    const c = await admin(dovecot);
    const status = await c.status('SMS', { unseen: true, messages: true });
    await c.logout();
    expect(status && status.unseen).toBe(status && status.messages);
  });

  it('a changed UIDVALIDITY reads the folder again, and dedup keeps the vault as it was', async () => {
    const records = [smsRecord(11), smsRecord(12)];
    await put(dovecot, 'Renumbered', await mails(records));
    const v = await vault();
    const t = target(dovecot, 'Renumbered');
    await importImap(v, t, { password: dovecot.password, ca: [dovecot.certPem], callFolder: null });
    const c = await admin(dovecot);
    await c.mailboxDelete('Renumbered');
    await c.logout();
    await put(dovecot, 'Renumbered', await mails([...records, smsRecord(13)]));
    const again = await importImap(v, t, { password: dovecot.password, ca: [dovecot.certPem], callFolder: null });
    expect(again[0]).toMatchObject({ status: 'imported', reread: true, fetched: 3 });
    expect(again[0]?.result?.counts).toMatchObject({ new: 1, duplicate: 2 });
  });

  it('a certificate that does not verify is a clear TLS error; --insecure accepts it only when asked', async () => {
    await put(dovecot, 'Tls', await mails([smsRecord(21)]));
    const v = await vault();
    const err = await importImap(v, target(dovecot, 'Tls'), { password: dovecot.password, callFolder: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImapError);
    expect((err as ImapError).kind).toBe('tls');
    expect((err as ImapError).message).toMatch(/certificate does not verify.*--insecure/);
    const ok = await importImap(v, target(dovecot, 'Tls'), { password: dovecot.password, callFolder: null, insecure: true });
    expect(ok[0]?.result?.counts.new).toBe(1);
  });

  it('STARTTLS and plain text work only when asked for (local servers)', async () => {
    await put(dovecot, 'Local', await mails([smsRecord(31)]));
    const v = await vault();
    const starttls = await importImap(v, target(dovecot, 'Local', dovecot.port), { password: dovecot.password, security: 'starttls', ca: [dovecot.certPem], callFolder: null });
    expect(starttls[0]?.result?.counts.new).toBe(1);
    const v2 = await vault();
    const plain = await importImap(v2, target(dovecot, 'Local', dovecot.port), { password: dovecot.password, security: 'plain', callFolder: null });
    expect(plain[0]?.result?.counts.new).toBe(1);
    // TLS (the default) against the plain port fails with a TLS error, never by falling back.
    const err = await importImap(await vault(), target(dovecot, 'Local', dovecot.port), { password: dovecot.password, callFolder: null }).catch((e: unknown) => e);
    expect((err as ImapError).kind).toBe('tls');
  });

  it('streams mail above the size limit from the server instead of holding it (media included)', async () => {
    await put(dovecot, 'Big', await mails([smsRecord(41), mmsRecord(42), smsRecord(43)]));
    const v = await vault();
    // Every mail here is above 100 bytes: all of them take the streaming path.
    const r = await importImap(v, target(dovecot, 'Big'), { password: dovecot.password, ca: [dovecot.certPem], callFolder: null, streamAbove: 100 });
    expect(r[0]).toMatchObject({ fetched: 3, result: { counts: { new: 3 } } });
    const part = await v.db.selectFrom('mms_parts').select('blob_sha256').where('blob_sha256', 'is not', null).executeTakeFirstOrThrow();
    expect(part.blob_sha256).toBe(PNG_SHA);
    const batched = await importImap(await vault(), target(dovecot, 'Big'), { password: dovecot.password, ca: [dovecot.certPem], callFolder: null });
    expect(batched[0]?.bytes).toBe(r[0]?.bytes);
  });

  it('a connection lost mid-import imports nothing from the folder, and the next run reads it all', async () => {
    await put(dovecot, 'Dropped', await mails([smsRecord(51), smsRecord(52), smsRecord(53)]));
    // A TCP relay between client and server, cut once the first bytes of mail have arrived.
    const sockets: net.Socket[] = [];
    const relay = net.createServer((client) => {
      const server = net.connect(dovecot.tlsPort, '127.0.0.1');
      sockets.push(client, server);
      client.pipe(server).on('error', () => undefined);
      server.pipe(client).on('error', () => undefined);
      client.on('error', () => undefined);
      server.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const address = relay.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const v = await vault();
      const options = { password: dovecot.password, ca: [dovecot.certPem], callFolder: null };
      const err = await importImap(v, target(dovecot, 'Dropped', port), {
        ...options,
        // One download per mail, so the connection is cut while mail is still coming.
        streamAbove: 1,
        onProgress: () => {
          for (const s of sockets) s.destroy();
        },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImapError);
      expect((err as ImapError).message).toMatch(/Dropped: the server connection .*nothing from this folder was imported, run the import again/);
      expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
      expect(await v.db.selectFrom('imap_sync_state').selectAll().execute()).toEqual([]);
      const again = await importImap(v, target(dovecot, 'Dropped', port), options);
      expect(again[0]?.result?.counts.new).toBe(3);
    } finally {
      relay.close();
    }
  });

  it('writes UID sets as ranges', () => {
    expect(uidSet([1, 2, 3, 7, 9, 10])).toBe('1:3,7,9:10');
    expect(uidSet([5])).toBe('5');
  });

  it('a missing SMS folder is a clear error', async () => {
    const err = await importImap(await vault(), target(dovecot, 'Nope'), { password: dovecot.password, ca: [dovecot.certPem] }).catch((e: unknown) => e);
    expect((err as ImapError).message).toMatch(/no folder "Nope"/);
  });

  // Last: Dovecot slows later logins from the same address after a failed one.
  it('a wrong password is a clear authentication error and imports nothing', async () => {
    const v = await vault();
    const err = await importImap(v, target(dovecot, 'SMS'), { password: 'wrong', ca: [dovecot.certPem] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImapError);
    expect((err as ImapError).kind).toBe('auth');
    expect((err as ImapError).message).toMatch(/refused the user name or password/);
    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
  });
});
