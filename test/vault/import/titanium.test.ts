/**
 * Titanium Backup messages XML into a vault: detected by content whatever the name (plain, gzip
 * and the worker thread give the same archive, media in the blob store); damaged or hostile input
 * gives one line with file and position and imports nothing; and the same SMS and MMS from
 * Titanium and from SMS Backup & Restore are one message each, whichever is imported first
 * (docs/dedup.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/formats/detect.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { TB_FIXTURE, TB_FIXTURES } from '../../formats/titanium/read.js';
import { tempDir } from '../../helpers/temp.js';
import { counts, importAll, useVaults } from '../../helpers/vault.js';
import { writeZip } from '../../helpers/zip.js';

const vault = useVaults();
const PNG_B64 = fs.readFileSync(path.join(TB_FIXTURES, 'image.png')).toString('base64');

/** The fixture's messages as SMS Backup & Restore wrote them on the same phone. */
function sbrCopy(dir: string): string {
  const file = path.join(dir, 'sms-20140105120000.xml');
  const sms = (address: string, date: number, type: number, body: string): string =>
    `  <sms protocol="0" address="${address}" date="${date}" type="${type}" subject="null" body="${body}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="x" contact_name="Ada Example" />\n`;
  const part = (seq: number, ct: string, rest: string): string => `      <part seq="${seq}" ct="${ct}" name="null" chset="106" cd="null" fn="null" cid="null" cl="x" ctt_s="null" ctt_t="null" ${rest} />\n`;
  fs.writeFileSync(
    file,
    `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="7" backup_set="t" backup_date="1388923200000" type="full">\n` +
      sms('+1 555 010 0101', 1388656800123, 1, 'Hello &amp; welcome &lt;3 &quot;friend&quot;') +
      sms('5550100101', 1388656860456, 2, '你好 &#55357;&#56832; line one&#10;line two') +
      sms('+15550100101', 1388656920000, 1, 'Two lines&#10;second line with a tab&#9;here') +
      sms('+15550100101', 1388656980000, 3, '') +
      `  <mms date="1388657040789" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="+15550100101" m_type="132" read="1" date_sent="1388657039" text_only="0" readable_date="x" contact_name="Ada Example">\n    <parts>\n` +
      part(0, 'application/smil', 'text="&lt;smil&gt;another layout&lt;/smil&gt;"') +
      part(0, 'text/plain', 'text="Look 👀 at this"') +
      part(0, 'image/png', `text="null" data="${PNG_B64}"`) +
      `    </parts>\n    <addrs>\n      <addr address="+15550100101" type="137" charset="106" />\n      <addr address="+15550100999" type="151" charset="106" />\n    </addrs>\n  </mms>\n` +
      `  <mms date="1388736000000" ct_t="application/vnd.wap.multipart.related" msg_box="2" address="+15550100303~+15550100202" m_type="128" read="1" date_sent="0" text_only="1" readable_date="x" contact_name="(Unknown)">\n    <parts>\n` +
      part(0, 'text/plain', 'text="Group hello"') +
      `    </parts>\n    <addrs>\n      <addr address="insert-address-token" type="137" charset="106" />\n      <addr address="+15550100202" type="151" charset="106" />\n      <addr address="+15550100303" type="151" charset="106" />\n    </addrs>\n  </mms>\n` +
      sms('+15550100404', 1388836800000, 1, 'Emoji as references 😀 and 🎉 and 中文') +
      `</smses>\n`,
  );
  return file;
}

