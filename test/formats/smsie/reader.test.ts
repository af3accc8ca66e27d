import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MalformedBackupError } from '../../../src/formats/errors.js';
import { hashOnlySink } from '../../../src/formats/hash-sink.js';
import { attr, type ArchiveRecord, type MmsRecord, type ReadWarning } from '../../../src/formats/records.js';
import { openBackup } from '../../../src/formats/registry.js';
import { providerMmsFields } from '../../../src/formats/provider-fields.js';
import { tempDir } from '../../helpers/temp.js';
import { writeZip } from '../../helpers/zip.js';
import { JPEG, mmsLine, smsIeZip, smsLine } from './build.js';

async function read(file: string, salvage = false): Promise<{ records: ArchiveRecord[]; warnings: ReadWarning[]; skipped?: string }> {
  const opened = await openBackup(file);
  const records: ArchiveRecord[] = [];
  const warnings: ReadWarning[] = [];
  try {
    const unit = opened.units[0];
    if (unit === undefined) throw new Error('no unit');
    const out = await unit.read({
      sink: hashOnlySink(),
      salvage,
      onBytes: () => undefined,
      handler: { header: () => undefined, record: (r) => records.push(r), warning: (w) => warnings.push(w) },
    });
    return { records, warnings, ...(out.skipped ? { skipped: out.skipped } : {}) };
  } finally {
    opened.dispose();
  }
}

