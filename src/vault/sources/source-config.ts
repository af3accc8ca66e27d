/**
 * What a source is and how it is configured, validated with zod so the CLI, the server and the
 * database all agree.
 */
import { z } from 'zod';

export const SOURCE_KINDS = ['folder', 'imap', 'upload'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const AFTER_IMPORT = ['keep', 'move', 'delete'] as const;
export type AfterImport = (typeof AFTER_IMPORT)[number];

export const folderConfig = z.object({
  /** The folder backups land in (absolute). */
  path: z.string().min(1),
  /** A file is complete once its size and mtime have not changed for this long (ms). */
  settleMs: z.number().int().min(0).default(10_000),
  /** After a verified import: leave the file, move it to done/, or delete it. */
  afterImport: z.enum(AFTER_IMPORT).default('keep'),
});
export type FolderConfig = z.infer<typeof folderConfig>;

export const imapConfig = z.object({
  /** imap://user@host[:port]/Folder or imaps://...; never a password. */
  url: z.string().min(1),
  /** Where the password comes from: a file, or an environment variable of the server. */
  passwordFile: z.string().optional(),
  passwordEnv: z.string().optional(),
  /** tls (default), or starttls / plain for a server on the local network only. */
  security: z.enum(['tls', 'starttls', 'plain']).default('tls'),
  /** Accept a certificate that does not verify: only for a server you control. */
  insecure: z.boolean().default(false),
  /** A PEM file of an extra trusted certificate (a self-hosted server's own). */
  caFile: z.string().optional(),
  /** SMS Backup+'s call-log folder (default "Call log"). */
  callsFolder: z.string().optional(),
});
export type ImapConfig = z.infer<typeof imapConfig>;

export const uploadConfig = z.object({});

export const DAY_MS = 24 * 3600 * 1000;
export const DEFAULT_EXPECTED_INTERVAL_MS = 3 * DAY_MS;

export class SourceConfigError extends Error {
  override readonly name = 'SourceConfigError';
}

/** The parsed config of a source of some kind, or a SourceConfigError saying what is wrong. */
export function parseSourceConfig(kind: SourceKind, value: unknown): FolderConfig | ImapConfig | Record<string, never> {
  const schema = kind === 'folder' ? folderConfig : kind === 'imap' ? imapConfig : uploadConfig;
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
    throw new SourceConfigError(`invalid ${kind} source settings: ${issues}`);
  }
  return r.data;
}

/** "3d", "12h", "90m", "45s" or plain milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (m === null) throw new SourceConfigError(`"${text}" is not a duration: use e.g. 3d, 12h, 30m or 10s`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };
  return Math.round(n * (factor[unit] ?? 1));
}

export function formatDuration(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
