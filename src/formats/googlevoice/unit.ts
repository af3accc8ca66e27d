/**
 * A Takeout with Google Voice (its ZIP, or the extracted folder) as one BackupUnit: texts, MMS
 * and calls of the whole Takeout are one import, so it completes or leaves the vault as it was.
 * A ZIP's digest is the file's; a folder's covers its Voice files' names and bytes (source.ts),
 * so the same Takeout imported again is recognised and skipped either way.
 */
import fs from 'node:fs';
import type { BackupUnit } from '../backup-unit.js';
import { NotABackupError } from '../errors.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../limits.js';
import { readVoice } from './reader.js';
import { allFiles, digestFiles, openFolderSource, openZipSource, type VoiceSource } from './source.js';
import { countNoun } from '../plural.js';
import { hashFile } from '../file-digest.js';


const notVoice = (file: string): NotABackupError => new NotABackupError(file, 'it holds no Google Voice pages (Takeout/Voice/Calls/*.html)', 'a Google Takeout with Voice');

export async function googleVoiceUnit(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<BackupUnit> {
  const folder = (await fs.promises.stat(file)).isDirectory();
  const open = (): Promise<VoiceSource> => (folder ? Promise.resolve(openFolderSource(file)) : openZipSource(file, limits));
  // Listed once now, to size the unit and to refuse a Takeout without Voice before anything starts.
  const listed = await open();
  let size: number;
  let sizeOnDisk: number;
  try {
    if (!listed.folders.some((f) => f.pages.length > 0)) throw notVoice(file);
    const files = allFiles(listed);
    size = folder ? files.reduce((n, f) => n + f.size, 0) : (await fs.promises.stat(file)).size;
    sizeOnDisk = size;
  } finally {
    listed.close();
  }
  const digest = async (): Promise<{ sha256: string; size: number }> => {
    if (!folder) return hashFile(file);
    const source = await open();
    try {
      return await digestFiles(allFiles(source));
    } finally {
      source.close();
    }
  };
  return {
    format: 'googlevoice',
    content: 'messages',
    name: file,
    file,
    sizeOnDisk,
    digestSize: size,
    digest,
    sampleText: async (limit) => {
      // The owner's numbers (Phones.vcf's TEL lines) and the first pages' `tel:` links tell the region.
      const source = await open();
      try {
        let text = '';
        for (const f of source.folders) {
          for (const v of [...(f.phones ? [f.phones] : []), ...f.pages]) {
            if (text.length >= limit) return text.slice(0, limit);
            text += (await v.read()).toString('utf8');
          }
        }
        return text.slice(0, limit);
      } finally {
        source.close();
      }
    },
    read: async (ctx) => {
      // The digest is taken alongside the read (for a ZIP, a second pass over the file).
      const digested = digest();
      digested.catch(() => undefined);
      const source = await open();
      try {
        const stats = await readVoice(source, ctx, limits);
        return {
          digest: await digested,
          ...(stats.skipped > 0 ? { skipped: `skipped ${countNoun(stats.skipped, 'damaged record')}, the first: ${stats.firstSkipped ?? ''}` } : {}),
        };
      } finally {
        source.close();
      }
    },
  };
}
