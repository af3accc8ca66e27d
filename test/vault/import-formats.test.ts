/**
 * Importing sms-ie, Fossify and vCard files into a vault: the same message from different apps
 * is one message; encrypted files need their passphrase and are all-or-nothing.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBackups } from '../../src/vault/backups.js';
import { dumpVault } from '../../src/vault/dump.js';
import { verifyVault } from '../../src/vault/verify.js';
import { encryptSsef } from '../../src/formats/smsie/ssef.js';
import { DecryptionError } from '../../src/formats/smsie/ssef.js';
import { tempDir } from '../helpers/temp.js';
import { counts, importAll, useVaults } from '../helpers/vault.js';
import { fossifyMms, fossifySms } from '../formats/fossify/build.js';
import { JPEG, mmsLine, smsIeZip, smsLine } from '../formats/smsie/build.js';

const vault = useVaults();
const HEAD = `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n`;
const JPEG64 = JPEG.toString('base64');

/** The same two messages as smsLine()/mmsLine() and fossify*, as SMS Backup & Restore wrote them. */
function sbrCopy(dir: string): string {
  const file = path.join(dir, 'sms-20240101000000.xml');
  fs.writeFileSync(
    file,
    `${HEAD}<smses count="2" backup_set="x" backup_date="1700000200000" type="full">
  <sms protocol="0" address="+1 555-000-1111" date="1700000000123" type="1" subject="null" body="Hello &quot;there&quot;&#10;second line &#55357;&#56832;" toa="null" sc_toa="null" service_center="+15550000000" read="1" status="-1" locked="0" date_sent="1700000000000" sub_id="1" readable_date="Nov 14, 2023" contact_name="Ann" />
  <mms date="1700000100000" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="+15550001111" m_type="132" read="1" date_sent="1700000099" readable_date="x" contact_name="Ann">
    <parts>
      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null" text="&lt;smil&gt;other layout&lt;/smil&gt;" />
      <part seq="0" ct="image/jpeg" name="img.jpg" chset="null" cd="null" fn="null" cid="null" cl="img.jpg" ctt_s="null" ctt_t="null" text="null" data="${JPEG64}" />
      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="null" cl="null" ctt_s="null" ctt_t="null" text="Look at this" />
    </parts>
    <addrs>
      <addr address="+15550001111" type="137" charset="106" />
      <addr address="+15550009999" type="151" charset="106" />
    </addrs>
  </mms>
</smses>
`,
  );
  return file;
}

function fossifyCopy(dir: string): string {
  const file = path.join(dir, 'fossify.json');
  const sms = fossifySms({ address: '(555) 000-1111', body: 'Hello "there"\nsecond line 😀', date: 1700000000123 });
  const mms = fossifyMms({
    msg_box: 1,
    m_type: 132,
    date: 1700000100,
    addresses: [
      { address: '5550001111', type: 137, charset: 106 },
      { address: '+15550009999', type: 151, charset: 106 },
    ],
    parts: [
      { cd: null, chset: null, cid: null, cl: null, ct: 'application/smil', ctt_s: null, ctt_t: null, fn: null, name: null, seq: -1, text: '<smil>third layout</smil>', data: null },
      { cd: null, chset: null, cid: null, cl: 'x.jpg', ct: 'image/jpeg', ctt_s: null, ctt_t: null, fn: null, name: 'x.jpg', seq: 0, text: null, data: JPEG64 },
      { cd: null, chset: '106', cid: null, cl: null, ct: 'text/plain', ctt_s: null, ctt_t: null, fn: null, name: null, seq: 0, text: 'Look at this', data: null },
    ],
  });
  fs.writeFileSync(file, JSON.stringify([sms, mms]));
  return file;
}

