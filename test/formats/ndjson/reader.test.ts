import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classify, looksLikeNdjson } from '../../../src/formats/detect.js';
import { hashOnlySink } from '../../../src/formats/hash-sink.js';
import { readNdjson } from '../../../src/formats/ndjson/reader.js';
import type { ArchiveRecord, ReadWarning } from '../../../src/formats/records.js';

const HEADER = '{"type":"header","schema":"textvault-ndjson","version":1,"exported_at":"x","exported_at_ms":5}';
const BYTES = Buffer.from('media bytes');
const SHA = createHash('sha256').update(BYTES).digest('hex');

async function read(text: string, chunk = 7): Promise<{ records: ArchiveRecord[]; warnings: ReadWarning[]; asked: string[] }> {
  const records: ArchiveRecord[] = [];
  const warnings: ReadWarning[] = [];
  const asked: string[] = [];
  const buf = Buffer.from(text, 'utf8');
  // Small chunks split lines and multi-byte characters across pushes.
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) chunks.push(buf.subarray(i, i + chunk));
  await readNdjson(Readable.from(chunks) as AsyncIterable<Buffer>, {
    file: 'x.ndjson',
    sink: hashOnlySink(),
    handler: { header: () => undefined, record: (r) => records.push(r), warning: (w) => warnings.push(w) },
    openMedia: (rel) => {
      asked.push(rel);
      return Readable.from([BYTES]) as AsyncIterable<Buffer>;
    },
  });
  return { records, warnings, asked };
}

describe('NDJSON reader', () => {
  it('reads records across chunk boundaries, CRLF and a BOM, keeping attribute order and values', async () => {
    const sms = '{"type":"message","kind":"sms","attrs":[["body","héllo 🎉"],["address",""],["x","null"]]}';
    const { records } = await read(`\uFEFF${HEADER}\r\n${sms}\r\n\n{"type":"call","attrs":[["number","1"]]}`);
    expect(records.map((r) => [r.kind, r.attrs, r.position.line])).toEqual([
      ['sms', [['body', 'héllo 🎉'], ['address', ''], ['x', 'null']], 2],
      ['call', [['number', '1']], 4],
    ]);
  });

  it('asks only for media/<sha256>, whatever path the file names, and checks the hash', async () => {
    const mms = (sha: string): string =>
      JSON.stringify({ type: 'message', kind: 'mms', attrs: [], parts: [{ attrs: [['ct', 'image/png']], media: { sha256: sha, size: 11, path: '../../etc/passwd' } }], addrs: null });
    const { records, asked } = await read(`${HEADER}\n${mms(SHA)}\n`);
    expect(asked).toEqual([`media/${SHA}`]);
    expect(records[0]).toMatchObject({ kind: 'mms', parts: [{ media: { sha256: SHA, size: 11 } }], addrs: null });
    await expect(read(`${HEADER}\n${mms('0'.repeat(64))}\n`)).rejects.toThrow(/x\.ndjson:2:1: media\/0{64} does not hold the media it names/);
    await expect(read(`${HEADER}\n${mms('../x')}\n`)).rejects.toThrow(/x\.ndjson:2:1: bad message: parts\.0\.media\.sha256/);
  });

  it('gives file:line for bad input, refuses newer versions, warns on unknown line types', async () => {
    await expect(read('{"type":"message"}\n')).rejects.toThrow(/x\.ndjson:1:1: the first line is not a textvault-ndjson header/);
    await expect(read(`${HEADER}\n{oops\n`)).rejects.toThrow(/x\.ndjson:2:1: not a JSON object/);
    await expect(read(`${HEADER}\n{"type":"message","kind":"fax","attrs":[]}\n`)).rejects.toThrow(/x\.ndjson:2:1: bad message: kind/);
    await expect(read(HEADER.replace('"version":1', '"version":2'))).rejects.toThrow(/newer Textvault/);
    await expect(read('')).rejects.toThrow(/empty/);
    const { warnings } = await read(`${HEADER}\n{"type":"reaction","x":1}\n`);
    expect(warnings.map((w) => [w.code, w.line])).toEqual([['unknown-element', 2]]);
  });

  it('is recognised by its header and nothing else', () => {
    expect(looksLikeNdjson(Buffer.from(`${HEADER}\n`))).toBe(true);
    expect(looksLikeNdjson(Buffer.from(`\uFEFF  ${HEADER}`))).toBe(true);
    expect(looksLikeNdjson(Buffer.from('{"type":"message"}'))).toBe(false);
    expect(looksLikeNdjson(Buffer.from("<?xml version='1.0'?><smses>"))).toBe(false);
    // Format detection picks it out from SMS Import/Export's NDJSON, which also starts with '{'.
    expect(classify({ container: 'plain', head: Buffer.from(`${HEADER}\n`), zipNames: [] })).toBe('textvault-ndjson');
    expect(classify({ container: 'gzip', head: Buffer.from(`${HEADER}\n`), zipNames: [] })).toBe('textvault-ndjson');
    expect(classify({ container: 'plain', head: Buffer.from('{"address":"+15550001001","date":"1","type":"1"}\n'), zipNames: [] })).toBe('sms-ie');
  });
});
