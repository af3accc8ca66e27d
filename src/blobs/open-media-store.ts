/**
 * Opens a media store from its location (media-store.ts): how a worker thread, given only plain
 * data, opens the same store as the thread that started it. Each backend adds its case here. The
 * S3 store is loaded only for an S3 location: an embedded vault never loads the AWS SDK.
 */
import path from 'node:path';
import { BlobStore } from './blob-store.js';
import { LOCAL_MEDIA_DIR } from './local-files.js';
import type { LocalMediaLocation, MediaStore, MediaStoreLocation } from './media-store.js';

/** The embedded store of a vault folder: its `blobs/` folder. */
export function localMediaLocation(vaultDir: string): LocalMediaLocation {
  return { backend: 'local', dir: path.join(vaultDir, LOCAL_MEDIA_DIR) };
}

export async function openMediaStore(location: MediaStoreLocation): Promise<MediaStore> {
  switch (location.backend) {
    case 'local':
      return new BlobStore(location.dir);
    case 's3': {
      const { S3MediaStore } = await import('./s3/s3-media-store.js');
      return new S3MediaStore(location);
    }
  }
}
