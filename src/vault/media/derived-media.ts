/**
 * Media made for the browser from the originals, on first view, cached (issue 25): the service
 * the media routes and `textvault media prebuild|prune` use.
 *
 * The derived bytes are blobs of the vault's media store (content-addressed like the originals,
 * written through the MediaStore interface by a store object of their own, so they never join an
 * import's staged blobs), and each (original, variant) has a `derived_media` row (migration 0016).
 * Originals are never changed. Derived data is rebuildable: verify counts it apart, gc keeps what
 * a row names, prune drops it all, and a row whose blob has gone is simply made again.
 *
 * Order of a write, so gc (which removes stored blobs no row names) cannot lose one: the blob is
 * staged, its row written, then the blob committed. The row is written without waiting for the
 * database (busy_timeout 0: an import in another connection holds the write lock for its whole
 * transaction, and better-sqlite3 would block the server while waiting); when it cannot be, or the
 * commit fails (an import starting in another process cleans up temp files), the result is served
 * this once from memory and made again on the next view.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import BetterSqlite3 from 'better-sqlite3';
import type { MediaStore } from '../../blobs/media-store.js';
import { openMediaStore } from '../../blobs/open-media-store.js';
import { BUSY_TIMEOUT_MS } from '../../store/database.js';
import type { DerivedMediaTable } from '../../store/schema.js';
import type { Vault } from '../vault.js';
import { ConversionQueue } from './conversion-queue.js';
import { DEFAULT_LIMITS, groupOf, VARIANTS, type ConvertLimits, type Derived, type Variant, type VariantGroup } from './variants.js';
import { SNIFF_BYTES } from './media-kind.js';

export { ConverterBusyError } from './conversion-queue.js';
export { ToolMissingError } from './programs.js';
export { THUMB_WIDTHS, VARIANTS, type ThumbWidth, type Variant } from './variants.js';

/** What to send for one variant of an original. */
export type MediaAnswer =
  /** The original's own bytes, with this (sniffed, safe) type. */
  | { kind: 'original'; contentType: string }
  | { kind: 'derived'; sha256: string; size: number; contentType: string }
  /** Made, but not cached this time (see the header): send these bytes. */
  | { kind: 'bytes'; bytes: Buffer; contentType: string }
  | { kind: 'failed'; message: string }
  | { kind: 'none' };

/** The original to convert, as mediaPart (queries/media.ts) finds it. */
export interface Original {
  sha256: string;
  size: number;
  contentType: string | null;
}

export interface DerivedMediaOptions {
  limits?: Partial<ConvertLimits>;
  /** Conversions at a time (default 1 on a machine with up to 2 cores, else 2). */
  concurrency?: number;
  maxWaiting?: number;
}

/** A derived_media row as this module reads and writes it. */
type Row = Omit<DerivedMediaTable, 'source_sha256' | 'created_at'>;

function answerOf(row: Row): MediaAnswer {
  if (row.status === 'none') return { kind: 'none' };
  if (row.status === 'failed') return { kind: 'failed', message: row.error ?? 'the file could not be converted' };
  if (row.status === 'original') return { kind: 'original', contentType: row.content_type ?? 'application/octet-stream' };
  return { kind: 'derived', sha256: row.sha256 ?? '', size: row.size ?? 0, contentType: row.content_type ?? 'application/octet-stream' };
}

function answerOfDerived(d: Derived): MediaAnswer {
  switch (d.status) {
    case 'ok':
      return { kind: 'bytes', bytes: d.bytes, contentType: d.contentType };
    case 'original':
      return { kind: 'original', contentType: d.contentType };
    case 'none':
      return { kind: 'none' };
    case 'failed':
      return { kind: 'failed', message: d.error };
  }
}

export class DerivedMedia {
  readonly limits: ConvertLimits;
  private readonly queue: ConversionQueue;
  private writer: Promise<MediaStore> | undefined;

  constructor(
    private readonly vault: Vault,
    options: DerivedMediaOptions = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.queue = new ConversionQueue(options.concurrency ?? (os.availableParallelism() <= 2 ? 1 : 2), options.maxWaiting ?? 500);
  }

  /** One variant of an original: from the cache, or converted now (queued). */
  async get(original: Original, variant: Variant): Promise<MediaAnswer> {
    const cached = await this.cached(original.sha256, variant);
    if (cached !== undefined) return cached;
    const group = groupOf(variant);
    const made = await this.queue.run(`${original.sha256}:${group}`, () => this.build(original, group));
    return made[variant] ?? { kind: 'none' };
  }

  /** Converts what of an original is not cached yet; answers whether it converted anything. */
  async prebuild(original: Original): Promise<boolean> {
    let converted = false;
    for (const group of ['view', 'thumbs'] as const) {
      // One transaction writes a group's rows (keep): its first variant stands for the group.
      const rows = (await this.rows(original.sha256)).filter((r) => groupOf(r.variant as Variant) === group);
      if (rows.length > 0 && (await this.blobsPresent(rows))) continue;
      await this.queue.run(`${original.sha256}:${group}`, () => this.build(original, group));
      converted = true;
    }
    return converted;
  }

