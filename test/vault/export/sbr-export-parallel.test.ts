/**
 * A large SBR export is written in two halves at once (the second by a worker thread). The files
 * must be exactly those the single-threaded export writes, and a failure must leave no partial
 * file behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCallsBackup, writeSmsBackup } from '../../../bench/generator.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { exportSbr } from '../../../src/vault/export/sbr-export.js';
import type { ExportKind } from '../../../src/vault/export/selection.js';
import { tempDir } from '../../helpers/temp.js';
import { importAll, useVaults } from '../../helpers/vault.js';

const ALL = new Set<ExportKind>(['sms', 'mms', 'calls']);
const vault = useVaults();

/** A file's text without its random backup_set. */
function normalised(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/backup_set="[^"]*"/, 'backup_set=""');
}

describe('a large SBR export written by two threads', () => {
  it('writes the same files as one thread, with every message once, and reports progress to the total', async () => {
    const dir = tempDir();
    const sms = path.join(dir, 'sms.xml');
    const calls = path.join(dir, 'calls.xml');
    await writeSmsBackup(sms, { seed: 31, sms: 23_000, mms: 400, mediaBytes: 1_000 });
    await writeCallsBackup(calls, { seed: 32, calls: 300 });
    const v = await vault();
    await importAll(v, [sms, calls]);
    const now = new Date(Date.UTC(2026, 10, 28, 12));
    const one = tempDir();
    const two = tempDir();
    const single = await exportSbr(v, { kinds: ALL }, { outDir: one, split: 5_000, now, parallel: false });
    let last = 0;
    let calls2 = 0;
    const parallel = await exportSbr(v, { kinds: ALL }, {
      outDir: two,
      split: 5_000,
      now,
      onProgress: (done, total) => {
        calls2++;
        last = done;
        expect(done).toBeLessThanOrEqual(total);
      },
    });
    expect(last).toBe(23_700);
    expect(calls2).toBeGreaterThan(10);
    expect(parallel.files.map((f) => [path.basename(f.path), f.records, f.bytes])).toEqual(single.files.map((f) => [path.basename(f.path), f.records, f.bytes]));
    expect(parallel.files.filter((f) => f.kind === 'messages')).toHaveLength(5);
    for (const f of single.files) expect(normalised(path.join(two, path.basename(f.path)))).toBe(normalised(f.path));
    expect(fs.readdirSync(two).sort()).toEqual(fs.readdirSync(one).sort());

    // And the files give back the archive.
    const fresh = await vault();
    await importAll(fresh, parallel.files.map((f) => f.path));
    expect(await dumpVault(fresh)).toEqual(await dumpVault(v));
  });

  it('a failure while the halves are written stops the worker and leaves no partial file, only complete ones', async () => {
    const dir = tempDir();
    const sms = path.join(dir, 'sms.xml');
    await writeSmsBackup(sms, { seed: 33, sms: 30_000, mms: 0 });
    const v = await vault();
    await importAll(v, [sms]);
    const out = tempDir();
    const err = await exportSbr(v, { kinds: ALL }, {
      outDir: out,
      split: 5_000,
      onProgress: (done) => {
        if (done > 6_000) throw new Error('stop here');
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('stop here');
    const left = fs.readdirSync(out);
    expect(left.filter((f) => f.includes('.partial'))).toEqual([]);
    // Files finished before the failure stay, complete (the first one, at least, was).
    expect(left.length).toBeGreaterThan(0);
    for (const f of left) expect((fs.readFileSync(path.join(out, f), 'utf8').match(/<sms /g) ?? []).length).toBe(5_000);
  });
});
