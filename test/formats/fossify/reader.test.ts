import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MalformedBackupError } from '../../../src/formats/errors.js';
import { hashOnlySink } from '../../../src/formats/hash-sink.js';
import { providerMmsFields } from '../../../src/formats/provider-fields.js';
import { attr, type ArchiveRecord, type MmsRecord, type ReadWarning } from '../../../src/formats/records.js';
import { openBackup } from '../../../src/formats/registry.js';
import { tempDir } from '../../helpers/temp.js';
import { fossifyMms, fossifySms, PNG } from './build.js';

async function read(file: string, salvage = false): Promise<{ records: ArchiveRecord[]; warnings: ReadWarning[] }> {
  const opened = await openBackup(file);
  const records: ArchiveRecord[] = [];
  const warnings: ReadWarning[] = [];
  const unit = opened.units[0];
  if (unit === undefined) throw new Error('no unit');
  expect(unit.format).toBe('fossify');
  await unit.read({ sink: hashOnlySink(), salvage, onBytes: () => undefined, handler: { header: () => undefined, record: (r) => records.push(r), warning: (w) => warnings.push(w) } });
  return { records, warnings };
}

describe('Fossify Messages reader', () => {
  it('reads typed values into provider columns (both key styles), MMS date seconds -> ms, inline media', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'export.json');
    fs.writeFileSync(file, JSON.stringify([fossifySms(), fossifyMms()], null, 2));
    const { records, warnings } = await read(file);
    expect(warnings).toEqual([]);
    const [sms, mms] = records as [ArchiveRecord, MmsRecord];
    expect(sms.attrs).toContainEqual(['sub_id', '1']);
    expect(sms.attrs).toContainEqual(['date_sent', '1700000000000']);
    expect(sms.attrs).toContainEqual(['service_center', 'null']);
    expect(attr(sms.attrs, 'backupType')).toBeUndefined();
    expect(attr(mms.attrs, 'date')).toBe('1700000100000');
    expect(mms.parts[1]?.media).toEqual({ sha256: createHash('sha256').update(PNG).digest('hex'), size: PNG.length });
    expect(mms.parts[0]?.attrs.find((a) => a[0] === 'data')).toBeUndefined();
    const f = providerMmsFields(mms);
    expect(f.direction).toBe('out');
    expect(f.participants).toEqual(['+15550002222', '+15550003333']);
    expect(f.text).toBe('Group hello');
  });

  it('reads gzip too, and flags corrupt base64 keeping its decodable bytes', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'export.json.gz');
    const bad = fossifyMms();
    (bad.parts as Record<string, unknown>[])[1] = { ...(bad.parts as Record<string, unknown>[])[1], data: 'iVBORw0K!!' };
    fs.writeFileSync(file, zlib.gzipSync(JSON.stringify([bad])));
    const { records, warnings } = await read(file);
    expect((records[0] as MmsRecord).parts[1]).toMatchObject({ damage: 'corrupt', rawData: 'iVBORw0K!!' });
    expect(warnings.map((w) => w.code)).toEqual(['media-corrupt']);
  });

  it('a damaged element fails with line:column; --salvage skips it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'export.json');
    fs.writeFileSync(file, `[\n${JSON.stringify(fossifySms())},\n  "oops",\n${JSON.stringify(fossifySms({ body: 'two' }))}\n]`);
    const err = await read(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedBackupError);
    expect((err as Error).message).toMatch(/export\.json:3:3: element #2 \(line 3\) is not a JSON object/);
    const { records, warnings } = await read(file, true);
    expect(records.map((r) => attr(r.attrs, 'body'))).toEqual(['Hi there', 'two']);
    expect(warnings[0]?.code).toBe('line-skipped');
    fs.writeFileSync(file, `[${JSON.stringify(fossifySms())},`);
    await expect(read(file, true)).rejects.toThrow(/truncated/);
  });
});
