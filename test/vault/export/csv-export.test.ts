import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { exportCsv } from '../../../src/vault/export/csv-export.js';
import type { ExportKind } from '../../../src/vault/export/selection.js';
import { importExportFixture } from '../../helpers/export-fixture.js';
import { expectGolden } from '../../helpers/golden.js';
import { tempDir } from '../../helpers/temp.js';
import { useVaults } from '../../helpers/vault.js';

// Golden bytes hold local times: pin the zone (DST-observing, to check the offset is per date).
process.env.TZ = 'Europe/Berlin';
type Row = Record<string, string>;
const ALL = new Set<ExportKind>(['sms', 'mms', 'calls']);
const vault = useVaults();

describe('CSV export', () => {
  it('writes messages.csv and calls.csv byte for byte as the golden files', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    const result = await exportCsv(v, { kinds: ALL }, { outDir: out });
    expect(result.files.map((f) => [path.basename(f.path), f.records])).toEqual([
      ['messages.csv', 10],
      ['calls.csv', 3],
    ]);
    expectGolden('messages.csv', fs.readFileSync(path.join(out, 'messages.csv')));
    expectGolden('calls.csv', fs.readFileSync(path.join(out, 'calls.csv')));
    expect(fs.readdirSync(out).sort()).toEqual(['calls.csv', 'messages.csv']);
  });

  it('parses back with csv-parse into the archive values, with a BOM when asked', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    await exportCsv(v, { kinds: ALL }, { outDir: out, bom: true });
    const bytes = fs.readFileSync(path.join(out, 'messages.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse<Row>(bytes, { bom: true, columns: true });
    expect(rows).toHaveLength(10);
    const lines = rows.find((r) => r.text === 'Line one\nLine two');
    expect(lines).toMatchObject({ direction: 'out', sender: 'Me', recipients: 'Alice Example (+15550001001)', date: '2024-06-01T02:01:00.000+02:00', date_ms: '1717200060000' });
    expect(rows.find((r) => r.text?.startsWith('Hello'))?.text).toBe('Hello, "world"');
    // Formula-like text gets the leading ' a spreadsheet needs to show it as text (CSV injection).
    expect(rows.find((r) => r.text?.startsWith("'=1+1"))).toMatchObject({ sender: 'Борис (+15550001002)', text: "'=1+1 <b>not bold</b> & more" });
    const group = rows.find((r) => r.text?.startsWith('Group hello'));
    expect(group).toMatchObject({ kind: 'mms', recipient_addresses: '+15550001001; +15550001002', attachments: 'pic.jpg' });
    expect(rows.find((r) => r.attachments?.includes('clip.mp4'))).toMatchObject({ sender_address: '+15550001002', attachments: 'clip.mp4; voice.mp3; notes.pdf' });
    const calls = parse<Row>(fs.readFileSync(path.join(out, 'calls.csv')), { bom: true, columns: true });
    expect(calls.map((c) => [c.type, c.name, c.duration_s])).toEqual([
      ['incoming', 'Alice Example', '65'],
      ['missed', 'Борис', '0'],
      ['outgoing', '', '3725'],
    ]);
  });

  it('writes formula-like text exactly with raw, and keeps numbers as they are either way', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    await exportCsv(v, { kinds: ALL }, { outDir: out, raw: true });
    const rows = parse<Row>(fs.readFileSync(path.join(out, 'messages.csv')), { columns: true });
    expect(rows.find((r) => r.text?.includes('=1+1'))?.text).toBe('=1+1 <b>not bold</b> & more');
    expect(rows.find((r) => r.text?.startsWith('Group hello'))?.recipient_addresses).toBe('+15550001001; +15550001002');
  });

  it('applies the filters: contact, date range, kinds', async () => {
    const v = await vault();
    await importExportFixture(v);
    const rowsOf = async (sel: Parameters<typeof exportCsv>[1]): Promise<{ messages: Record<string, string>[]; calls: Record<string, string>[] }> => {
      const out = tempDir();
      await exportCsv(v, sel, { outDir: out });
      const read = (n: string): Record<string, string>[] =>
        fs.existsSync(path.join(out, n)) ? parse<Row>(fs.readFileSync(path.join(out, n)), { columns: true }) : [];
      return { messages: read('messages.csv'), calls: read('calls.csv') };
    };
    const boris = await rowsOf({ contact: '+1 555 000 1002', kinds: ALL });
    // Boris's own thread (3) and the two group MMS he is in; his one call.
    expect(boris.messages).toHaveLength(5);
    expect(boris.calls.map((c) => c.number)).toEqual(['+15550001002']);
    const byName = await rowsOf({ contact: 'Alice Example', kinds: new Set<ExportKind>(['sms']) });
    expect(byName.messages.map((m) => m.kind)).toEqual(['sms', 'sms', 'sms']);
    expect(byName.calls).toEqual([]);
    const day2 = await rowsOf({ since: Date.parse('2024-06-02T00:00:00Z'), kinds: ALL });
    expect(day2.messages.map((m) => m.text)).toEqual(['Your code is 123456']);
    expect(day2.calls).toEqual([]);
    await expect(exportCsv(v, { contact: '+15559999999', kinds: ALL }, { outDir: tempDir() })).rejects.toThrow(/no messages or calls/);
  });
});
