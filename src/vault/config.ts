/**
 * Vault settings kept in the archive itself, so every import into a vault follows the same rules.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import { DEFAULT_INPUT_LIMITS, formatSize, LIMIT_SETTINGS, type InputLimits } from '../formats/limits.js';
import type { Schema } from '../store/schema.js';
import type { MatchOptions } from './identity.js';
import { formatRegion, parseRegion, type Region } from './phone.js';
import { DAY_MS, formatDuration, notADuration, parseDuration } from './durations.js';
import { openSecret, sealSecret } from './secrets.js';
import { assertNotVaultFolder, parseAllowedFolders } from './sources/folder-policy.js';
import { SourceConfigError } from './sources/source-options.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

interface Setting {
  description: string;
  /** Returns the canonical stored form, or throws ConfigError. */
  parse(value: string): string;
}

const bool: Setting['parse'] = (v) => {
  const s = v.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(s)) return 'true';
  if (['false', 'no', 'off', '0'].includes(s)) return 'false';
  throw new ConfigError(`"${v}" is not a yes/no value: use true or false`);
};

const url =
  (schemes: string[], example: string): Setting['parse'] =>
  (v) => {
    let u: URL;
    try {
      u = new URL(v.trim());
    } catch {
      throw new ConfigError(`"${v}" is not a URL; e.g. ${example}`);
    }
    if (!schemes.includes(u.protocol)) throw new ConfigError(`"${v}" must start with ${schemes.map((x) => `${x}//`).join(' or ')}; e.g. ${example}`);
    return u.toString();
  };

const email: Setting['parse'] = (v) => {
  const s = v.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(s) && !/<[^\s@]+@[^\s@]+>$/.test(s)) throw new ConfigError(`"${v}" is not an e-mail address`);
  return s;
};

/** "2GB", "500 MB", "1.5g" or a number of bytes. */
export function parseByteSize(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(v);
  if (m === null) throw new ConfigError(`"${v}" is not a size; use e.g. 2GB, 500MB or a number of bytes`);
  const power = ['', 'k', 'm', 'g', 't'].indexOf((m[2] ?? '').toLowerCase());
  return Math.round(Number(m[1]) * 1024 ** power);
}

const absolutePath: Setting['parse'] = (v) => {
  const s = v.trim();
  if (!path.isAbsolute(s)) throw new ConfigError(`"${v}" is not an absolute path; e.g. /mnt/backup/textvault`);
  return path.resolve(s);
};

/** Free text on one line (a name, an id). */
const oneLine: Setting['parse'] = (v) => {
  const s = v.trim();
  if (s === '' || s.length > 200 || /[\r\n]/.test(s)) throw new ConfigError(`"${v}" must be 1 to 200 characters on one line`);
  return s;
};

/** "a, b,c" -> "a,b,c"; empty is allowed (no restriction). */
const commaList: Setting['parse'] = (v) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .join(',');

