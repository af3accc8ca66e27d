/**
 * What a source is and how it is configured, validated with zod so the CLI, the server and the
 * database all agree.
 */
import { z } from 'zod';
import { AFTER_IMPORT, SourceConfigError, type SourceKind } from './source-options.js';

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
