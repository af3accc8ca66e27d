/** Tests' shortcuts over the media store interface (src/blobs/media-store.ts). */
import type { BlobInfo, MediaStore } from '../../src/blobs/media-store.js';

/** Every stored blob's name, in the order the store lists them. */
export async function listBlobs(store: MediaStore): Promise<string[]> {
  const out: string[] = [];
  for await (const name of store.list()) out.push(name);
  return out;
}

/** Stages a whole buffer as one blob. */
export function putBuffer(store: MediaStore, bytes: Buffer): BlobInfo {
  const w = store.begin();
  w.write(bytes);
  return w.finish();
}
