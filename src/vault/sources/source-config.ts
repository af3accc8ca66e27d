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
  /** Added in the web app: it may only watch inside the admin's sources.allowed-folders (folder-policy.ts), checked at each run. */
  fromWebApp: z.boolean().optional(),
  /**
   * The password of encrypted backups found there (.ab, .ssef), read from this file of the
   * server (absolute) at each such import. Set with the command line only (see webSourceConfig).
   */
  passphraseFile: z.string().min(1).optional(),
});
export type FolderConfig = z.infer<typeof folderConfig>;

const imapUrl = z
  .string()
  .min(1)
  .max(2000)
  .refine((u) => /^imaps?:\/\//i.test(u), 'write the mailbox as imap://user@host/SMS or imaps://user@host/SMS')
  .refine((u) => !/^imaps?:\/\/[^/@]*:[^/@]*@/i.test(u), 'do not put the password in the URL (it would be stored and shown): give it as the password');

export const imapConfig = z.object({
  /** imap://user@host[:port]/Folder or imaps://...; never a password. */
  url: imapUrl,
  /**
   * Where the password comes from. Set with the command line on the server only: a file, or an
   * environment variable of the server's process (never over the web: see webSourceConfig).
   */
  passwordFile: z.string().optional(),
  passwordEnv: z.string().optional(),
  /** Or the password itself, sealed (vault/secrets.ts); never returned by the API (publicConfig). */
  sealedPassword: z.string().optional(),
  /** tls (default), or starttls / plain for a server on the local network only. */
  security: z.enum(['tls', 'starttls', 'plain']).default('tls'),
  /** Accept a certificate that does not verify: only for a server you control. */
  insecure: z.boolean().default(false),
  /** A PEM file of an extra trusted certificate (a self-hosted server's own). */
  caFile: z.string().optional(),
  /** SMS Backup+'s call-log folder (default "Call log"). */
  callsFolder: z.string().optional(),
  /**
   * Set by the upgrade (control migration 0014) on a source that named a file or variable of the
   * server before web users were kept from doing so: it does not run until an admin confirms it
   * on the server (`textvault source confirm NAME`) or a password is typed in the web app.
   */
  unconfirmedServerRefs: z.boolean().optional(),
});
export type ImapConfig = z.infer<typeof imapConfig>;

export const uploadConfig = z.object({});

/** An IMAP source's config as the API and `source list` show it: the sealed password is replaced by whether there is one. */
export type PublicImapConfig = Omit<ImapConfig, 'sealedPassword'> & { passwordStored: boolean };

export function publicImapConfig(config: ImapConfig): PublicImapConfig {
  const { sealedPassword, ...rest } = config;
  return { ...rest, passwordStored: sealedPassword !== undefined };
}

/**
 * What a web user may set. Never a path or variable of the server (passwordFile, passwordEnv,
 * caFile): the server would read that file and send it to the host the user named. The password
 * is given itself (and sealed by the caller); a folder must be one the admin allowed
 * (folder-policy.ts).
 */
export const webFolderConfig = folderConfig.omit({ fromWebApp: true, passphraseFile: true }).strict();
export const webImapConfig = z
  .object({
    url: imapUrl,
    password: z.string().min(1, 'the mailbox needs its password').max(1024),
    security: imapConfig.shape.security,
    insecure: imapConfig.shape.insecure,
    callsFolder: z.string().max(200).optional(),
  })
  .strict();
export type WebImapConfig = z.infer<typeof webImapConfig>;

const SERVER_ONLY_KEYS = ['passwordFile', 'passwordEnv', 'caFile', 'sealedPassword', 'unconfirmedServerRefs'];
const SERVER_ONLY_FOLDER_KEYS = ['passphraseFile', 'fromWebApp'];

/** A web user's source settings, or a SourceConfigError saying what is wrong (and what to do instead). */
export function parseWebSourceConfig(kind: 'folder', value: unknown): FolderConfig;
export function parseWebSourceConfig(kind: 'imap', value: unknown): WebImapConfig;
export function parseWebSourceConfig(kind: 'folder' | 'imap', value: unknown): FolderConfig | WebImapConfig {
  if (kind === 'imap' && typeof value === 'object' && value !== null) {
    const named = SERVER_ONLY_KEYS.filter((k) => k in value);
    if (named.length > 0) {
      throw new SourceConfigError(
        `${named.join(', ')} name files or variables on the server and can only be set with the textvault command line there; ` +
          'in the web app, give the mailbox password itself as "password" (it is stored sealed and never shown again)',
      );
    }
  }
  if (kind === 'folder' && typeof value === 'object' && value !== null) {
    const named = SERVER_ONLY_FOLDER_KEYS.filter((k) => k in value);
    if (named.length > 0) {
      throw new SourceConfigError(
        `${named.join(', ')} can only be set with the textvault command line on the server (textvault source add NAME --folder DIR --passphrase-file FILE); ` +
          "in the web app, enter an encrypted backup's password on the Backups page when its import asks for it",
      );
    }
  }
  return kind === 'folder' ? parseWith(webFolderConfig, kind, value) : parseWith(webImapConfig, kind, value);
}

function parseWith<T>(schema: z.ZodType<T>, kind: string, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
    throw new SourceConfigError(`invalid ${kind} source settings: ${issues}`);
  }
  return r.data;
}

/** The parsed config of a source of some kind, or a SourceConfigError saying what is wrong. */
export function parseSourceConfig(kind: SourceKind, value: unknown): FolderConfig | ImapConfig | Record<string, never> {
  if (kind === 'folder') return parseWith(folderConfig, kind, value);
  if (kind === 'imap') return parseWith(imapConfig, kind, value);
  return parseWith(uploadConfig, kind, value);
}
