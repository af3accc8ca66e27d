/** Helpers for the Google Voice tests: the fixture Takeout, a ZIP of it, and reading records. */
import fs from 'node:fs';
import path from 'node:path';
import { hashOnlySink } from '../../../src/formats/hash-sink.js';
import type { ArchiveRecord, ReadWarning } from '../../../src/formats/records.js';
import { openBackup } from '../../../src/formats/registry.js';
import { fixture } from '../../helpers/temp.js';
import { writeZip } from '../../helpers/zip.js';

/** The folder holding the extracted `Takeout/`. */
export const GV_FIXTURE = fixture('googlevoice');

/** Every file under `dir`, as ZIP entry names (`Takeout/Voice/...`) to their bytes. */
export function filesUnder(dir: string, prefix = ''): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const d of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix === '' ? d.name : `${prefix}/${d.name}`;
    if (d.isDirectory()) Object.assign(out, filesUnder(dir, rel));
    else if (rel.startsWith('Takeout/')) out[rel] = fs.readFileSync(path.join(dir, rel));
  }
  return out;
}

/** The fixture Takeout as Google gives it: a ZIP of `Takeout/`, with `extra` entries added. */
export function takeoutZip(dir: string, extra: Record<string, string | Buffer> = {}, name = 'takeout-20240801T000000Z-001.zip'): Promise<string> {
  return writeZip(path.join(dir, name), { ...filesUnder(GV_FIXTURE), ...extra });
}

export interface Read {
  records: ArchiveRecord[];
  warnings: ReadWarning[];
}

export async function readTakeout(file: string, salvage = false): Promise<Read> {
  const opened = await openBackup(file);
  const records: ArchiveRecord[] = [];
  const warnings: ReadWarning[] = [];
  for (const unit of opened.units) {
    await unit.read({
      sink: hashOnlySink(),
      salvage,
      onBytes: () => undefined,
      handler: { header: () => undefined, record: (r) => records.push(r), warning: (w) => warnings.push(w) },
    });
  }
  opened.dispose();
  return { records, warnings };
}

export function attrsOf(r: ArchiveRecord): Record<string, string> {
  return Object.fromEntries(r.attrs);
}
