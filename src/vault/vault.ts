/**
 * A vault: one folder holding the SQLite archive (`textvault.db`) and the media (`blobs/`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BlobStore } from '../blobs/blob-store.js';
import { openStore, type Store } from '../store/database.js';
import { SqliteSearchIndex, type SearchIndex } from '../store/search-index.js';
import { VaultConfig } from './config.js';

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

  private constructor(
    readonly dir: string,
    readonly store: Store,
    readonly blobs: BlobStore,
  ) {
    this.config = new VaultConfig(store.db);
    this.search = new SqliteSearchIndex(store.sqlite);
  }

  /** Opens a vault; `create` makes the folder and an empty archive when there is none. */
  static async open(dir: string, options: { create?: boolean } = {}): Promise<Vault> {
    const abs = path.resolve(dir);
    const dbFile = path.join(abs, DB_FILE);
    if (!fs.existsSync(dbFile)) {
      if (options.create !== true) throw new VaultNotFoundError(abs);
      fs.mkdirSync(abs, { recursive: true });
    }
    const store = await openStore(dbFile);
    return new Vault(abs, store, new BlobStore(path.join(abs, 'blobs')));
  }

  get db(): Store['db'] {
    return this.store.db;
  }

  async close(): Promise<void> {
    this.blobs.close();
    await this.store.close();
  }
}