  private rows(sha256: string): Promise<Row[]> {
    return this.vault.db.selectFrom('derived_media').select(['variant', 'status', 'sha256', 'size', 'content_type', 'error']).where('source_sha256', '=', sha256).execute();
  }

  private async blobsPresent(rows: Row[]): Promise<boolean> {
    for (const r of rows) if (r.status === 'ok' && (r.sha256 === null || (await this.vault.blobs.size(r.sha256)) === undefined)) return false;
    return true;
  }

  private async cached(sha256: string, variant: Variant): Promise<MediaAnswer | undefined> {
    const row = (await this.rows(sha256)).find((r) => r.variant === variant);
    if (row === undefined) return undefined;
    // Pruned, or lost: derived data is made again rather than reported.
    if (row.status === 'ok' && (row.sha256 === null || (await this.vault.blobs.size(row.sha256)) === undefined)) return undefined;
    return answerOf(row);
  }

  /** Converts a group of variants of one original and caches them; answers what to send for each. */
  private async build(original: Original, group: VariantGroup): Promise<Partial<Record<Variant, MediaAnswer>>> {
    let results: Partial<Record<Variant, Derived>>;
    if (original.size > this.limits.maxInputBytes) {
      const error = `it is larger than the ${String(Math.round(this.limits.maxInputBytes / 1024 / 1024))} MiB Textvault converts`;
      results = group === 'view' ? { view: { status: 'failed', error } } : { 'thumb-160': { status: 'failed', error }, 'thumb-320': { status: 'failed', error } };
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-media-'));
      try {
        const file = path.join(dir, 'original');
        await pipeline(this.vault.blobs.openRead(original.sha256), fs.createWriteStream(file, { mode: 0o600 }));
        const head = Buffer.alloc(SNIFF_BYTES);
        const fd = fs.openSync(file, 'r');
        let got: number;
        try {
          got = fs.readSync(fd, head, 0, SNIFF_BYTES, 0);
        } finally {
          fs.closeSync(fd);
        }
        const { convertMedia } = await import('./convert.js');
        results = await convertMedia({ file, dir, head: head.subarray(0, got), declaredType: original.contentType }, group, this.limits);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    return this.keep(original.sha256, results);
  }

  private async keep(source: string, results: Partial<Record<Variant, Derived>>): Promise<Partial<Record<Variant, MediaAnswer>>> {
    const store = await (this.writer ??= openMediaStore(this.vault.blobs.location));
    const rows: Row[] = [];
    for (const variant of VARIANTS) {
      const d = results[variant];
      if (d === undefined) continue;
      if (d.status === 'none') rows.push({ variant, status: 'none', sha256: null, size: null, content_type: null, error: null });
      else if (d.status === 'ok') {
        const sink = store.begin();
        sink.write(d.bytes);
        const info = sink.finish();
        rows.push({ variant, status: 'ok', sha256: info.sha256, size: info.size, content_type: d.contentType, error: null });
      } else if (d.status === 'original') rows.push({ variant, status: 'original', sha256: null, size: null, content_type: d.contentType, error: null });
      else rows.push({ variant, status: 'failed', sha256: null, size: null, content_type: null, error: d.error });
    }
    const fallback: Partial<Record<Variant, MediaAnswer>> = {};
    for (const [v, d] of Object.entries(results)) fallback[v as Variant] = answerOfDerived(d);
    if (!this.writeRows(source, rows)) {
      store.discardStaged();
      return fallback;
    }
    try {
      await store.commitStaged();
    } catch {
      store.discardStaged();
      const del = this.vault.store.sqlite.prepare('DELETE FROM derived_media WHERE source_sha256 = ? AND variant = ?');
      for (const r of rows) del.run(source, r.variant);
      return fallback;
    }
    const answers: Partial<Record<Variant, MediaAnswer>> = {};
    for (const r of rows) answers[r.variant as Variant] = answerOf(r);
    return answers;
  }

  /** Replaces these variants' rows of one original in one transaction, without waiting for the write lock (see the header). */
  private writeRows(source: string, rows: Row[]): boolean {
    const sqlite = this.vault.store.sqlite;
    const del = sqlite.prepare('DELETE FROM derived_media WHERE source_sha256 = ? AND variant = ?');
    const ins = sqlite.prepare(
      'INSERT INTO derived_media (source_sha256, variant, status, sha256, size, content_type, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    sqlite.pragma('busy_timeout = 0');
    try {
      sqlite.transaction(() => {
        const now = Date.now();
        for (const r of rows) del.run(source, r.variant);
        for (const r of rows) ins.run(source, r.variant, r.status, r.sha256, r.size, r.content_type, r.error, now);
      })();
      return true;
    } catch (e) {
      if (e instanceof BetterSqlite3.SqliteError && e.code.startsWith('SQLITE_BUSY')) return false;
      throw e;
    } finally {
      sqlite.pragma(`busy_timeout = ${String(BUSY_TIMEOUT_MS)}`);
    }
  }

  async close(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    if (writer !== undefined) await (await writer).close();
  }
}