describe('importing a Titanium Backup messages XML file', () => {
  it('detects it by content, whatever the name; plain, gzip and the worker thread give the same archive', async () => {
    const dir = tempDir();
    const renamed = path.join(dir, 'messages.bak');
    fs.copyFileSync(TB_FIXTURE, renamed);
    expect(await detectFormat(renamed)).toBe('titanium');
    const gz = path.join(dir, 'messages.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(TB_FIXTURE)));
    expect(await detectFormat(gz)).toBe('titanium');

    const a = await vault({ region: 'US' });
    const [r] = await importAll(a, [renamed]);
    expect(r).toMatchObject({ format: 'titanium', content: 'messages', status: 'complete', sms: 5, mms: 2, counts: { read: 7, new: 7, rejected: 0 }, warnings: [] });
    const rows = await a.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['kind', 'date_ms', 'direction', 'box', 'body', 'participants_key'])
      .orderBy('date_ms')
      .execute();
    expect(rows).toEqual([
      { kind: 'sms', date_ms: 1388656800123, direction: 'in', box: 1, body: 'Hello & welcome <3 "friend"', participants_key: '+15550100101' },
      { kind: 'sms', date_ms: 1388656860456, direction: 'out', box: 2, body: '你好 😀 line one\nline two', participants_key: '+15550100101' },
      { kind: 'sms', date_ms: 1388656920000, direction: 'in', box: 1, body: 'Two lines\nsecond line with a tab\there', participants_key: '+15550100101' },
      { kind: 'sms', date_ms: 1388656980000, direction: 'out', box: 3, body: '', participants_key: '+15550100101' },
      { kind: 'mms', date_ms: 1388657040789, direction: 'in', box: 1, body: 'Look 👀 at this', participants_key: '+15550100101' },
      { kind: 'mms', date_ms: 1388736000000, direction: 'out', box: 2, body: 'Group hello', participants_key: '+15550100202 +15550100303' },
      { kind: 'sms', date_ms: 1388836800000, direction: 'in', box: 1, body: 'Emoji as references 😀 and 🎉 and 中文', participants_key: '+15550100404' },
    ]);
    const b = await vault({ region: 'US' });
    await importFile(b, gz, { readIn: 'worker' });
    expect(await dumpVault(b)).toEqual(await dumpVault(a));
    // A ZIP of the app's folder: its XML, recognised by content, is one import; other files are left out.
    const zip = await writeZip(path.join(dir, 'TitaniumBackup.zip'), {
      'TitaniumBackup/com.keramidas.virtual.XML_MESSAGES-20140105-120000.xml': fs.readFileSync(TB_FIXTURE),
      'TitaniumBackup/com.example.app-20140105-120000.properties': 'app_label=Example\n',
    });
    expect(await detectFormat(zip)).toBe('titanium');
    const c = await vault({ region: 'US' });
    const fromZip = await importFile(c, zip);
    expect(fromZip.map((x) => [x.format, x.sms, x.mms])).toEqual([['titanium', 5, 2]]);
    expect(await dumpVault(c)).toEqual(await dumpVault(a));
    expect((await importFile(a, renamed)).map((x) => x.status)).toEqual(['skipped']);
  });

  it('damaged or hostile input: one line with the file and position, and nothing imported', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    const bytes = fs.readFileSync(TB_FIXTURE);
    const cut = path.join(dir, 'cut.xml');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.indexOf('Group hello')));
    const err = (await importFile(v, cut).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/cut\.xml:\d+:\d+: truncated file: it ends inside <part>/);
    expect(err.message.split('\n')).toHaveLength(1);
    const dtd = path.join(dir, 'dtd.xml');
    fs.writeFileSync(dtd, bytes.toString('utf8').replace('<threads ', '<!DOCTYPE threads [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n<threads '));
    // Detection still sees the <threads> root after the DOCTYPE; the reader refuses the DTD.
    await expect(importFile(v, dtd)).rejects.toThrow(/dtd\.xml:3:1: DOCTYPE is not allowed \(no DTDs or entity expansion in backups\)/);
    const entity = path.join(dir, 'entity.xml');
    fs.writeFileSync(entity, bytes.toString('utf8').replace('Group hello', 'Group &b;'));
    await expect(importFile(v, entity)).rejects.toThrow(/entity\.xml:\d+:\d+: undefined entity "&b;"/);
    const giant = path.join(dir, 'giant.xml');
    fs.writeFileSync(giant, bytes.toString('utf8').replace('address="+15550100404" encoding', `address="${'9'.repeat(2 * 1024 * 1024)}" encoding`));
    const small = await vault({ region: 'US', 'import.max-tag-size': String(1024 * 1024) });
    await expect(importFile(small, giant)).rejects.toThrow(/giant\.xml: the start tag <sms> at \d+:1 holds more than 1 MiB of text.*import\.max-tag-size/);
    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
    expect(await counts(small)).toEqual({ sms: 0, mms: 0, calls: 0 });
    // --salvage keeps the complete records before the damage.
    const salvaged = await importFile(v, cut, { salvage: true });
    expect(salvaged[0]?.status).toBe('partial');
    expect(await counts(v)).toEqual({ sms: 4, mms: 1, calls: 0 });
  });

  it('the same SMS and MMS from Titanium and from SMS Backup & Restore are one message each, in either order', async () => {
    const dir = tempDir();
    const sbr = sbrCopy(dir);
    const a = await vault({ region: 'US' });
    const first = await importAll(a, [TB_FIXTURE, sbr]);
    expect(first.map((r) => [r.format, r.counts.new, r.counts.duplicate + r.counts.updated])).toEqual([
      ['titanium', 7, 0],
      ['sbr', 0, 7],
    ]);
    const b = await vault({ region: 'US' });
    const second = await importAll(b, [sbr, TB_FIXTURE]);
    expect(second.map((r) => [r.format, r.counts.new, r.counts.duplicate + r.counts.updated])).toEqual([
      ['sbr', 7, 0],
      ['titanium', 0, 7],
    ]);
    expect(await counts(a)).toEqual({ sms: 5, mms: 2, calls: 0 });
    const dump = await dumpVault(a);
    expect(await dumpVault(b)).toEqual(dump);
    // SMS Backup & Restore's copy (dated, with contact names) is the one kept.
    const kept = dump.messages.find((m) => m.date_ms === 1388656800123);
    expect(Object.fromEntries(kept?.attrs as [string, string][])).toMatchObject({ contact_name: 'Ada Example' });
  });
});