describe('one message, whichever app backed it up', () => {
  it('the same SMS and MMS from SBR, sms-ie and Fossify are one SMS and one MMS', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    const results = await importAll(v, [sbrCopy(dir), await smsIeZip(dir, [smsLine({ address: '5550001111' }), mmsLine()]), fossifyCopy(dir)]);
    expect(results.map((r) => r.format)).toEqual(['sbr', 'sms-ie', 'fossify']);
    expect(results.map((r) => r.counts.new)).toEqual([2, 0, 0]);
    expect(await counts(v)).toEqual({ sms: 1, mms: 1, calls: 0 });
    // The SBR copy is from a dated backup: it stays; the others are sightings.
    expect(results[1]?.counts.duplicate).toBe(2);
  });

  it('in any order: sms-ie first, then SBR', async () => {
    const dir = tempDir();
    const a = await vault({ region: 'US' });
    await importAll(a, [await smsIeZip(dir, [smsLine(), mmsLine()]), fossifyCopy(dir), sbrCopy(dir)]);
    const b = await vault({ region: 'US' });
    await importAll(b, [sbrCopy(dir), fossifyCopy(dir), await smsIeZip(dir, [smsLine(), mmsLine()], undefined, 'again.zip')]);
    expect(await counts(a)).toEqual({ sms: 1, mms: 1, calls: 0 });
    expect(await dumpVault(a)).toEqual(await dumpVault(b));
  });

  it('calls from sms-ie JSON and SBR XML are one call', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    const xml = path.join(dir, 'calls.xml');
    fs.writeFileSync(xml, `${HEAD}<calls count="1" backup_date="5"><call number="+15550001111" duration="12" date="1700000000000" type="1" presentation="1" readable_date="x" contact_name="Ann" /></calls>`);
    const json = path.join(dir, 'calls-2024-01-01.json');
    fs.writeFileSync(json, JSON.stringify([{ _id: '1', number: '5550001111', date: '1700000000000', duration: '12', type: '1', presentation: '1', display_name: 'Ann' }]));
    const rs = await importAll(v, [json, xml]);
    expect(rs.map((r) => [r.format, r.content, r.counts.new])).toEqual([
      ['sms-ie-calls', 'calls', 1],
      ['sbr', 'calls', 0],
    ]);
    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 1 });
  });
});

describe('encrypted SMS Import/Export backups', () => {
  const FAST = { timeCost: 1, memoryKiB: 64, chunkSize: 4096 };

  it('import with the passphrase; a wrong passphrase or a tampered file imports nothing', async () => {
    const dir = tempDir();
    const zip = await smsIeZip(dir, [smsLine(), mmsLine()]);
    const enc = path.join(dir, 'messages-2024-01-01.zip.ssef');
    await encryptSsef(zip, enc, 'open sesame', FAST);
    const v = await vault({ region: 'US' });

    await expect(importAll(v, [enc])).rejects.toThrow(/is encrypted .* --passphrase-file/);
    await expect(importAll(v, [enc], { passphrase: () => Promise.resolve('wrong') })).rejects.toBeInstanceOf(DecryptionError);
    const tampered = path.join(dir, 'tampered.ssef');
    const bytes = fs.readFileSync(enc);
    const at = bytes.length - 40;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x20, at);
    fs.writeFileSync(tampered, bytes);
    await expect(importAll(v, [tampered], { passphrase: () => Promise.resolve('open sesame') })).rejects.toThrow(/failed authentication|wrong passphrase/);
    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
    expect(await listBackups(v)).toEqual([]);
    // No decrypted copy is left behind.
    expect(fs.readdirSync(path.join(v.dir, 'tmp'))).toEqual([]);

    const rs = await importAll(v, [enc], { passphrase: () => Promise.resolve('open sesame') });
    expect(rs[0]).toMatchObject({ format: 'sms-ie', file: enc, counts: { new: 2 } });
    expect(await counts(v)).toEqual({ sms: 1, mms: 1, calls: 0 });
    expect(fs.readdirSync(path.join(v.dir, 'tmp'))).toEqual([]);
  });
});

