/**
 * Importing Android backups (.ab) into a real vault: counts, bodies, group conversations, MMS
 * dates in milliseconds; the same SMS and text MMS from an .ab and from SMS Backup & Restore are
 * one message whichever comes first; a file without messages or with the wrong password imports
 * nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBackups } from '../../src/vault/backups.js';
import { dumpVault } from '../../src/vault/dump.js';
import { DecryptionError, NotABackupError } from '../../src/formats/errors.js';
import { tempDir } from '../helpers/temp.js';
import { counts, importAll, useVaults } from '../helpers/vault.js';
import { abOf, callLogItems, otherAppItems, phoneTar, tarOf } from '../formats/androidbackup/build.js';

const vault = useVaults();
const HEAD = `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n`;

function abFile(dir: string, bytes: Buffer, name = 'backup.ab'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/**
 * SMS Backup & Restore's copy of the phone in build.ts's phoneTar(): the same two SMS and the
 * same two text-only MMS (dates in ms, a SMIL part, the group as a `~`-joined address).
 */
function sbrCopy(dir: string): string {
  const file = path.join(dir, 'sms-20231201000000.xml');
  const smil = '&lt;smil&gt;&lt;body&gt;&lt;par dur=&quot;5000ms&quot;&gt;&lt;text src=&quot;text.000000.txt&quot;/&gt;&lt;/par&gt;&lt;/body&gt;&lt;/smil&gt;';
  fs.writeFileSync(
    file,
    `${HEAD}<smses count="4" backup_set="s" backup_date="1701388800000" type="full">
  <sms protocol="0" address="(555) 000-1111" date="1700000000123" type="1" subject="sms subject" body="sms 1" toa="null" sc_toa="null" service_center="+15559999999" read="0" status="-1" locked="0" date_sent="1700000000000" sub_id="1" readable_date="Nov 14, 2023" contact_name="Ann" />
  <sms protocol="0" address="+15550001111" date="1700000100456" type="2" subject="null" body="sms 2&#10;line two" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="Nov 14, 2023" contact_name="Ann" />
  <mms date="1700000200000" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="+15550002222~+15550003333" m_type="132" read="0" date_sent="1700000199" sub="Subject 1" text_only="1" readable_date="x" contact_name="Bob, Cy">
    <parts>
      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null" text="${smil}" />
      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="null" cl="text.000000.txt" ctt_s="null" ctt_t="null" text="group hello" />
    </parts>
    <addrs>
      <addr address="+15550002222" type="137" charset="106" />
      <addr address="+15550000000" type="151" charset="106" />
      <addr address="+15550003333" type="151" charset="106" />
    </addrs>
  </mms>
  <mms date="1700000300000" ct_t="application/vnd.wap.multipart.related" msg_box="2" address="+15550001111" m_type="128" read="1" date_sent="0" text_only="1" readable_date="x" contact_name="Ann">
    <parts>
      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="null" cl="text.000000.txt" ctt_s="null" ctt_t="null" text="Mms&#10;Body&#13;&#10;" />
    </parts>
    <addrs>
      <addr address="insert-address-token" type="137" charset="106" />
      <addr address="+15550001111" type="151" charset="106" />
    </addrs>
  </mms>
</smses>
`,
  );
  return file;
}

