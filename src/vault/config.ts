/**
 * Vault settings kept in the archive itself, so every import into a vault follows the same rules.
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';
import type { MatchOptions } from './identity.js';
import { formatRegion, parseRegion, type Region } from './phone.js';
import { DAY_MS, formatDuration, notADuration, parseDuration } from './durations.js';

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
  'alerts.smtp': { description: 'SMTP server for alert e-mails, e.g. smtps://user:password@mail.example.org:465', parse: url(['smtp:', 'smtps:'], 'smtp://user:password@mail.example.org:587') },
  'alerts.email-to': { description: 'send alert e-mails to this address (needs alerts.smtp)', parse: email },
  'alerts.email-from': { description: 'sender address of alert e-mails (default: the alerts.email-to address)', parse: email },
  'ingest.max-size': {
    description: 'largest upload the ingest endpoint accepts, e.g. 4GB (default 8GB)',
    parse: (v) => String(parseByteSize(v)),
  },
  'exports.keep': {
    description: 'how long an export made in the web app stays on the server for download, e.g. 30d or 12h (default 7d)',
    parse: (v) => formatDuration(parseKeep(v)),
  },
};

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

export class VaultConfig {
  constructor(private readonly db: Kysely<Schema>) {}

  async all(): Promise<Record<string, string>> {
    const rows = await this.db.selectFrom('config').select(['key', 'value']).orderBy('key').execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async get(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('config').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
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