export const SETTINGS: Record<string, Setting> = {
  region: {
    description: 'default region for numbers without a country code (US, GB, ... or a calling code like +44)',
    parse: (v) => {
      try {
        return formatRegion(parseRegion(v));
      } catch (e) {
        throw new ConfigError((e as Error).message);
      }
    },
  },
  'dedup.ignore-whitespace': { description: 'match bodies that differ only in whitespace', parse: bool },
  'dedup.ignore-milliseconds': { description: 'match dates that differ only in milliseconds', parse: bool },
  'dedup.cross-protocol': { description: 'match an SMS with a text-only MMS/RCS copy of it', parse: bool },
  'alerts.webhook': {
    description: 'POST alerts as JSON to this URL (ntfy, Gotify, Slack-style hooks)',
    parse: url(['http:', 'https:'], 'https://ntfy.sh/my-topic'),
  },
  'alerts.smtp': {
    description: 'SMTP server for alert e-mails, e.g. smtps://user:password@mail.example.org:465 (the password is stored sealed, see secret.key, and never shown)',
    parse: url(['smtp:', 'smtps:'], 'smtp://user:password@mail.example.org:587'),
  },
  'alerts.email-to': { description: 'send alert e-mails to this address (needs alerts.smtp)', parse: email },
  'alerts.email-from': { description: 'sender address of alert e-mails (default: the alerts.email-to address)', parse: email },
  'ingest.max-size': {
    description: 'largest upload the ingest endpoint accepts, e.g. 4GB (default 8GB)',
    parse: (v) => String(parseByteSize(v)),
  },
  [LIMIT_SETTINGS.maxTagChars]: {
    description: `most attribute text one start tag of a backup may hold in memory, media not counted (default ${formatSize(DEFAULT_INPUT_LIMITS.maxTagChars)})`,
    parse: (v) => String(positive(parseByteSize(v), v)),
  },
  [LIMIT_SETTINGS.maxAttributes]: {
    description: `most attributes one start tag of a backup may have (default ${String(DEFAULT_INPUT_LIMITS.maxAttributes)})`,
    parse: (v) => String(positive(wholeNumber(v), v)),
  },
  [LIMIT_SETTINGS.maxRecordChars]: {
    description: `most text one message or call of a backup may hold in memory, media not counted (default ${formatSize(DEFAULT_INPUT_LIMITS.maxRecordChars)})`,
    parse: (v) => String(positive(parseByteSize(v), v)),
  },
  [LIMIT_SETTINGS.maxExpandedBytes]: {
    description: `most bytes one compressed file (gzip, or a ZIP's entries together) may expand to (default ${formatSize(DEFAULT_INPUT_LIMITS.maxExpandedBytes)})`,
    parse: (v) => String(positive(parseByteSize(v), v)),
  },
  [LIMIT_SETTINGS.maxExpansionRatio]: {
    description: `most times its size a compressed file may expand to, past its first 16 MiB (default ${String(DEFAULT_INPUT_LIMITS.maxExpansionRatio)})`,
    parse: (v) => String(positive(wholeNumber(v), v)),
  },
  'import.min-free-space': {
    description: "an import stops, keeping nothing, when the vault's disk has less free space than this (default 256 MiB, or 2% of a smaller disk's size)",
    parse: (v) => String(parseByteSize(v)),
  },
  'sources.allowed-folders': {
    description:
      "folders the web app may add watched-folder sources in (and below), separated by ':'; only this command line sets it, never the vault's own folder or its parents",
    parse: (v) => {
      const folders = parseAllowedFolders(v);
      if (folders.length === 0) throw new ConfigError(`"${v}" names no folder; e.g. /srv/phone-backups or /srv/a:/srv/b`);
      for (const f of folders) if (!path.isAbsolute(f)) throw new ConfigError(`"${f}" is not an absolute path; e.g. /srv/phone-backups`);
      return folders.map((f) => path.resolve(f)).join(path.delimiter);
    },
  },
  'exports.keep': {
    description: 'how long an export made in the web app stays on the server for download, e.g. 30d or 12h (default 7d)',
    parse: (v) => formatDuration(parseKeep(v)),
  },
  // Snapshots of the vault that `textvault serve` takes by itself (vault/snapshot/, README "Backing up Textvault").
  'snapshot.schedule': {
    description: 'when textvault serve snapshots the vault: hourly, daily (03:00), weekly, a cron expression like "30 4 * * *", or off (default)',
    parse: (v) => {
      const s = v.trim();
      if (['off', 'hourly', 'daily', 'weekly'].includes(s) || /^(\S+\s+){4,5}\S+$/.test(s)) return s;
      throw new ConfigError(`"${v}" is not a snapshot schedule: use hourly, daily, weekly, off or a cron expression like "30 4 * * *"`);
    },
  },
  'snapshot.to': { description: 'the folder scheduled snapshots go to (absolute path; see textvault snapshot --to)', parse: absolutePath },
  'snapshot.keep': {
    description: 'how many scheduled snapshots to keep (default: all)',
    parse: (v) => {
      const n = Number(v.trim());
      if (!Number.isSafeInteger(n) || n < 1) throw new ConfigError(`"${v}" is not a number of snapshots to keep: use a whole number of at least 1`);
      return String(n);
    },
  },
  'snapshot.passphrase-file': { description: 'encrypt scheduled snapshots with the passphrase in this file (absolute path)', parse: absolutePath },
  'snapshot.key-file': { description: 'encrypt scheduled snapshots with this key file (absolute path)', parse: absolutePath },
  'snapshot.max-age': {
    description: 'alert when the last snapshot is older than this, e.g. 3d (default) or 36h',
    parse: (v) => {
      const ms = parseDuration(v);
      if (ms === undefined || ms <= 0) throw new ConfigError(notADuration(v));
      return formatDuration(ms);
    },
  },
  'uploads.max-size': {
    description: "largest file the web app's upload accepts, e.g. 4GB (default: ingest.max-size, else 8GB)",
    parse: (v) => String(parseByteSize(v)),
  },
  // Read when `serve` starts (docs/security.md): a change applies at the next start.
  'server.hosts': {
    description: 'host names the web app is reached by besides localhost and IP addresses, comma-separated (e.g. archive.example.org); requests naming another host are refused',
    parse: (v) => parseHostNames(v).join(','),
  },
  'server.request-timeout': {
    description: 'time a client has to send the headers of a request, and then its body (uploads excepted), e.g. 30s (default 30s)',
    parse: (v) => formatDuration(parseTimeout(v, 1000)),
  },
  'server.idle-timeout': {
    description: 'close a connection, and abort an upload, that sends or takes no byte for this long, e.g. 2m (default 60s)',
    parse: (v) => formatDuration(parseTimeout(v, 1000)),
  },
  'server.max-connections': {
    description: 'open connections the server accepts at once; more are closed at once (default 500)',
    parse: (v) => String(parseCount(v, 1)),
  },
  'server.max-connections-per-address': {
    description: 'open connections one client address (an IPv6 /64) may hold; more are closed at once; 0 = no limit (default 32, no limit with --trust-proxy)',
    parse: (v) => String(parseCount(v, 0)),
  },
  // Single sign-on (docs/security.md "Single sign-on"): read at each login, so a change applies at once.
  'oidc.issuer': {
    description: "the OpenID provider's issuer URL (its discovery document is <issuer>/.well-known/openid-configuration); setting it shows the sign-in button",
    parse: url(['https:', 'http:'], 'https://auth.example.org/realms/home'),
  },
  'oidc.client-id': { description: 'the client id Textvault is registered with at the provider', parse: oneLine },
  'oidc.client-secret-file': { description: "a file holding the client's secret (absolute path; the secret itself is never stored in the vault)", parse: absolutePath },
  'oidc.redirect-uri': {
    description: "the callback URL registered at the provider, when a reverse proxy changes the server's address (default: <the address the browser used>/api/auth/oidc/callback)",
    parse: url(['https:', 'http:'], 'https://archive.example.org/api/auth/oidc/callback'),
  },
  'oidc.allowed-groups': { description: "only users in one of these groups (the provider's groups claim) may sign in, comma-separated; empty: no group needed", parse: commaList },
  'oidc.allowed-emails': { description: 'only users with one of these verified e-mail addresses may sign in, comma-separated; empty: any address', parse: (v) => commaList(v.toLowerCase()) },
  'oidc.link-by-email': { description: 'sign a provider user into the existing account with the same e-mail address, when the provider says it is verified (default false)', parse: bool },
  'oidc.auto-provision': { description: 'create an account for a provider user who has none (default false: refused)', parse: bool },
  'oidc.password-login': { description: 'allow signing in with a user name and password besides single sign-on (default true)', parse: bool },
  'oidc.button-label': { description: 'the provider\'s name on the sign-in button, e.g. Authentik (default: single sign-on)', parse: oneLine },
  'jobs.time-limit': {
    description: 'longest a background job (import, verify, export) may run before it is stopped, e.g. 3h or 30m; off for no limit (default 1h)',
    parse: (v) => {
      const ms = parseTimeLimit(v);
      return ms === null ? 'off' : formatDuration(ms);
    },
  },
};