describe('importing an Android backup (.ab)', () => {
  it('imports SMS and text MMS: bodies, the group conversation, MMS dates seconds -> ms', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    const file = abFile(dir, abOf(phoneTar(), { password: 'pw', rounds: 1000 }));
    const [r] = await importAll(v, [file], { passphrase: () => Promise.resolve('pw') });
    expect(r).toMatchObject({ format: 'android-backup', content: 'messages', sms: 2, mms: 2, counts: { read: 4, new: 4, rejected: 0 } });
    // The same file again is known by its SHA-256 (the digest the reader took while reading).
    const [again] = await importAll(v, [file], { passphrase: () => Promise.resolve('pw') });
    expect(again?.status).toBe('skipped');
    expect(await counts(v)).toEqual({ sms: 2, mms: 2, calls: 0 });
    const rows = await v.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['kind', 'date_ms', 'date_sent_ms', 'direction', 'body', 'participants_key'])
      .orderBy('date_ms')
      .execute();
    expect(rows).toEqual([
      { kind: 'sms', date_ms: 1700000000123, date_sent_ms: 1700000000000, direction: 'in', body: 'sms 1', participants_key: '+15550001111' },
      { kind: 'sms', date_ms: 1700000100456, date_sent_ms: 0, direction: 'out', body: 'sms 2\nline two', participants_key: '+15550001111' },
      { kind: 'mms', date_ms: 1700000200000, date_sent_ms: 1700000199000, direction: 'in', body: 'group hello', participants_key: expect.stringMatching(/^\+15550002222.\+15550003333$/) as unknown },
      { kind: 'mms', date_ms: 1700000300000, date_sent_ms: 0, direction: 'out', body: 'Mms\nBody\r\n', participants_key: '+15550001111' },
    ]);
  });

  it('the same SMS and text MMS from an .ab and from SBR are one message each, in either order', async () => {
    const dir = tempDir();
    const ab = abFile(dir, abOf(phoneTar()));
    const a = await vault({ region: 'US' });
    const first = await importAll(a, [ab, sbrCopy(dir)]);
    expect(first.map((r) => [r.format, r.counts.new])).toEqual([
      ['android-backup', 4],
      ['sbr', 0],
    ]);
    // The SBR copy comes from a dated backup: it replaces the .ab's, which has no backup date.
    expect(first[1]?.counts.updated).toBe(4);
    const b = await vault({ region: 'US' });
    const second = await importAll(b, [sbrCopy(dir), ab]);
    expect(second.map((r) => [r.format, r.counts.new, r.counts.duplicate])).toEqual([
      ['sbr', 4, 0],
      ['android-backup', 0, 4],
    ]);
    expect(await counts(a)).toEqual({ sms: 2, mms: 2, calls: 0 });
    expect(await dumpVault(a)).toEqual(await dumpVault(b));
  });

  it('infers the region from the messages inside; --salvage keeps the messages before damage', async () => {
    const dir = tempDir();
    const v = await vault();
    const bytes = abOf(phoneTar(), { compressed: false });
    // Cut inside the shared storage that follows the telephony entries.
    const cut = abFile(dir, bytes.subarray(0, bytes.length - 3000), 'cut.ab');
    await expect(importAll(v, [cut])).rejects.toThrow(/cut off inside "shared\/0\/DCIM\/photo.jpg"/);
    const [r] = await importAll(v, [cut], { salvage: true });
    expect(r).toMatchObject({ status: 'partial', region: 'US', sms: 2, mms: 2 });
    expect(r?.salvageReason).toMatch(/cut off/);
    // From the numbers in the telephony JSON (the sample reads through the tar to it).
    expect(r?.regionNote).toMatch(/inferred from \d+ numbers/);
    expect(await counts(v)).toEqual({ sms: 2, mms: 2, calls: 0 });
  });

  it('calls from the call-log agent and from SBR are one call, in either order', async () => {
    const dir = tempDir();
    const ab = abFile(dir, abOf(tarOf(callLogItems([{ number: '5550001111', date: 1700000000000n, duration: 12n, type: 1 }]))), 'calls.ab');
    const xml = path.join(dir, 'calls.xml');
    fs.writeFileSync(xml, `${HEAD}<calls count="1" backup_date="5"><call number="+15550001111" duration="12" date="1700000000000" type="1" presentation="1" readable_date="x" contact_name="Ann" /></calls>`);
    const a = await vault({ region: 'US' });
    const first = await importAll(a, [ab, xml]);
    expect(first.map((r) => [r.format, r.calls, r.counts.new])).toEqual([
      ['android-backup', 1, 1],
      ['sbr', 1, 0],
    ]);
    const b = await vault({ region: 'US' });
    await importAll(b, [xml, ab]);
    expect(await counts(a)).toEqual({ sms: 0, mms: 0, calls: 1 });
    expect(await counts(b)).toEqual({ sms: 0, mms: 0, calls: 1 });
  });

  it('an .ab without messages, or with the wrong password, imports nothing', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    const apps = abFile(dir, abOf(tarOf(otherAppItems())), 'apps.ab');
    await expect(importAll(v, [apps])).rejects.toBeInstanceOf(NotABackupError);
    await expect(importAll(v, [apps])).rejects.toThrow(/no messages/);
    const enc = abFile(dir, abOf(phoneTar(), { password: 'right', rounds: 1000 }), 'enc.ab');
    await expect(importAll(v, [enc], { passphrase: () => Promise.resolve('wrong') })).rejects.toBeInstanceOf(DecryptionError);
    const cut = fs.readFileSync(enc);
    fs.writeFileSync(enc, cut.subarray(0, cut.length - 40));
    await expect(importAll(v, [enc], { passphrase: () => Promise.resolve('right') })).rejects.toThrow(/cut off or damaged/);
    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
    expect(await listBackups(v)).toEqual([]);
  });
});
