/**
 * A vault: one folder holding the SQLite archive (`textvault.db`) and the media (`blobs/`, or an
 * S3 bucket the archive names: media-location.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MediaStore } from '../blobs/media-store.js';
import { openMediaStore } from '../blobs/open-media-store.js';
import { openStore, type Store } from '../store/database.js';
import { PRIVATE_DIR_MODE } from '../store/private-file.js';
import { SqliteSearchIndex, type SearchIndex } from '../store/search-index.js';
import { VaultConfig } from './config.js';
import { FileLocks, type VaultLocks } from './lock.js';
import { resolveMediaLocation } from './media-location.js';

export const DB_FILE = 'textvault.db';

export class VaultNotFoundError extends Error {
  override readonly name = 'VaultNotFoundError';
  constructor(readonly dir: string) {
    super(`no vault at ${dir}: import a backup first (textvault import FILE), or pick a vault with --vault DIR`);
  }
}

export class Vault {
  readonly config: VaultConfig;
  readonly search: SearchIndex;
  /** Who may import, collect media or snapshot right now (lock.ts). */
  readonly locks: VaultLocks;

  private constructor(
    readonly dir: string,
    readonly store: Store,
    /** The media (blobs/media-store.ts): read and written only through the interface. */
    readonly blobs: MediaStore,
  ) {
    this.config = new VaultConfig(store.db, dir);
    this.search = new SqliteSearchIndex(store.sqlite);
    this.locks = new FileLocks(dir);
  }

  /**
   * Opens a vault; `create` makes the folder and an empty archive when there is none. `media`
   * (an s3:// URL) puts a new vault's media in a bucket; see media-location.ts.
   */
  static async open(dir: string, options: { create?: boolean; media?: string } = {}): Promise<Vault> {
    const abs = path.resolve(dir);
    const dbFile = path.join(abs, DB_FILE);
    if (!fs.existsSync(dbFile)) {
      if (options.create !== true) throw new VaultNotFoundError(abs);
      // Owner-only whatever the umask: private messages (permissions.ts warns about older vaults).
      const made = fs.mkdirSync(abs, { recursive: true, mode: PRIVATE_DIR_MODE });
      if (made !== undefined) fs.chmodSync(abs, PRIVATE_DIR_MODE);
    }
    const store = await openStore(dbFile);
    let blobs: MediaStore;
    try {
      blobs = await openMediaStore(await resolveMediaLocation(store.db, abs, options.media));
    } catch (e) {
      await store.close();
      throw e;
    }
    const vault = new Vault(abs, store, blobs);
    await vault.sealPlaintextSecrets();
    return vault;
  }

  /**
   * An SMTP password that an older version stored in clear is sealed (secrets.ts), and its old
   * bytes are zeroed in the file (secure_delete) and the WAL emptied into it, so no copy of the
   * database holds it any more. Best effort: a vault another process holds locked, or whose key
   * cannot be written, is tried again at the next open.
   */
  private async sealPlaintextSecrets(): Promise<void> {
    const sqlite = this.store.sqlite;
    const before: unknown = sqlite.pragma('secure_delete', { simple: true });
    try {
      sqlite.pragma('secure_delete = ON');
      if (await this.config.sealPlaintextSecrets()) sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Left as it was; the next open tries again.
    } finally {
      sqlite.pragma(`secure_delete = ${before === 1 ? 'ON' : 'OFF'}`);
    }
  }

  get db(): Store['db'] {
    return this.store.db;
  }

  async close(): Promise<void> {
    await this.blobs.close();
    await this.store.close();
  }
}
