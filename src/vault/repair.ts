/**
 * `textvault verify --repair`: rebuilds the media pack index (`blobs/packs/index.db`) from the
 * packs' own headers when it was lost or damaged. Under the import and gc locks: both write the
 * index and the packs. A media store without packs (media-store.ts) has no index to rebuild.
 */
import type { IndexRebuild } from '../blobs/media-store.js';
import type { Vault } from './vault.js';

export type { IndexRebuild } from '../blobs/media-store.js';

const NOTHING_TO_REBUILD: IndexRebuild = { packs: 0, scannedPacks: 0, blobsFound: 0, blobsAdded: 0, oldFormatIndexed: [], oldFormatUnindexed: [] };

export async function repairMediaIndex(vault: Vault, options: { waitMs?: number } = {}): Promise<IndexRebuild> {
  const wait = options.waitMs === undefined ? {} : { timeoutMs: options.waitMs };
  const gcLock = await vault.locks.acquireWaiting('gc', wait);
  try {
    const importLock = await vault.locks.acquireWaiting('import', wait);
    try {
      return vault.blobs.packs?.rebuildIndex() ?? NOTHING_TO_REBUILD;
    } finally {
      importLock.release();
    }
  } finally {
    gcLock.release();
  }
}
