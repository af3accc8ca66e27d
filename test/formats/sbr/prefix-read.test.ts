/**
 * Reading a plain SBR file with checkpoints (prefix-read.ts): the same records as the stream
 * reader, checkpoints that really are points between records, and where the records start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BodyCheckpoint } from '../../../src/formats/backup-unit.js';
import { sbrBodyStart } from '../../../src/formats/sbr/body-start.js';
import { readPlainSbr } from '../../../src/formats/sbr/prefix-read.js';
import { readSbr } from '../../../src/formats/sbr/reader.js';
import { DEFAULT_INPUT_LIMITS } from '../../../src/formats/limits.js';
import type { ArchiveRecord, MediaSink, ReadWarning } from '../../../src/formats/records.js';
import { keepingSink } from '../../helpers/records.js';
import { smsXml } from '../../helpers/sbr-xml.js';
import { tempDir } from '../../helpers/temp.js';

describe('sbrBodyStart', () => {
  const at = (s: string): number | undefined => sbrBodyStart(Buffer.from(s));
  it('finds the byte after the root start tag, past a BOM, the declaration, comments and a stylesheet', () => {
    const prolog = "\uFEFF<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & Restore – é-->\n<?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n";
    const root = '<smses count="3" backup_date=\'1\' type="archive">';
    expect(at(prolog + root + '\n  <sms />')).toBe(Buffer.byteLength(prolog + root));
    expect(at('<calls count="1">\n<call />')).toBe('<calls count="1">'.length);
  });
  it('gives up on anything else: the file is then read whole', () => {
    expect(at('<smses count="1" a="x>y">')).toBeUndefined();
    expect(at('<smses count="1"/>')).toBeUndefined();
    expect(at('<!DOCTYPE smses><smses>')).toBeUndefined();
    expect(at('<allsms count="1">')).toBeUndefined();
    expect(at('<smses count="1"')).toBeUndefined();
    expect(at('<!-- \xff --><smses>')).toBeDefined();
    expect(sbrBodyStart(Buffer.concat([Buffer.from('<!-- '), Buffer.from([0xff]), Buffer.from(' --><smses>')]))).toBeUndefined();
  });
});

function collect(): { records: ArchiveRecord[]; warnings: ReadWarning[]; checkpoints: BodyCheckpoint[]; handler: Parameters<typeof readSbr>[1]['handler'] } {
  const records: ArchiveRecord[] = [];
  const warnings: ReadWarning[] = [];
  const checkpoints: BodyCheckpoint[] = [];
  return {
    records,
    warnings,
    checkpoints,
    handler: {
      header: () => undefined,
      record: (r) => records.push(r),
      warning: (w) => warnings.push(w),
      checkpoint: (c) => checkpoints.push(c),
    },
  };
}

describe('readPlainSbr', () => {
  const body = Array.from({ length: 3000 }, (_, i) => smsXml({ address: `+1555${i % 17}`, date: 1e12 + i, body: `n° ${i} ${'😀 é'.repeat(i % 5)}` })).join('');
  const prolog = `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="3000" type="archive">`;
  const start = Buffer.byteLength(prolog);

  it('reads the records the stream reader reads, and each checkpoint is a point between two records', async () => {
    const file = path.join(tempDir(), 'sms.xml');
    fs.writeFileSync(file, `${prolog}\n${body}</smses>\n`);
    const bytes = fs.readFileSync(file);
    const sink: MediaSink = keepingSink(new Map());
    const plain = collect();
    await readSbr(Readable.from([bytes]), { file, sink, handler: plain.handler });
    const checked = collect();
    const outcome = await readPlainSbr(file, file, { sink, handler: checked.handler, salvage: false, onBytes: () => undefined, checkpointEvery: 8192 }, DEFAULT_INPUT_LIMITS);
    expect(checked.records).toEqual(plain.records);
    expect(outcome.digest.size).toBe(bytes.length);
    // One a piece (16 KiB) at most: about one per piece here.
    expect(checked.checkpoints.length).toBeGreaterThan(20);
    for (const c of checked.checkpoints) {
      const before = bytes.subarray(start, start + c.offset);
      // Between records: after a record's line, before the next one's.
      expect(before.toString('utf8').endsWith('/>\n')).toBe(true);
      expect(before.toString('utf8').split('\n').length - 1).toBe(c.lines);
    }
  });
});
