/**
 * A Takeout's Voice files, from the ZIP or from the extracted folder, behind one interface: the
 * pages of each `Voice/Calls/` folder in name order (so a ZIP and its folder are read in the same
 * order and give the same records), the files beside them by name, and `Phones.vcf`.
 *
 * Names from the backup never become paths. In a ZIP they are only keys of the archive's own
 * directory (yauzl refuses entries that are absolute or climb with `..`, and the archive checks
 * of zip-archive.ts refuse bombs); in a folder, files are found by listing `Calls/` and matching
 * the listed names, only regular files (no links, no subfolders).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type yauzl from 'yauzl';
import { oneLine } from '../errors.js';
import type { InputLimits } from '../limits.js';
import { openSafeZip } from '../smsie/zip-archive.js';
import { voiceFolder } from './takeout.js';

export interface VoiceFile {
  /** For messages: `takeout.zip!Takeout/Voice/Calls/x.html` or the file's path. */
  name: string;
  /** The name inside its folder, as the pages link to it. */
  base: string;
  size: number;
  /** Bytes read from disk for this file (compressed, in a ZIP), for progress. */
  sizeOnDisk: number;
  read(): Promise<Buffer>;
  open(): Promise<Readable>;
}

export interface CallsFolder {
  pages: VoiceFile[];
  files: Map<string, VoiceFile>;
  /** Files by their name without its last extension: pages link `x-1-1` for `x-1-1.jpg`. */
  stems: Map<string, VoiceFile[]>;
  phones: VoiceFile | undefined;
}

export interface VoiceSource {
  folders: CallsFolder[];
  close(): void;
}

function folderOf(files: VoiceFile[], phones: VoiceFile | undefined): CallsFolder {
  const sorted = [...files].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const byName = new Map<string, VoiceFile>();
  const stems = new Map<string, VoiceFile[]>();
  for (const f of sorted) {
    byName.set(f.base, f);
    const dot = f.base.lastIndexOf('.');
    if (dot > 0) {
      const stem = f.base.slice(0, dot);
      const same = stems.get(stem);
      if (same === undefined) stems.set(stem, [f]);
      else same.push(f);
    }
  }
  return { pages: sorted.filter((f) => /\.html$/i.test(f.base)), files: byName, stems, phones };
}

const CALLS_ENTRY = /^((?:.*\/)?)Voice\/Calls\/([^/]+)$/;

export async function openZipSource(file: string, limits?: InputLimits): Promise<VoiceSource> {
  const zip = await openSafeZip(file, limits);
  try {
    const groups = new Map<string, VoiceFile[]>();
    const entryFile = (e: yauzl.Entry, base: string): VoiceFile => ({
      name: `${file}!${oneLine(e.fileName)}`,
      base,
      size: e.uncompressedSize,
      sizeOnDisk: e.compressedSize,
      read: async () => (await zip.readStored(e)) ?? Buffer.concat(await collect(await zip.open(e))),
      open: () => zip.open(e),
    });
    for (const [name, e] of zip.entries) {
      const m = CALLS_ENTRY.exec(name);
      if (m === null) continue;
      const prefix = m[1] ?? '';
      const base = m[2] ?? '';
      if (base.startsWith('.')) continue;
      const group = groups.get(prefix);
      if (group === undefined) groups.set(prefix, [entryFile(e, base)]);
      else group.push(entryFile(e, base));
    }
    const folders = [...groups.keys()].sort().map((prefix) => {
      const phones = zip.entries.get(`${prefix}Voice/Phones.vcf`);
      return folderOf(groups.get(prefix) ?? [], phones === undefined ? undefined : entryFile(phones, 'Phones.vcf'));
    });
    return {
      folders,
      close: () => {
        zip.close();
      },
    };
  } catch (e) {
    zip.close();
    throw e;
  }
}

async function collect(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return chunks;
}

function diskFile(full: string, base: string, size: number): VoiceFile {
  return { name: full, base, size, sizeOnDisk: size, read: () => fs.promises.readFile(full), open: () => Promise.resolve(fs.createReadStream(full)) };
}

/** The Voice folder's files (Calls/ and Phones.vcf), listed once. */
export function openFolderSource(dir: string): VoiceSource {
  const root = voiceFolder(dir);
  if (root === undefined) return { folders: [], close: () => undefined };
  const calls = path.join(root, 'Calls');
  const files = fs
    .readdirSync(calls, { withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => {
      const full = path.join(calls, d.name);
      return diskFile(full, d.name, fs.statSync(full).size);
    });
  const phonesPath = path.join(root, 'Phones.vcf');
  let phones: VoiceFile | undefined;
  try {
    const st = fs.lstatSync(phonesPath);
    if (st.isFile()) phones = diskFile(phonesPath, 'Phones.vcf', st.size);
  } catch {
    phones = undefined;
  }
  return { folders: [folderOf(files, phones)], close: () => undefined };
}

/** Every file of the source, in a fixed order: what a folder's digest covers. */
export function allFiles(source: VoiceSource): VoiceFile[] {
  return source.folders.flatMap((f) => [...(f.phones ? [f.phones] : []), ...f.files.values()]);
}

/**
 * SHA-256 over a folder's Voice files (name, size and bytes of each, in order): importing the
 * same folder again is then found to be the same backup, as the same ZIP is.
 */
export async function digestFiles(files: VoiceFile[]): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for (const f of files) {
    hash.update(`${f.base}\u0000${f.size}\u0000`);
    for await (const chunk of await f.open()) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  }
  return { sha256: hash.digest('hex'), size };
}
