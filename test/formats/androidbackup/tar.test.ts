/**
 * The hand-written lenient tar reader (src/formats/androidbackup/tar.ts) against tar-stream, the
 * well-kept streaming parser, on archives GNU tar writes in each of its formats and on random
 * archives tar-stream writes: the same entries, names, types and bytes. Then what only the
 * lenient reader accepts.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { extract, pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { safeEntryPath, TarDamageError, tarEntries } from '../../../src/formats/androidbackup/tar.js';
import { tempDir } from '../../helpers/temp.js';
import { tarOf } from './build.js';

interface Seen {
  name: string;
  type: string;
  sha256: string;
}

const TYPES: Record<string, string> = { '0': 'file', '\0': 'file', '5': 'directory', '2': 'symlink', '1': 'link' };
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield await Promise.resolve(bytes.subarray(i, i + size));
}

async function ours(bytes: Buffer, chunk = 777): Promise<{ entries: Seen[]; warnings: string[] }> {
  const entries: Seen[] = [];
  const warnings: string[] = [];
  for await (const e of tarEntries(chunked(bytes, chunk), (m) => warnings.push(m))) {
    const parts: Buffer[] = [];
    for await (const c of e.body()) parts.push(c);
    entries.push({ name: e.name, type: TYPES[e.type] ?? e.type, sha256: sha(Buffer.concat(parts)) });
  }
  return { entries, warnings };
}

function oracle(bytes: Buffer): Promise<Seen[]> {
  return new Promise((resolve, reject) => {
    const out: Seen[] = [];
    const ex = extract({ allowUnknownFormat: true });
    ex.on('entry', (h, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => {
        out.push({ name: h.name, type: h.type ?? 'file', sha256: sha(Buffer.concat(parts)) });
        next();
      });
      stream.resume();
    });
    ex.on('finish', () => {
      resolve(out);
    });
    ex.on('error', reject);
    ex.end(bytes);
  });
}

function packed(entries: { name: string; data: Buffer }[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = pack();
    for (const e of entries) p.entry({ name: e.name, size: e.data.length, mtime: new Date(1_700_000_000_000) }, e.data);
    p.finalize();
    const parts: Buffer[] = [];
    p.on('data', (c: Buffer) => parts.push(c));
    p.on('end', () => {
      resolve(Buffer.concat(parts));
    });
    p.on('error', reject);
  });
}

const hasTar = spawnSync('tar', ['--version']).status === 0;
if (!hasTar && process.env.CI === 'true') throw new Error('GNU tar is needed for the tar oracle tests under CI');

describe('lenient tar reader', () => {
  it.skipIf(!hasTar)('reads what GNU tar writes (gnu, pax, ustar, v7) exactly as tar-stream does', async () => {
    const dir = tempDir();
    const root = path.join(dir, 'apps');
    const deep = path.join(root, 'com.example.' + 'long'.repeat(20), 'd_f', 'nested');
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(root, 'empty'), '');
    fs.writeFileSync(path.join(root, 'block'), randomBytes(512));
    fs.writeFileSync(path.join(root, 'odd'), randomBytes(1023));
    fs.writeFileSync(path.join(deep, '000000_sms_backup'), randomBytes(70_000));
    fs.writeFileSync(path.join(root, 'ünïcödé.txt'), 'text');
    for (const format of ['gnu', 'pax', 'ustar', 'v7']) {
      const archive = path.join(dir, `${format}.tar`);
      // v7 cannot hold names over 100 bytes: only the short ones go into it.
      const members = format === 'v7' ? ['apps/empty', 'apps/block', 'apps/odd', 'apps/ünïcödé.txt'] : ['apps'];
      const r = spawnSync('tar', ['--format', format, '--sort=name', '-cf', archive, '-C', dir, ...members]);
      expect(r.status, r.stderr.toString()).toBe(0);
      const bytes = fs.readFileSync(archive);
      const expected = await oracle(bytes);
      for (const chunk of [1, 512, 777, 1 << 20]) {
        const got = await ours(bytes, chunk);
        expect(got.entries, `${format}, chunks of ${chunk}`).toEqual(expected);
        expect(got.warnings).toEqual([]);
      }
      expect(expected.some((e) => e.name.endsWith('000000_sms_backup'))).toBe(format !== 'v7');
    }
  });

  it('reads random archives tar-stream writes as tar-stream reads them', async () => {
    for (let round = 0; round < 20; round++) {
      const entries = Array.from({ length: 1 + (round % 7) }, (_v, i) => ({
        name: `apps/pkg${round}/${'n'.repeat((round * 13 + i * 29) % 180)}f${i}`,
        data: randomBytes((round * 977 + i * 4099) % 9000),
      }));
      const bytes = await packed(entries);
      const got = await ours(bytes, 1 + ((round * 331) % 2000));
      expect(got.entries).toEqual(await oracle(bytes));
      expect(got.entries.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    }
  });

  it('reads a header with a wrong checksum (which tar-stream refuses), with a warning', async () => {
    const bytes = tarOf([{ name: 'apps/a/f/x', data: 'hello' }], { badChecksum: true });
    await expect(oracle(bytes)).rejects.toThrow(/Invalid tar header/);
    const got = await ours(bytes);
    expect(got.entries.map((e) => e.name)).toEqual(['apps/a/f/x']);
    expect(got.warnings[0]).toMatch(/wrong checksum/);
  });

  it('skips a body the caller does not read, reads on after a lone zero block, refuses a block that is no header', async () => {
    const one = tarOf([{ name: 'a', data: randomBytes(3000) }], { endMarker: false });
    const two = tarOf([{ name: 'b', data: 'bee' }]);
    const withGap = Buffer.concat([one, Buffer.alloc(512), two]);
    const names: string[] = [];
    const warnings: string[] = [];
    for await (const e of tarEntries(chunked(withGap, 100), (m) => warnings.push(m))) names.push(e.name);
    expect(names).toEqual(['a', 'b']);
    expect(warnings).toEqual(['a lone zero block inside the archive; reading on']);
    const garbage = Buffer.concat([one, Buffer.alloc(512, 0x41)]);
    const it = tarEntries(chunked(garbage, 100), () => undefined);
    await expect((async () => {
      for await (const _e of it) {
        // read through
      }
    })()).rejects.toBeInstanceOf(TarDamageError);
  });

  it('safeEntryPath refuses every way out of the archive', () => {
    expect(safeEntryPath('apps/p/d_f/000000_sms_backup')).toBe('apps/p/d_f/000000_sms_backup');
    expect(safeEntryPath('./apps//p/./f/x')).toBe('apps/p/f/x');
    for (const bad of ['/etc/passwd', '../x', 'apps/../../x', 'apps/p/..', 'a\\..\\b', 'a\0b']) expect(safeEntryPath(bad), bad).toBeUndefined();
  });
});
