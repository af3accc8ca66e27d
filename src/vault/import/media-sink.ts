/**
 * The blob store as a reader's MediaSink: media are staged as they stream out of a backup and
 * become durable when the import commits (MediaStore.commitStaged).
 */
import type { MediaStore } from '../../blobs/media-store.js';
import type { MediaSink } from '../../formats/records.js';

export function blobMediaSink(blobs: MediaStore): MediaSink {
  return {
    begin: () => {
      const w = blobs.begin();
      return {
        write: (bytes) => {
          w.write(bytes);
        },
        finish: () => {
          const { sha256, size } = w.finish();
          return { sha256, size };
        },
        abort: () => {
          w.abort();
        },
      };
    },
  };
}
