/**
 * Signal / TextSecure / Silence "plaintext backup" XML (FORMATS.md 7.6): SMS Backup & Restore's
 * `<smses>` shape after a `<!-- File Created By Silence -->` comment, read by the SBR reader.
 * Pinned here with a synthetic fixture of that shape (test/fixtures/signal/): surrogate-pair
 * emoji references, `&#10;` newlines, a `null` body; and the same SMS from it and from an SMS
 * Backup & Restore file of the same phone are one message, whichever comes first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpVault } from '../../src/vault/dump.js';
import { tempDir } from '../helpers/temp.js';
import { counts, importAll, useVaults } from '../helpers/vault.js';

const vault = useVaults();
export const SILENCE = path.resolve(import.meta.dirname, '../fixtures/signal/SilencePlaintextBackup.xml');

/** SMS Backup & Restore's copy of the same four SMS: more attributes (date_sent, names, readable dates). */
export function sbrCopyOfSilence(dir: string): string {
  const file = path.join(dir, 'sms-20170714000000.xml');
  const row = (address: string, date: string, type: string, body: string, name: string): string =>
    `  <sms protocol="0" address="${address}" date="${date}" type="${type}" subject="null" body="${body}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="Jul 14, 2017" contact_name="${name}" />\n`;
  fs.writeFileSync(
    file,
    `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="4" backup_set="x" backup_date="1500000300000" type="full">\n` +
      row('+15550001111', '1500000000123', '1', 'Hello &#128512; there', 'Ann') +
      row('+15550001111', '1500000060456', '2', 'line one&#10;line two&#10;', 'Ann') +
      row('+15550002222', '1500000120789', '1', 'null', 'Bob') +
      row('+15550002222', '1500000180000', '2', 'a &amp; b &lt;c&gt; &quot;d&quot; &#127881;', 'Bob') +
      '</smses>\n',
  );
  return file;
}

describe('importing a Signal / Silence plaintext backup', () => {
  it('reads every SMS: emoji from surrogate-pair references, &#10; newlines, a null body, dates and boxes', async () => {
    const v = await vault({ region: 'US' });
    const [r] = await importAll(v, [SILENCE]);
    expect(r).toMatchObject({ format: 'sbr', content: 'messages', sms: 4, mms: 0, counts: { read: 4, new: 4, rejected: 0 } });
    expect(r?.warnings ?? []).toEqual([]);
    const rows = await v.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['kind', 'date_ms', 'direction', 'box', 'body', 'participants_key'])
      .orderBy('date_ms')
      .execute();
    expect(rows).toEqual([
      { kind: 'sms', date_ms: 1500000000123, direction: 'in', box: 1, body: 'Hello \u{1F600} there', participants_key: '+15550001111' },
      { kind: 'sms', date_ms: 1500000060456, direction: 'out', box: 2, body: 'line one\nline two\n', participants_key: '+15550001111' },
      { kind: 'sms', date_ms: 1500000120789, direction: 'in', box: 1, body: '', participants_key: '+15550002222' },
      { kind: 'sms', date_ms: 1500000180000, direction: 'out', box: 2, body: 'a & b <c> "d" \u{1F389}', participants_key: '+15550002222' },
    ]);
    // The app's comment is kept with the import.
    const run = await v.db.selectFrom('backups').select('header_json').executeTakeFirstOrThrow();
    expect(JSON.parse(run.header_json)).toMatchObject({ creator: 'File Created By Silence' });
  });

  it('the same SMS from Silence and from SMS Backup & Restore are one message, in either order', async () => {
    const dir = tempDir();
    const sbr = sbrCopyOfSilence(dir);
    const a = await vault({ region: 'US' });
    const first = await importAll(a, [SILENCE, sbr]);
    expect(first.map((r) => [r.counts.new, r.counts.duplicate + r.counts.updated])).toEqual([
      [4, 0],
      [0, 4],
    ]);
    const b = await vault({ region: 'US' });
    const second = await importAll(b, [sbr, SILENCE]);
    expect(second.map((r) => [r.counts.new, r.counts.duplicate + r.counts.updated])).toEqual([
      [4, 0],
      [0, 4],
    ]);
    expect(await counts(a)).toEqual({ sms: 4, mms: 0, calls: 0 });
    expect(await counts(b)).toEqual({ sms: 4, mms: 0, calls: 0 });
    expect(await dumpVault(a)).toEqual(await dumpVault(b));
  });
});
