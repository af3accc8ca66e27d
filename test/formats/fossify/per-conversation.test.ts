/**
 * Simple SMS Messenger before 5.19 (FORMATS.md 7.3): one object per conversation,
 * `[{"sms": [...], "mms": [...]}, ...]`, recognised by content and flattened by the Fossify reader.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/formats/detect.js';
import { MalformedBackupError } from '../../../src/formats/errors.js';
import { hashOnlySink } from '../../../src/formats/hash-sink.js';
import { attr, type ArchiveRecord, type MmsRecord } from '../../../src/formats/records.js';
import { openBackup } from '../../../src/formats/registry.js';
import { tempDir } from '../../helpers/temp.js';

export const OLD_SIMPLE_SMS = path.resolve(import.meta.dirname, '../../fixtures/simplesms/messages-2022.json');

async function read(file: string): Promise<ArchiveRecord[]> {
  const opened = await openBackup(file);
  const records: ArchiveRecord[] = [];
  const unit = opened.units[0];
  if (unit === undefined) throw new Error('no unit');
  expect(unit.format).toBe('fossify');
  await unit.read({ sink: hashOnlySink(), salvage: false, onBytes: () => undefined, handler: { header: () => undefined, record: (r) => records.push(r), warning: () => undefined } });
  return records;
}

describe('Simple SMS Messenger before 5.19 (one object per conversation)', () => {
  it('is recognised by content (whatever its name) and flattened: SMS and MMS of every conversation, MMS date seconds -> ms', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'whatever.txt');
    fs.copyFileSync(OLD_SIMPLE_SMS, file);
    expect(await detectFormat(file)).toBe('fossify');
    const records = await read(file);
    expect(records.map((r) => [r.kind, attr(r.attrs, 'date'), attr(r.attrs, 'body') ?? null])).toEqual([
      ['sms', '1650000000123', 'old one'],
      ['sms', '1650000060456', 'reply\nline two'],
      ['mms', '1650000120000', null],
      ['sms', '1650000180000', 'other chat'],
    ]);
    expect(records.map((r) => r.position.index)).toEqual([0, 1, 2, 3]);
    const mms = records[2] as MmsRecord;
    expect(mms.parts.map((p) => p.media?.size ?? null)).toEqual([null, 29]);
    expect(attr(records[0]?.attrs ?? [], 'backupType')).toBeUndefined();
  });

  it('a conversation holding something that is not a message, or a cut-off file, is a malformed backup', async () => {
    const dir = tempDir();
    const wrong = path.join(dir, 'wrong.json');
    fs.writeFileSync(wrong, JSON.stringify([{ sms: [1, 2], mms: [] }]));
    await expect(read(wrong)).rejects.toThrow(/element #1 \(line 1\) has an SMS or MMS that is not an object/);
    const cut = path.join(dir, 'cut.json');
    const whole = fs.readFileSync(OLD_SIMPLE_SMS);
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 40));
    await expect(read(cut)).rejects.toBeInstanceOf(MalformedBackupError);
  });
});
