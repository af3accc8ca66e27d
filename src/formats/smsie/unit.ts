/**
 * SMS Import/Export files as BackupUnits: the messages ZIP (messages.ndjson + data/), a bare
 * messages.ndjson, the calls and the contacts JSON.
 */
import fs from 'node:fs';
import type { BackupUnit } from '../backup-unit.js';
import { InputError } from '../container.js';
import type { InputLimits } from '../limits.js';
import { PROVIDER_FIELDS } from '../provider-fields.js';
import { streamUnits } from '../stream-unit.js';
import { readSmsIeCalls } from './calls-reader.js';
import { readSmsIeContacts } from './contacts-reader.js';
import { readSmsIeMessages } from './messages-reader.js';
import { openSafeZip } from './zip-archive.js';
import { countNoun } from '../plural.js';
import { hashFile } from '../file-digest.js';

export const MESSAGES_ENTRY = 'messages.ndjson';
const SAMPLE_CAP = 4 << 20;
const SMALL_MEDIA = 4 << 20;


/** Detection has seen messages.ndjson in the archive; the archive's checks run when it is read. */
export async function smsIeZipUnits(file: string, limits?: InputLimits): Promise<BackupUnit[]> {
  const size = (await fs.promises.stat(file)).size;
  const name = `${file}!${MESSAGES_ENTRY}`;
  return [
    {
      format: 'sms-ie',
      content: 'messages',
      name: file,
      file,
      sizeOnDisk: size,
      digestSize: size,
      fields: PROVIDER_FIELDS,
      digest: () => hashFile(file),
      sampleText: async (limit) => {
        // On the import's own thread: only the entry sampled is kept, not the whole directory.
        const zip = await openSafeZip(file, limits, (n) => n === MESSAGES_ENTRY);
        try {
          const entry = zip.entries.get(MESSAGES_ENTRY);
          if (entry === undefined) return '';
          const stream = await zip.open(entry);
          const chunks: Buffer[] = [];
          let n = 0;
          for await (const chunk of stream) {
            chunks.push(chunk as Buffer);
            n += (chunk as Buffer).length;
            if (n >= Math.min(limit, SAMPLE_CAP)) break;
          }
          stream.destroy();
          return Buffer.concat(chunks).toString('utf8');
        } finally {
          zip.close();
        }
      },
      read: async (ctx) => {
        // The file's digest is taken alongside the read (it is only known once all is read).
        const digest = hashFile(file);
        const zip = await openSafeZip(file, limits);
        try {
          const entry = zip.entries.get(MESSAGES_ENTRY);
          if (entry === undefined) throw new InputError(`${file}: ${MESSAGES_ENTRY} disappeared while importing`);
          const ratio = entry.uncompressedSize > 0 ? entry.compressedSize / entry.uncompressedSize : 1;
          const lines = await zip.open(entry);
          const counted = (async function* () {
            for await (const chunk of lines) {
              ctx.onBytes((chunk as Buffer).length * ratio);
              ctx.onExpanded?.((chunk as Buffer).length);
              yield chunk as Buffer;
            }
          })();
          const stats = await readSmsIeMessages(counted, {
            file: name,
            sink: ctx.sink,
            handler: ctx.handler,
            salvage: ctx.salvage,
            mediaSize: (mediaName) => zip.entries.get(`data/${mediaName}`)?.uncompressedSize,
            media: async (mediaName) => {
              const e = zip.entries.get(`data/${mediaName}`);
              if (e === undefined) return undefined;
              const ratio = e.uncompressedSize > 0 ? e.compressedSize / e.uncompressedSize : 1;
              // Small stored media (photos) in one read; the rest streamed.
              const whole = e.uncompressedSize <= SMALL_MEDIA ? await zip.readStored(e) : undefined;
              const s = whole === undefined ? await zip.open(e) : [whole];
              return (async function* () {
                for await (const chunk of s) {
                  ctx.onBytes((chunk as Buffer).length * ratio);
                  ctx.onExpanded?.((chunk as Buffer).length);
                  yield chunk as Buffer;
                }
              })();
            },
          });
          return {
            digest: await digest,
            ...(stats.skipped > 0 ? { skipped: `skipped ${countNoun(stats.skipped, 'damaged line')}, the first: ${stats.firstSkipped ?? ''}` } : {}),
          };
        } finally {
          zip.close();
          await digest.catch(() => undefined);
        }
      },
    },
  ];
}

/** A messages.ndjson on its own (unzipped by the user): messages without their media files. */
export function smsIeNdjsonUnits(file: string, limits?: InputLimits): Promise<BackupUnit[]> {
  return streamUnits(
    file,
    'sms-ie',
    'messages',
    async (source, name, ctx) => {
      const stats = await readSmsIeMessages(source, { file: name, sink: ctx.sink, handler: ctx.handler, salvage: ctx.salvage, media: () => Promise.resolve(undefined) });
      return { skipped: stats.skipped, ...(stats.firstSkipped ? { firstSkipped: stats.firstSkipped } : {}) };
    },
    PROVIDER_FIELDS,
    limits,
  );
}

export function smsIeCallsUnits(file: string, limits?: InputLimits): Promise<BackupUnit[]> {
  return streamUnits(
    file,
    'sms-ie-calls',
    'calls',
    (source, name, ctx) => readSmsIeCalls(source, { file: name, handler: ctx.handler, salvage: ctx.salvage }),
    PROVIDER_FIELDS,
    limits,
  );
}

export function smsIeContactsUnits(file: string, limits?: InputLimits): Promise<BackupUnit[]> {
  return streamUnits(
    file,
    'sms-ie-contacts',
    'contacts',
    (source, name, ctx) => readSmsIeContacts(source, { file: name, handler: ctx.handler, salvage: ctx.salvage, sink: ctx.sink }),
    undefined,
    limits,
  );
}