describe('contacts files name numbers', () => {
  it('vCard and sms-ie contacts fill the contacts table; the address book wins over older backup names', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    await importAll(v, [sbrCopy(dir)]);
    const vcf = path.join(dir, 'contacts.vcf');
    fs.writeFileSync(vcf, 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Smith\r\nTEL;TYPE=CELL:(555) 000-1111\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nTEL:+1 555 000 2222\r\nEND:VCARD\r\n');
    const [r] = await importAll(v, [vcf]);
    expect(r).toMatchObject({ format: 'vcard', content: 'contacts', contacts: 2, counts: { read: 2, new: 1, updated: 1 } });
    const json = path.join(dir, 'contacts-2024-01-01.json');
    fs.writeFileSync(
      json,
      JSON.stringify([
        {
          _id: '1',
          display_name: 'Carol',
          raw_contacts: [{ _id: '1', contacts_data: [{ mimetype: 'vnd.android.cursor.item/phone_v2', data1: '555-000-3333' }, { mimetype: 'vnd.android.cursor.item/name', data1: 'Carol' }] }],
        },
      ]),
    );
    await importAll(v, [json]);
    const contacts = await v.db.selectFrom('contacts').select(['address_norm', 'name']).orderBy('address_norm').execute();
    expect(contacts).toEqual([
      { address_norm: '+15550001111', name: 'Ann Smith' },
      { address_norm: '+15550002222', name: 'Bob' },
      { address_norm: '+15550003333', name: 'Carol' },
    ]);
    // An older backup naming Ann differently does not undo the address book.
    await importAll(v, [sbrCopy(tempDir())], { force: true });
    expect((await v.db.selectFrom('contacts').select('name').where('address_norm', '=', '+15550001111').executeTakeFirst())?.name).toBe('Ann Smith');
  });
});

describe('contact photos', () => {
  it('vCard (3.0 ENCODING=b, 4.0 data: URI) and sms-ie photos are stored as verified blobs', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    const b64 = JPEG.toString('base64');
    const vcf = path.join(dir, 'c.vcf');
    fs.writeFileSync(
      vcf,
      `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nTEL:+15550001111\r\nPHOTO;ENCODING=b;TYPE=JPEG:${b64.slice(0, 20)}\r\n ${b64.slice(20)}\r\nEND:VCARD\r\n` +
        `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob\r\nTEL:+15550002222\r\nPHOTO:data:image/jpeg;base64,${b64}\r\nEND:VCARD\r\n` +
        `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Url Only\r\nTEL:+15550003333\r\nPHOTO:https://example.com/p.jpg\r\nEND:VCARD\r\n`,
    );
    await importAll(v, [vcf]);
    const sha = createHash('sha256').update(JPEG).digest('hex');
    const rows = await v.db.selectFrom('contacts').select(['address_norm', 'photo_sha256']).orderBy('address_norm').execute();
    expect(rows).toEqual([
      { address_norm: '+15550001111', photo_sha256: sha },
      { address_norm: '+15550002222', photo_sha256: sha },
      { address_norm: '+15550003333', photo_sha256: null },
    ]);
    const report = await verifyVault(v);
    expect(report.problems).toEqual([]);
    expect(report.unreferencedBlobs).toBe(0);
    expect(await v.blobs.check(sha)).toMatchObject({ status: 'ok' });

    const json = path.join(dir, 'contacts-2024-01-01.json');
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    fs.writeFileSync(
      json,
      JSON.stringify([
        {
          display_name: 'Carol',
          raw_contacts: [
            {
              contacts_data: [
                { mimetype: 'vnd.android.cursor.item/phone_v2', data1: '+15550004444' },
                { mimetype: 'vnd.android.cursor.item/photo', data15__base64__: png.toString('base64') },
              ],
            },
          ],
        },
      ]),
    );
    await importAll(v, [json]);
    const carol = await v.db.selectFrom('contacts').select('photo_sha256').where('address_norm', '=', '+15550004444').executeTakeFirst();
    expect(carol?.photo_sha256).toBe(createHash('sha256').update(png).digest('hex'));
  });
});

describe('region inference from other formats', () => {
  it('a vCard imported first infers the region from its numbers, not a default', async () => {
    const dir = tempDir();
    const v = await vault();
    const vcf = path.join(dir, 'c.vcf');
    fs.writeFileSync(vcf, 'BEGIN:VCARD\nVERSION:4.0\nFN:Jo\nTEL;TYPE=cell:tel:+44 7700 900123\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Al\nTEL:+44 20 7946 0000\nEND:VCARD\n');
    const [r] = await importAll(v, [vcf]);
    expect(r?.region).toBe('GB');
    const json = path.join(dir, 'messages.ndjson');
    fs.writeFileSync(json, smsLine({ address: '+33612345678' }) + '\n');
    const w = await vault();
    expect((await importAll(w, [json]))[0]?.region).toBe('FR');
  });
});
