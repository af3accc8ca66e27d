/**
 * A MediaSink that stores nothing and only hashes: for reading a backup without a vault
 * (dry runs, the benchmark's plain read, tests).
 */
import { createHash } from 'node:crypto';
import type { MediaSink } from './records.js';

export function hashOnlySink(): MediaSink {
  return {
    begin: () => {
      const hash = createHash('sha256');
      let size = 0;
      return {
        write: (bytes) => {
          hash.update(bytes);
          size += bytes.length;
        },
        finish: () => ({ sha256: hash.digest('hex'), size }),
        abort: () => undefined,
      };
    },
  };
}
