/**
 * QKSMS backups into a vault: detected by content whatever the name (plain, gzip, worker thread
 * give the same archive); damaged input gives one line with file and position and imports
 * nothing; and the same SMS from QKSMS and from SMS Backup & Restore is one message, whichever
 * is imported first (docs/dedup.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/formats/detect.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { tempDir } from '../../helpers/temp.js';
import { counts, importAll, useVaults } from '../../helpers/vault.js';
import { QKSMS_FIXTURE } from '../../formats/qksms/fixture.js';

const vault = useVaults();

/** The fixture's four SMS as SMS Backup & Restore wrote them on the same phone (numbers and emoji written otherwise). */
function sbrCopy(dir: string): string {
  const file = path.join(dir, 'sms-20240102040000.xml');
  const sms = (attrs: string): string =>
    `  <sms protocol="0" ${attrs} subject="null" toa="null" sc_toa="null" service_center="null" status="-1" sub_id="1" readable_date="x" contact_name="Ada Example" />\n`;
  fs.writeFileSync(
    file,
    `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="4" backup_set="q" backup_date="1704168000000" type="full">\n` +
      sms('address="+15550100101" date="1704164645123" type="1" body="Hi from Ada &#55357;&#56832;👍🏽" read="1" locked="0" date_sent="1704164644000"') +
      sms('address="+1 (555) 010-0101" date="1704164700456" type="2" body="你好，世界&#10;第二行&#9;&quot;quoted&quot; and back\\slash" read="1" locked="1" date_sent="0"') +
      sms('address="+15550100202" date="1704164800000" type="1" body="Escaped 😀 emoji&#8232;and a line separator" read="1" locked="0" date_sent="1704164799000"') +
      sms('address="72975" date="1704165000000" type="3" body="STOP" read="1" locked="0" date_sent="0"') +
      `</smses>\n`,
  );
  return file;
}

describe('importing a QKSMS backup', () => {
  it('detects it by content, whatever the name; plain, gzip and the worker thread give the same archive', async () => {
    const dir = tempDir();
    const renamed = path.join(dir, 'download.txt');
    fs.copyFileSync(QKSMS_FIXTURE, renamed);
    expect(await detectFormat(renamed)).toBe('qksms');
    const gz = path.join(dir, 'backup.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(QKSMS_FIXTURE)));
    expect(await detectFormat(gz)).toBe('qksms');

    const a = await vault({ region: 'US' });
    const [r] = await importAll(a, [renamed]);
    expect(r).toMatchObject({ format: 'qksms', content: 'messages', status: 'complete', sms: 5, mms: 0, counts: { read: 5, new: 5, rejected: 0 } });
    expect(await counts(a)).toEqual({ sms: 5, mms: 0, calls: 0 });
    const rows = await a.db.selectFrom('messages').select(['date_ms', 'direction', 'box', 'body']).orderBy('date_ms').execute();
    expect(rows).toEqual([
      { date_ms: 1704164645123, direction: 'in', box: 1, body: 'Hi from Ada 😀👍🏽' },
      { date_ms: 1704164700456, direction: 'out', box: 2, body: '你好，世界\n第二行\t"quoted" and back\\slash' },
      { date_ms: 1704164800000, direction: 'in', box: 1, body: 'Escaped 😀 emoji\u2028and a line separator' },
      { date_ms: 1704164900000, direction: 'out', box: 2, body: '' },
      { date_ms: 1704165000000, direction: 'out', box: 3, body: 'STOP' },
    ]);
    const b = await vault({ region: 'US' });
    await importFile(b, gz, { readIn: 'worker' });
    expect(await dumpVault(b)).toEqual(await dumpVault(a));
    expect((await importFile(a, renamed)).map((x) => x.status)).toEqual(['skipped']);
  });

  it('damaged input: one line with the file and position, and nothing imported', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    const bytes = fs.readFileSync(QKSMS_FIXTURE);
    const cut = path.join(dir, 'cut.json');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.indexOf('STOP')));
    const err = (await importFile(v, cut).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/cut\.json:\d+:\d+: the file ends inside the array \(truncated\)$/);
    expect(err.message.split('\n')).toHaveLength(1);
    const typed = path.join(dir, 'typed.json');
    fs.writeFileSync(typed, bytes.toString('utf8').replace('"date": 1704165000000', '"date": "yesterday"'));
    await expect(importFile(v, typed)).rejects.toThrow(/typed\.json:\d+:3: element #5 \(line \d+\) has "date": the string "yesterday", not a whole number; fix or delete it, or import with --salvage/);
    const giant = path.join(dir, 'giant.json');
    fs.writeFileSync(giant, bytes.toString('utf8').replace('"STOP"', JSON.stringify('x'.repeat(3 * 1024 * 1024))));
    const small = await vault({ region: 'US', 'import.max-record-size': String(1024 * 1024) });
    await expect(importFile(small, giant)).rejects.toThrow(/giant\.json: message #5 at \d+:3 holds more than 1 MiB of text.*import\.max-record-size/);
    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
    expect(await counts(small)).toEqual({ sms: 0, mms: 0, calls: 0 });
    // --salvage keeps the complete messages before the damage.
    const salvaged = await importFile(v, cut, { salvage: true });
    expect(salvaged[0]?.status).toBe('partial');
    expect(await counts(v)).toEqual({ sms: 4, mms: 0, calls: 0 });
  });

  it('the same SMS from QKSMS and from SMS Backup & Restore is one message, in either order', async () => {
    const dir = tempDir();
    const sbr = sbrCopy(dir);
    const a = await vault({ region: 'US' });
    const first = await importAll(a, [QKSMS_FIXTURE, sbr]);
    expect(first.map((r) => [r.format, r.counts.new, r.counts.duplicate + r.counts.updated])).toEqual([
      ['qksms', 5, 0],
      ['sbr', 0, 4],
    ]);
    const b = await vault({ region: 'US' });
    const second = await importAll(b, [sbr, QKSMS_FIXTURE]);
    // The fifth is the MMS row QKSMS writes with an empty body: the SBR file has no such SMS.
    expect(second.map((r) => [r.format, r.counts.new, r.counts.duplicate + r.counts.updated])).toEqual([
      ['sbr', 4, 0],
      ['qksms', 1, 4],
    ]);
    expect(await counts(a)).toEqual({ sms: 5, mms: 0, calls: 0 });
    const dump = await dumpVault(a);
    expect(await dumpVault(b)).toEqual(dump);
    // SMS Backup & Restore's copy (dated, with contact names) is the one kept.
    const kept = dump.messages.find((m) => m.date_ms === 1704164645123);
    expect(Object.fromEntries(kept?.attrs as [string, string][])).toMatchObject({ contact_name: 'Ada Example', readable_date: 'x' });
  });
});
