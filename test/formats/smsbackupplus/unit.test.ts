import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotABackupError } from '../../../src/formats/errors.js';
import { writeMail } from '../../../src/formats/smsbackupplus/writer.js';
import { readRecords } from '../../helpers/records.js';
import { fixture, tempDir } from '../../helpers/temp.js';
import { counts, importAll, useVaults } from '../../helpers/vault.js';
import { callRecord, mailContext, mails, mbox, mmsRecord, NEWSLETTER, PNG_SHA, smsRecord } from './helpers.js';

const vault = useVaults();

describe('importing SMS Backup+ mail files', () => {
  it('an mbox (Google Takeout): SMS, MMS with media and calls; other mail skipped and counted', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'SMS.mbox');
    const records = [smsRecord(1, 'From the start\nof a line'), smsRecord(2), mmsRecord(3), callRecord(4)];
    fs.writeFileSync(file, mbox([...(await mails(records)).slice(0, 2), NEWSLETTER, ...(await mails(records)).slice(2)]));
    const v = await vault();
    const [result] = await importAll(v, [file]);
    expect(result).toMatchObject({ format: 'smsbackupplus-mbox', status: 'complete', sms: 2, mms: 1, calls: 1 });
    expect(result?.counts).toMatchObject({ read: 4, new: 4, warnings: 1 });
    expect(result?.warnings[0]).toMatchObject({ code: 'mail-skipped', column: 1 });
    expect(result?.warnings[0]?.message).toContain('Weekly news');
    expect(await counts(v)).toEqual({ sms: 2, mms: 1, calls: 1 });
    const body = await v.db.selectFrom('messages').select('body').where('kind', '=', 'sms').orderBy('date_ms').executeTakeFirstOrThrow();
    expect(body.body).toBe('From the start\nof a line');
    const part = await v.db.selectFrom('mms_parts').select('blob_sha256').where('blob_sha256', 'is not', null).executeTakeFirstOrThrow();
    expect(part.blob_sha256).toBe(PNG_SHA);
    expect(await v.blobs.check(PNG_SHA)).toMatchObject({ status: 'ok' });
  });

  it('a folder of .eml files is one all-or-nothing import; a single .eml file too', async () => {
    const dir = tempDir();
    const raw = await mails([smsRecord(1), smsRecord(2), callRecord(3)]);
    raw.forEach((m, i) => {
      fs.writeFileSync(path.join(dir, `${i}.eml`), m);
    });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not mail');
    const v = await vault();
    const [result] = await importAll(v, [dir]);
    expect(result).toMatchObject({ format: 'smsbackupplus-eml', status: 'complete', sms: 2, calls: 1 });
    const single = path.join(tempDir(), 'one.eml');
    fs.writeFileSync(single, (await writeMail(smsRecord(9), mailContext())).raw);
    const [one] = await importAll(v, [single]);
    expect(one).toMatchObject({ format: 'smsbackupplus-eml', sms: 1, counts: { new: 1 } });
  });

  it('a mail without any date is rejected with a warning, not guessed', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.eml'), (await mails([smsRecord(1)]))[0] ?? '');
    fs.writeFileSync(path.join(dir, 'b.eml'), 'X-smssync-datatype: SMS\r\nX-smssync-address: +15550001\r\nX-smssync-type: 1\r\n\r\nno date\r\n');
    const v = await vault();
    const [result] = await importAll(v, [dir]);
    expect(result?.counts).toMatchObject({ new: 1, rejected: 1 });
  });

  it('an empty folder gets a clear error', async () => {
    const v = await vault();
    await expect(importAll(v, [tempDir()])).rejects.toThrow(NotABackupError);
  });

  it('a number written differently in the mail (national format, MMS date in seconds) is still the same message', async () => {
    const v = await vault();
    const dir = tempDir();
    const xml = path.join(dir, 'sms.xml');
    fs.writeFileSync(
      xml,
      `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="2">\n` +
        `  <sms protocol="0" address="+15550001111" date="1600000000123" type="1" body="hello there" read="1" status="-1" />\n` +
        `  <mms date="1600000005000" msg_box="1" address="+15550001111" m_type="132" read="1"><parts><part seq="0" ct="text/plain" text="look" /></parts></mms>\n` +
        `</smses>\n`,
    );
    await importAll(v, [xml]);
    const mailDir = tempDir();
    const app = await mails(
      [
        { kind: 'sms', attrs: [['address', '(555) 000-1111'], ['date', '1600000000123'], ['type', '1'], ['body', 'hello there']], position: { line: 0, column: 0, index: 0 } },
        { kind: 'mms', attrs: [['date', '1600000005000'], ['msg_box', '1'], ['address', '555-000-1111'], ['m_type', '132']], parts: [{ attrs: [['ct', 'text/plain'], ['text', 'look']] }], addrs: null, position: { line: 0, column: 0, index: 0 } },
      ],
      false,
    );
    app.forEach((m, i) => {
      fs.writeFileSync(path.join(mailDir, `${i}.eml`), m);
    });
    expect(app[1]?.toString()).toMatch(/^X-smssync-date: 1600000005\r$/m);
    const [result] = await importAll(v, [mailDir]);
    expect(result?.counts).toMatchObject({ read: 2, new: 0 });
    expect(await counts(v)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('the same messages from SBR XML and from mail the app wrote are one message each', async () => {
    const v = await vault();
    const files = [fixture('sbr', 'sms-mms-small.xml'), fixture('sbr', 'mms-media.xml')];
    await importAll(v, files);
    const before = await counts(v);
    const dir = tempDir();
    let i = 0;
    for (const f of files) {
      const media = new Map<string, Buffer>();
      const ctx = { ...mailContext(false), media: { open: (sha: string) => [media.get(sha) ?? Buffer.alloc(0)] as unknown as AsyncIterable<Buffer> } };
      for (const r of await readRecords(f, { media })) fs.writeFileSync(path.join(dir, `${String(i++).padStart(5, '0')}.eml`), (await writeMail(r, ctx)).raw);
    }
    const [result] = await importAll(v, [dir]);
    expect(result?.counts.new).toBe(0);
    expect(await counts(v)).toEqual(before);
  });
});
