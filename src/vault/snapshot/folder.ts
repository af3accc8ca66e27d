/**
 * Opens a snapshot folder with the codec its header asks for.
 */
import { plainCodec } from './codec.js';
import { HEADER_FORMAT, SnapshotRepository } from './repository.js';

export function openSnapshotFolder(dir: string, options: { create?: boolean } = {}): SnapshotRepository {
  return SnapshotRepository.open(dir, plainCodec, options.create === true ? { create: { format: HEADER_FORMAT, version: 1 } } : {});
}