/** A timeout of at least `minMs`. */
export function parseTimeout(v: string, minMs: number): number {
  const ms = parseDuration(v);
  if (ms === undefined) throw new ConfigError(notADuration(v));
  if (ms < minMs) throw new ConfigError(`"${v}" is too short: use at least ${formatDuration(minMs)}`);
  return ms;
}

/** A whole number of at least `min`. */
export function parseCount(v: string, min: number): number {
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n) || n < min) throw new ConfigError(`"${v}" is not a whole number of ${min} or more`);
  return n;
}

/** Host names (DNS names, as a browser sends them in Host), lower case; no ports, no schemes. */
export function parseHostNames(v: string): string[] {
  const names = v
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  for (const h of names) {
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(h) || h.length > 253)
      throw new ConfigError(`"${h}" is not a host name: give names like archive.example.org, without scheme, port or path (IP addresses are always accepted)`);
  }
  return names;
}

function wholeNumber(v: string): number {
  if (!/^\s*\d+\s*$/.test(v)) throw new ConfigError(`"${v}" is not a whole number`);
  return Number(v);
}

function positive(n: number, v: string): number {
  if (!(n > 0)) throw new ConfigError(`"${v}" would refuse every backup: give a value above zero`);
  return n;
}

/** The input limits (formats/limits.ts) with this vault's `import.*` settings applied. */
export async function inputLimitsOf(config: VaultConfig): Promise<InputLimits> {
  const all = await config.all();
  const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS };
  for (const key of Object.keys(LIMIT_SETTINGS) as (keyof InputLimits)[]) {
    const v = all[LIMIT_SETTINGS[key]];
    if (v !== undefined && Number(v) > 0) limits[key] = Number(v);
  }
  return limits;
}

