/**
 * `textvault verify --repair`: rebuilds the media pack index (`blobs/packs/index.db`) from the
 * packs' own headers when it was lost or damaged. Under the import and gc locks: both write the
 * index and the packs.
 */
import type { IndexRebuild } from '../blobs/pack-maintenance.js';
import type { Vault } from './vault.js';

export type { IndexRebuild } from '../blobs/pack-maintenance.js';

export async function repairMediaIndex(vault: Vault, options: { waitMs?: number } = {}): Promise<IndexRebuild> {
  const wait = options.waitMs === undefined ? {} : { timeoutMs: options.waitMs };
  const gcLock = await vault.locks.acquireWaiting('gc', wait);
  try {
    const importLock = await vault.locks.acquireWaiting('import', wait);
    try {
      return vault.blobs.rebuildIndex();
    } finally {
      importLock.release();
    }
  } finally {
    gcLock.release();
  }
}
