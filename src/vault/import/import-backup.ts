/**
 * Imports one backup file (or every backup inside a ZIP) into the vault.
 *
 * Each backup is one transaction: it either completes, with its `backups` row and counts, or
 * leaves the archive exactly as it was. Media is streamed into the blob store while the file is
 * read and made durable just before the commit.
 */
import { openInput, readHead, type InputEntry } from '../../formats/container.js';
import { MalformedBackupError } from '../../formats/errors.js';
import { callFields, mmsFields, smsFields } from '../../formats/sbr/fields.js';
import { readSbr } from '../../formats/sbr/reader.js';
import { looksLikeNdjson, readNdjson } from '../../formats/ndjson/reader.js';
import type { ArchiveRecord, BackupHeader, ReadWarning } from '../../formats/records.js';
import { acquireLock } from '../lock.js';
import type { MatchOptions } from '../identity.js';
import { formatRegion, PhoneNormalizer } from '../phone.js';
import type { Vault } from '../vault.js';
import { ArchiveWriter, type Outcome } from './archive-writer.js';
import { backupDateOf, finishBackupRun, startBackupRun, type RunCounts } from './backup-run.js';
import { findIdenticalBackup, type KnownBackup } from './known-backup.js';
import { blobMediaSink } from './media-sink.js';
import { exportMediaSource } from './export-media.js';
import { chooseRegion } from './region.js';

export interface ImportOptions {
  /** Keep every complete record before damage in the file, and record the run as partial. */
  salvage?: boolean;
  /** Overrides the vault's dedup settings for this run. */
  match?: Partial<MatchOptions>;
  /** Read the file even when exactly the same bytes were imported before. */
  force?: boolean;
  onProgress?: (p: ImportProgress) => void;
}

export interface ImportProgress {
  file: string;
  bytesRead: number;
  bytesTotal: number;
  records: number;
}

export type ImportCounts = RunCounts;

export interface ImportResult {
  file: string;
  format: 'sbr' | 'ndjson';
  content: 'messages' | 'calls';
  /** `skipped`: the same bytes were imported before (`backupId` is that import); nothing was read. */
  status: 'complete' | 'partial' | 'skipped';
  backupId: number;
  counts: ImportCounts;
  sms: number;
  mms: number;
  calls: number;
  region: string;
  regionNote: string;
  /** The first warnings (at most MAX_KEPT_WARNINGS), for the summary. */
  warnings: ReadWarning[];
  /** Why a salvaged import stopped early. */
  salvageReason?: string;
  seconds: number;
}

const MAX_KEPT_WARNINGS = 100;

/** Imports every backup in a file (one for XML or gzip, one per entry for ZIP). */
export async function importFile(vault: Vault, file: string, options: ImportOptions = {}): Promise<ImportResult[]> {
  const entries = await openInput(file);
  const lock = acquireLock(vault.dir);
  try {
    vault.blobs.cleanTemp();
    const results: ImportResult[] = [];
    for (const entry of entries) results.push(await importEntry(vault, entry, options));
    return results;
  } finally {
    lock.release();
  }
}

