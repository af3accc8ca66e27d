/**
 * The inputs the fuzzer starts from, per reader: the project's fixtures of that format
 * (test/fixtures/<format>/), and for formats the tests build in code or the vault writes
 * (Fossify, SMS Import/Export, NDJSON, Android backup), files made the same way here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { runExport } from '../src/vault/export/run-export.js';
import type { ExportKind } from '../src/vault/export/selection.js';
import { importFile } from '../src/vault/import/import-backup.js';
import { Vault } from '../src/vault/vault.js';
import { callLogItems, MMS_GROUP, MMS_SENT, SMS_1, SMS_2 } from '../test/formats/androidbackup/build.js';
import { tarOfEntries, unzip, type Entry, type Packed } from './containers.js';

const FIXTURES = path.resolve(import.meta.dirname, '../test/fixtures');

export interface Seed extends Packed {
  format: string;
  /** The file name an input made from it gets (readers look at names: sms_*.xml, *.ab). */
  fileName: string;
}

function file(rel: string): Entry {
  return { name: path.basename(rel), data: fs.readFileSync(path.join(FIXTURES, rel)) };
}

function plain(format: string, rel: string): Seed {
  const e = file(rel);
  return { format, fileName: e.name, container: 'plain', entries: [e] };
}

/** Every file under a folder, named relative to `base`'s parent (Takeout/...). */
function tree(dir: string, base: string): Entry[] {
  const out: Entry[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...tree(p, base));
    else out.push({ name: path.relative(path.dirname(base), p).split(path.sep).join('/'), data: fs.readFileSync(p) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Files the vault's writers make from test/fixtures/exports (the golden-file archive). */
async function exported(work: string): Promise<Map<string, Entry[]>> {
  const vault = await Vault.open(path.join(work, 'vault'), { create: true });
  const out = new Map<string, Entry[]>();
  try {
    for (const f of ['messages.xml', 'calls.xml']) await importFile(vault, path.join(FIXTURES, 'exports', f), { readIn: 'thread' });
    for (const format of ['fossify', 'sms-ie', 'ndjson'] as const) {
      const outDir = path.join(work, format);
      // NDJSON keeps media in a media/ folder beside the file, which a mutant does not have: MMS
      // left out, or nearly every input would stop at its first picture ("media ... is missing").
      const kinds = new Set<ExportKind>(format === 'ndjson' ? ['sms', 'calls'] : ['sms', 'mms', 'calls']);
      const r = await runExport(vault, { format, selection: { kinds }, outDir });
      out.set(format, r.files.flatMap((f) => (fs.statSync(f.path).isDirectory() ? tree(f.path, f.path).map((e) => ({ name: path.basename(e.name), data: e.data })) : [{ name: path.basename(f.path), data: fs.readFileSync(f.path) }])));
    }
  } finally {
    await vault.close();
  }
  return out;
}

function androidBackup(): Buffer {
  const telephony = 'apps/com.android.providers.telephony';
  const chunks = [
    { kind: 'sms', messages: [SMS_1, SMS_2] },
    { kind: 'mms', messages: [MMS_GROUP, MMS_SENT] },
  ];
  const entries: Entry[] = [
    { name: `${telephony}/_manifest`, data: Buffer.from('1\ncom.android.providers.telephony\n29\n29\n') },
    ...chunks.map((c, i) => ({ name: `${telephony}/d_f/${String(i).padStart(6, '0')}_${c.kind}_backup`, data: deflateSync(Buffer.from(JSON.stringify(c.messages))) })),
    ...callLogItems([
      { number: '+15550001111', date: 1_700_000_000_000n, duration: 42n, type: 1 },
      { number: '+15550002222', date: 1_700_000_100_000n, duration: 0n, type: 3 },
    ]).map((i) => ({ name: i.name, data: Buffer.isBuffer(i.data) ? i.data : Buffer.from(i.data ?? '') })),
  ];
  return tarOfEntries(entries);
}

export async function buildSeeds(): Promise<Seed[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-fuzz-seeds-'));
  try {
    const made = await exported(work);
    const of = (format: string): Entry[] => made.get(format) ?? [];
    const seeds: Seed[] = [
      ...['sbr/sms-threads.xml', 'sbr/sms-mms-small.xml', 'sbr/mms-media.xml', 'sbr/corrupt-base64.xml', 'exports/calls.xml', 'dedup/utf16-surrogates.xml', 'signal/SilencePlaintextBackup.xml'].map((f) => plain('sbr', f)),
      { format: 'sbr', fileName: 'sms-threads.xml.gz', container: 'gzip', entries: [file('sbr/sms-threads.xml')] },
      { format: 'sbr', fileName: 'sbr.zip', container: 'zip', entries: [file('sbr/sms-mms-small.xml'), file('exports/calls.xml')] },
      plain('superbackup', 'superbackup/sms_20240102030405.xml'),
      plain('superbackup', 'superbackup/calllogs_20240102030405.xml'),
      plain('qksms', 'qksms/backup-20240102030405.json'),
      plain('titanium', 'titanium/com.keramidas.virtual.XML_MESSAGES-20140105-120000.xml'),
      plain('fossify', 'simplesms/messages-2022.json'),
      ...of('fossify').map((e): Seed => ({ format: 'fossify', fileName: e.name, container: 'plain', entries: [e] })),
      ...(await Promise.all(of('sms-ie').filter((e) => e.name.endsWith('.zip')).map(async (e): Promise<Seed> => ({ format: 'sms-ie', fileName: e.name, container: 'zip', entries: await unzip(e.data) })))),
      ...of('sms-ie')
        .filter((e) => e.name.endsWith('.json'))
        .map((e): Seed => ({ format: 'sms-ie', fileName: e.name, container: 'plain', entries: [e] })),
      ...of('ndjson').map((e): Seed => ({ format: 'ndjson', fileName: e.name, container: 'plain', entries: [e] })),
      { format: 'googlevoice', fileName: 'takeout-20240708.zip', container: 'zip', entries: tree(path.join(FIXTURES, 'googlevoice/Takeout'), path.join(FIXTURES, 'googlevoice/Takeout')) },
      { format: 'androidbackup', fileName: 'backup.ab', container: 'ab', entries: [{ name: 'backup.tar', data: androidBackup() }] },
    ];
    return seeds;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export const FORMAT_NAMES = ['sbr', 'superbackup', 'qksms', 'titanium', 'fossify', 'sms-ie', 'ndjson', 'googlevoice', 'androidbackup'] as const;