/** `import.min-free-space` in bytes; undefined when not set (the import keeps its default reserve). */
export async function minFreeBytes(config: VaultConfig): Promise<number | undefined> {
  const v = await config.get('import.min-free-space');
  return v === undefined ? undefined : Number(v);
}

/**
 * A job running longer than this is stopped and failed (its import rolled back). Real backups
 * import in seconds to minutes (1,000,000 SMS: under a minute; media at disk speed), a verify
 * reads every media file once; an hour is ten times what a large vault needs on a small
 * machine, and bounds how long one hostile upload can hold the queue that every other job waits in.
 */
export const DEFAULT_JOB_TIME_LIMIT_MS = 3_600_000;

/** Milliseconds, or null for `off` (no limit). */
function parseTimeLimit(v: string): number | null {
  if (['off', 'none', 'no'].includes(v.trim().toLowerCase())) return null;
  const ms = parseDuration(v);
  if (ms === undefined) throw new ConfigError(`${notADuration(v)}, or off`);
  if (ms <= 0) throw new ConfigError(`"${v}" would stop every job at once: use e.g. 1h or 3h, or off for no limit`);
  return ms;
}

/** `jobs.time-limit` in milliseconds, or null when it is off. A hand-written value that does not parse counts as the default. */
export async function jobTimeLimitMs(config: VaultConfig): Promise<number | null> {
  const v = await config.get('jobs.time-limit');
  if (v === undefined) return DEFAULT_JOB_TIME_LIMIT_MS;
  try {
    return parseTimeLimit(v);
  } catch {
    return DEFAULT_JOB_TIME_LIMIT_MS;
  }
}

/** `smtps://user@host:465` as shown when its password is stored: `smtps://user:(set)@host:465`. */
function shownWithSecret(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^@/]*)@/i, `$1:${SECRET_SHOWN}@`);
}

/** Exports made in the web app are deleted from the server this long after they were made. */
export const DEFAULT_EXPORTS_KEEP_MS = 7 * DAY_MS;

function parseKeep(v: string): number {
  const ms = parseDuration(v);
  if (ms === undefined) throw new ConfigError(notADuration(v));
  if (ms <= 0) throw new ConfigError(`"${v}" would delete exports before they can be downloaded: use e.g. 1h, 7d or 30d`);
  return ms;
}

/** `exports.keep` in milliseconds. */
export async function exportsKeepMs(config: VaultConfig): Promise<number> {
  const v = await config.get('exports.keep');
  return v === undefined ? DEFAULT_EXPORTS_KEEP_MS : parseKeep(v);
}

const ALLOWED_FOLDERS = 'sources.allowed-folders';

/** Keys of the config table that hold sealed secrets (secrets.ts): never listed, never printed. */
export const SECRET_KEY_PREFIX = 'secret.';
const SMTP_PASSWORD_KEY = `${SECRET_KEY_PREFIX}alerts.smtp`;
/** What `config list` and `config get` show for a stored secret. */
export const SECRET_SHOWN = '(set)';

/** `url` without its password, and the password as written in it (percent-encoded), if any. */
export function splitUrlPassword(value: string): { url: string; password: string | undefined } {
  const u = new URL(value);
  const password = u.password === '' ? undefined : u.password;
  u.password = '';
  return { url: u.toString(), password };
}

export class VaultConfig {
  constructor(
    private readonly db: Kysely<Schema>,
    /** The vault folder, where the key of sealed secrets is found (secrets.ts). */
    private readonly dir: string,
  ) {}

  /**
   * Every setting as `config list` shows it: secrets are left out, and a setting with a secret
   * part (the SMTP password) says "(set)" in its place.
   */
  async all(): Promise<Record<string, string>> {
    const rows = await this.db.selectFrom('config').select(['key', 'value']).orderBy('key').execute();
    const secrets = new Set(rows.filter((r) => r.key.startsWith(SECRET_KEY_PREFIX)).map((r) => r.key));
    return Object.fromEntries(rows.filter((r) => !secrets.has(r.key)).map((r) => [r.key, r.key === 'alerts.smtp' && secrets.has(SMTP_PASSWORD_KEY) ? shownWithSecret(r.value) : r.value]));
  }

  /** One setting as shown (see all()); secrets themselves are not settings and read as undefined. */
  async get(key: string): Promise<string | undefined> {
    if (key.startsWith(SECRET_KEY_PREFIX)) return undefined;
    const value = await this.raw(key);
    if (key === 'alerts.smtp' && value !== undefined && (await this.raw(SMTP_PASSWORD_KEY)) !== undefined) return shownWithSecret(value);
    return value;
  }