async function importEntry(vault: Vault, entry: InputEntry, options: ImportOptions): Promise<ImportResult> {
  const started = Date.now();
  if (options.force !== true) {
    const known = await findIdenticalBackup(vault, entry);
    if (known !== undefined) return skipped(vault, entry, known, started);
  }
  const format = looksLikeNdjson(await readHead(entry, 256)) ? 'ndjson' : 'sbr';
  const regionChoice = await chooseRegion(vault, entry);
  const match = { ...(await vault.config.matchOptions()), ...options.match };
  const phones = new PhoneNormalizer(regionChoice.region);
  const sqlite = vault.store.sqlite;
  const counts: ImportCounts = { read: 0, new: 0, duplicate: 0, updated: 0, rejected: 0, warnings: 0 };
  const kinds = { sms: 0, mms: 0, calls: 0 };
  const warnings: ReadWarning[] = [];
  let header: BackupHeader | undefined;
  let writer: ArchiveWriter | undefined;
  let salvageReason: string | undefined;
  let bytesRead = 0;

  const sink = blobMediaSink(vault.blobs);

  const warn = (w: ReadWarning): void => {
    counts.warnings++;
    if (warnings.length < MAX_KEPT_WARNINGS) warnings.push(w);
  };

  sqlite.exec('BEGIN IMMEDIATE');
  try {
    if (regionChoice.persist) {
      await vault.config.setRaw('region', regionChoice.persist.region);
      await vault.config.setRaw('region.source', regionChoice.persist.source);
    }
    const backupId = await startBackupRun(vault, entry, regionChoice.explanation, started);

    const onRecord = (r: ArchiveRecord): void => {
      counts.read++;
      if (writer === undefined) throw new Error('record before header');
      let outcome: Outcome;
      if (r.kind === 'call') {
        const f = callFields(r);
        if (f.dateMs === undefined) {
          reject(r, 'call without a valid date');
          return;
        }
        kinds.calls++;
        outcome = writer.call({ fields: f, attrs: r.attrs }, f.dateMs);
      } else {
        const f = r.kind === 'sms' ? smsFields(r) : mmsFields(r);
        if (f.dateMs === undefined) {
          reject(r, `${r.kind} without a valid date`);
          return;
        }
        kinds[r.kind]++;
        outcome = writer.message(
          r.kind === 'sms' ? { fields: f, attrs: r.attrs } : { fields: f, attrs: r.attrs, parts: r.parts, addrs: r.addrs },
          f.dateMs,
        );
      }
      counts[outcome]++;
    };
    const reject = (r: ArchiveRecord, why: string): void => {
      counts.rejected++;
      warn({
        code: 'record-rejected',
        message: `${r.kind} #${r.position.index + 1} rejected: ${why}`,
        line: r.position.line,
        column: r.position.column,
      });
    };

    const opened = await entry.open((n) => {
      bytesRead += n;
    });
    let lastProgress = 0;
    const progress = (): void => {
      options.onProgress?.({ file: entry.name, bytesRead, bytesTotal: entry.sizeOnDisk, records: counts.read });
    };
    try {
      const handler = {
        header: (h: BackupHeader): void => {
          header = h;
          writer = new ArchiveWriter(sqlite, vault.search, phones, match, backupId, backupDateOf(h));
        },
        record: onRecord,
        warning: warn,
      };
      const read = format === 'ndjson' ? readNdjson : readSbr;
      await read(
        (async function* () {
          for await (const chunk of opened.stream) {
            yield chunk as Buffer;
            const now = Date.now();
            if (now - lastProgress > 100) {
              lastProgress = now;
              progress();
            }
          }
        })(),
        { file: entry.name, sink, handler, openMedia: exportMediaSource(vault, entry) },
      );
    } catch (e) {
      if (!(options.salvage === true && e instanceof MalformedBackupError && header !== undefined)) throw e;
      salvageReason = e.message;
      opened.stream.destroy();
    }
    progress();
    if (header === undefined || writer === undefined) throw new MalformedBackupError(entry.name, 1, 1, 'the file is empty');
    writer.finish();
    const digest = salvageReason === undefined ? opened.digest() : { sha256: '', size: bytesRead };
    const status = salvageReason === undefined ? 'complete' : 'partial';
    const notes = [...(salvageReason ? [`salvaged: ${salvageReason}`] : []), ...warnings.slice(0, 20).map((w) => `${w.line}:${w.column}: ${w.message}`)];
    await finishBackupRun(vault, backupId, { header, digest, status, counts, notes, format });
    await vault.blobs.commitStaged();
    sqlite.exec('COMMIT');
    return {
      file: entry.name,
      format,
      content: header.content,
      status,
      backupId,
      counts,
      ...kinds,
      region: formatRegion(regionChoice.region),
      regionNote: regionChoice.explanation,
      warnings,
      ...(salvageReason === undefined ? {} : { salvageReason }),
      seconds: (Date.now() - started) / 1000,
    };
  } catch (e) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    vault.blobs.discardStaged();
    throw e;
  }
}

async function skipped(vault: Vault, entry: InputEntry, known: KnownBackup, started: number): Promise<ImportResult> {
  const region = (await vault.config.get('region')) ?? '';
  return {
    file: entry.name,
    format: 'sbr',
    content: known.content,
    status: 'skipped',
    backupId: known.id,
    counts: { read: known.read, new: 0, duplicate: known.read - known.rejected, updated: 0, rejected: known.rejected, warnings: 0 },
    sms: 0,
    mms: 0,
    calls: 0,
    region,
    regionNote: `the same file (SHA-256 ${known.sha256.slice(0, 12)}…) was imported as backup #${known.id} on ${new Date(known.startedAt).toISOString().slice(0, 10)}; nothing new (use --force to read it again)`,
    warnings: [],
    seconds: (Date.now() - started) / 1000,
  };
}