describe('SMS Import/Export ZIP reader', () => {
  it('reads SMS and MMS lines into provider-named attributes, MMS date in ms, media from data/', async () => {
    const dir = tempDir();
    const file = await smsIeZip(dir, [smsLine(), mmsLine()]);
    const { records, warnings } = await read(file);
    expect(warnings).toEqual([]);
    expect(records.map((r) => r.kind)).toEqual(['sms', 'mms']);
    const sms = records[0];
    expect(sms?.attrs[0]).toEqual(['_id', '1']);
    expect(attr(sms?.attrs ?? [], 'date')).toBe('1700000000123');
    expect(attr(sms?.attrs ?? [], 'contact_name')).toBe('Ann');
    expect(attr(sms?.attrs ?? [], 'body')).toBe('Hello "there"\nsecond line 😀');
    const mms = records[1] as MmsRecord;
    // Seconds in sms-ie, milliseconds in the record model.
    expect(attr(mms.attrs, 'date')).toBe('1700000100000');
    expect(attr(mms.attrs, 'date_sent')).toBe('1700000099');
    expect(mms.addrs?.map((a) => attr(a.attrs, 'type'))).toEqual(['137', '151']);
    expect(mms.parts).toHaveLength(3);
    expect(mms.parts[1]?.media).toEqual({ sha256: createHash('sha256').update(JPEG).digest('hex'), size: JPEG.length });
    const f = providerMmsFields(mms);
    expect(f.participants).toEqual(['+15550001111']);
    expect(f.participantNames).toEqual(['Ann']);
    expect(f.text).toBe('Look at this');
    expect(f.dateMs).toBe(1700000100000);
    expect(f.direction).toBe('in');
  });

  it('a missing data/ file is damage with a warning, not a failure', async () => {
    const dir = tempDir();
    const file = await smsIeZip(dir, [mmsLine()], {});
    const { records, warnings } = await read(file);
    expect((records[0] as MmsRecord).parts[1]?.damage).toBe('empty');
    expect(warnings.map((w) => w.code)).toEqual(['media-empty']);
  });

  it('a malformed line fails with its line number; --salvage skips it and says so', async () => {
    const dir = tempDir();
    const file = await smsIeZip(dir, [smsLine(), '{"_id":"2", "address": ', smsLine({ _id: '3' })]);
    const err = await read(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedBackupError);
    expect((err as MalformedBackupError).line).toBe(2);
    expect((err as Error).message).toMatch(/messages\.ndjson:2:1: line 2 is not valid JSON.*--salvage/);
    const salvaged = await read(file, true);
    expect(salvaged.records).toHaveLength(2);
    expect(salvaged.warnings[0]?.code).toBe('line-skipped');
    expect(salvaged.skipped).toMatch(/skipped 1 damaged line/);
  });

  it('a line that is JSON but not an object is refused too', async () => {
    const dir = tempDir();
    const file = await smsIeZip(dir, ['[1,2]']);
    await expect(read(file)).rejects.toThrow(/line 1 is not a JSON object/);
  });

  it('refuses _data paths that climb out of their folder', async () => {
    const dir = tempDir();
    const evil = JSON.parse(mmsLine()) as { __parts: Record<string, string>[] };
    const part = evil.__parts[1];
    if (part) part._data = '/data/../../../etc/passwd';
    const file = await smsIeZip(dir, [JSON.stringify(evil)]);
    await expect(read(file)).rejects.toThrow(/line 1 has an unsafe part: _data path .* climbs out/);
  });

  it('refuses entry names with traversal and zip bombs, and says why', async () => {
    const dir = tempDir();
    const traversal = await writeZip(path.join(dir, 't.zip'), { 'messages.ndjson': smsLine() + '\n', 'zz/zz/evil': 'a' });
    // yazl refuses to write "../" names, so the name is patched in the archive's bytes (same length).
    const bytes = fs.readFileSync(traversal);
    const patched = Buffer.from(bytes.toString('latin1').replaceAll('zz/zz/evil', '../../evil'), 'latin1');
    fs.writeFileSync(traversal, patched);
    await expect(read(traversal)).rejects.toThrow(/refusing the archive: an entry name points outside the archive/);

    const bomb = await writeZip(path.join(dir, 'b.zip'), { 'messages.ndjson': smsLine() + '\n', 'data/zeros': Buffer.alloc(40 * 1024 * 1024) });
    await expect(read(bomb)).rejects.toThrow(/data\/zeros.* inflates \d+:1, which only a zip bomb does/);
  });

  it('a corrupt ZIP gets a clear error', async () => {
    const dir = tempDir();
    const file = await smsIeZip(dir, [smsLine()]);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 30));
    // It says where: yauzl's own messages say neither which part nor which entry.
    await expect(read(file)).rejects.toThrow(/damaged ZIP archive: the central directory record at the end of the file cannot be read \(/);
    const flipped = Buffer.from(bytes);
    const directory = flipped.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    flipped[directory + 1] = 0; // the last central directory entry's signature
    fs.writeFileSync(file, flipped);
    const entries = bytes.toString('latin1').split('PK\u0001\u0002').length - 1;
    await expect(read(file)).rejects.toThrow(`damaged ZIP archive at entry ${entries} of its central directory (invalid central directory file header signature`);
  });

  it('damaged compressed data inside messages.ndjson is an error, not silently short', async () => {
    const dir = tempDir();
    const lines = Array.from({ length: 2000 }, (_x, i) => smsLine({ _id: String(i), body: `message ${i} ${'x'.repeat(i % 50)}` }));
    const file = await smsIeZip(dir, lines, {});
    const bytes = fs.readFileSync(file);
    // Inside the deflated ndjson (it starts after the 30-byte local header and the name).
    for (let k = 200; k < 260; k++) bytes.writeUInt8(bytes.readUInt8(k) ^ 0x55, k);
    fs.writeFileSync(file, bytes);
    await expect(read(file)).rejects.toThrow(/damaged ZIP entry|not valid JSON/);
  });

  it('reads a bare messages.ndjson (CRLF, BOM) without its media', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'messages.ndjson');
    fs.writeFileSync(file, '\uFEFF' + [smsLine(), smsLine({ _id: '2', body: 'x' })].join('\r\n') + '\r\n');
    const { records } = await read(file);
    expect(records.map((r) => attr(r.attrs, 'body'))).toEqual(['Hello "there"\nsecond line 😀', 'x']);
  });
});