  private async raw(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('config').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  /** The SMTP URL with its password opened, for the mailer only; undefined when unset. Throws SecretError. */
  async smtpUrl(): Promise<string | undefined> {
    const url = await this.raw('alerts.smtp');
    if (url === undefined) return undefined;
    const sealed = await this.raw(SMTP_PASSWORD_KEY);
    if (sealed === undefined) return url;
    const u = new URL(url);
    u.password = await openSecret(this.dir, 'alerts.smtp', sealed);
    return u.toString();
  }

  /**
   * Moves a password stored in clear in `alerts.smtp` (vaults from before sealed secrets) into
   * the sealed store. Returns true when it did. The caller makes sure the old bytes leave the file
   * (see Vault.open: secure_delete and a checkpoint).
   */
  async sealPlaintextSecrets(): Promise<boolean> {
    const url = await this.raw('alerts.smtp');
    if (url === undefined) return false;
    let split: ReturnType<typeof splitUrlPassword>;
    try {
      split = splitUrlPassword(url);
    } catch {
      return false;
    }
    if (split.password === undefined) return false;
    await this.storeSmtp(split.url, split.password);
    return true;
  }

  private async storeSmtp(url: string, password: string | undefined): Promise<void> {
    const sealed = password === undefined ? undefined : await sealSecret(this.dir, 'alerts.smtp', password);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('config')
        .values({ key: 'alerts.smtp', value: url })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: url }))
        .execute();
      if (sealed === undefined) await tx.deleteFrom('config').where('key', '=', SMTP_PASSWORD_KEY).execute();
      else
        await tx
          .insertInto('config')
          .values({ key: SMTP_PASSWORD_KEY, value: sealed })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: sealed }))
          .execute();
    });
  }

  /**
   * Sets a known setting after validating it; returns the stored value. The region cannot change
   * once the archive holds records: the same number would normalise differently and dedup break.
   */
  async set(key: string, value: string): Promise<string> {
    const setting = SETTINGS[key];
    if (setting === undefined) {
      throw new ConfigError(`unknown setting "${key}"; known settings: ${Object.keys(SETTINGS).join(', ')}`);
    }
    const stored = setting.parse(value);
    if (key === ALLOWED_FOLDERS) {
      for (const folder of parseAllowedFolders(stored)) {
        try {
          assertNotVaultFolder(folder, this.dir);
        } catch (e) {
          if (e instanceof SourceConfigError) throw new ConfigError(`${folder}: ${e.message}`);
          throw e;
        }
      }
    }
    if (key === 'alerts.smtp') {
      // The password never reaches the database in clear: sealed apart, shown as "(set)".
      const { url: bare, password } = splitUrlPassword(stored);
      await this.storeSmtp(bare, password);
      return password === undefined ? bare : shownWithSecret(bare);
    }
    if (key === 'region') {
      const current = await this.get('region');
      if (current !== undefined && current !== stored && !(await this.archiveIsEmpty())) {
        throw new ConfigError(
          `this vault already holds records whose numbers were normalised with region ${current}; changing it now would make ` +
            'the same number look different to duplicate detection. Use a new vault (--vault DIR) and set the region before its first import.',
        );
      }
      await this.setRaw('region.source', 'configured');
    }
    await this.setRaw(key, stored);
    return stored;
  }

  /** The vault's region for numbers without a country code; undefined until set or inferred. */
  async region(): Promise<Region | undefined> {
    const value = await this.get('region');
    return value === undefined ? undefined : parseRegion(value);
  }

  private async archiveIsEmpty(): Promise<boolean> {
    const m = await this.db.selectFrom('messages').select('id').limit(1).executeTakeFirst();
    const c = await this.db.selectFrom('calls').select('id').limit(1).executeTakeFirst();
    return m === undefined && c === undefined;
  }

  /** Removes a setting (back to its default): e.g. one way of encrypting snapshots replacing the other. */
  async unset(key: string): Promise<void> {
    if (SETTINGS[key] === undefined) throw new ConfigError(`unknown setting "${key}"; known settings: ${Object.keys(SETTINGS).join(', ')}`);
    await this.db.deleteFrom('config').where('key', '=', key).execute();
  }

  /** Internal bookkeeping values (e.g. where an inferred region came from). */
  async setRaw(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('config')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async matchOptions(): Promise<MatchOptions> {
    const all = await this.all();
    return {
      ignoreWhitespace: all['dedup.ignore-whitespace'] === 'true',
      ignoreMilliseconds: all['dedup.ignore-milliseconds'] === 'true',
      crossProtocol: all['dedup.cross-protocol'] === 'true',
    };
  }
}
