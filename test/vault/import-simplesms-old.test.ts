/**
 * Simple SMS Messenger before 5.19 (one object per conversation) into a real vault: counts,
 * bodies, dates, boxes; and the same SMS and MMS from it and from SMS Backup & Restore are one
 * message each, whichever is imported first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpVault } from '../../src/vault/dump.js';
import { tempDir } from '../helpers/temp.js';
import { counts, importAll, useVaults } from '../helpers/vault.js';

const vault = useVaults();
const OLD = path.resolve(import.meta.dirname, '../fixtures/simplesms/messages-2022.json');
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAA=';

function sbrCopy(dir: string): string {
  const file = path.join(dir, 'sms-20220415000000.xml');
  fs.writeFileSync(
    file,
    `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="4" backup_set="s" backup_date="1650000300000" type="full">
  <sms protocol="0" address="+15550001111" date="1650000000123" type="1" subject="null" body="old one" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="1650000000000" sub_id="1" readable_date="x" contact_name="Ann" />
  <sms protocol="0" address="+15550001111" date="1650000060456" type="2" subject="null" body="reply&#10;line two" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="x" contact_name="Ann" />
  <mms date="1650000120000" ct_t="application/vnd.wap.multipart.related" msg_box="2" address="+15550001111" m_type="128" read="1" date_sent="0" text_only="0" readable_date="x" contact_name="Ann">
    <parts>
      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="null" cl="text.txt" ctt_s="null" ctt_t="null" text="a picture" />
      <part seq="0" ct="image/png" name="a.png" chset="null" cd="null" fn="null" cid="null" cl="a.png" ctt_s="null" ctt_t="null" text="null" data="${PNG_B64}" />
    </parts>
    <addrs>
      <addr address="insert-address-token" type="137" charset="106" />
      <addr address="+15550001111" type="151" charset="106" />
    </addrs>
  </mms>
  <sms protocol="0" address="+15550002222" date="1650000180000" type="1" subject="null" body="other chat" toa="null" sc_toa="null" service_center="+15559999999" read="0" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="x" contact_name="Bob" />
</smses>
`,
  );
  return file;
}

describe('importing a Simple SMS Messenger export from before 5.19', () => {
  it('flattens the conversations: counts, bodies, dates (MMS seconds -> ms), boxes', async () => {
    const v = await vault({ region: 'US' });
    const [r] = await importAll(v, [OLD]);
    expect(r).toMatchObject({ format: 'fossify', sms: 3, mms: 1, counts: { read: 4, new: 4, rejected: 0 } });
    const rows = await v.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['kind', 'date_ms', 'box', 'direction', 'body', 'participants_key'])
      .orderBy('date_ms')
      .execute();
    expect(rows).toEqual([
      { kind: 'sms', date_ms: 1650000000123, box: 1, direction: 'in', body: 'old one', participants_key: '+15550001111' },
      { kind: 'sms', date_ms: 1650000060456, box: 2, direction: 'out', body: 'reply\nline two', participants_key: '+15550001111' },
      { kind: 'mms', date_ms: 1650000120000, box: 2, direction: 'out', body: 'a picture', participants_key: '+15550001111' },
      { kind: 'sms', date_ms: 1650000180000, box: 1, direction: 'in', body: 'other chat', participants_key: '+15550002222' },
    ]);
  });

  it('the same SMS and MMS from it and from SMS Backup & Restore are one message each, in either order', async () => {
    const dir = tempDir();
    const sbr = sbrCopy(dir);
    const a = await vault({ region: 'US' });
    const first = await importAll(a, [OLD, sbr]);
    expect(first.map((r) => [r.format, r.counts.new, r.counts.duplicate + r.counts.updated])).toEqual([
      ['fossify', 4, 0],
      ['sbr', 0, 4],
    ]);
    const b = await vault({ region: 'US' });
    const second = await importAll(b, [sbr, OLD]);
    expect(second.map((r) => [r.format, r.counts.new, r.counts.duplicate + r.counts.updated])).toEqual([
      ['sbr', 4, 0],
      ['fossify', 0, 4],
    ]);
    expect(await counts(a)).toEqual({ sms: 3, mms: 1, calls: 0 });
    expect(await dumpVault(a)).toEqual(await dumpVault(b));
  });
});
