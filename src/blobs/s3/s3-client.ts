/**
 * The S3 client of a media store's location (s3-location.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { S3MediaLocation } from './s3-location.js';

export function s3Client(location: S3MediaLocation): S3Client {
  // The SDK warns once per process that its releases after January 2027 need Node 22. The pinned
  // release supports Node 20, the oldest line Textvault supports: the warning would only confuse
  // someone running a command. Setting the variable first leaves a choice made elsewhere alone.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    region: location.region,
    ...(location.endpoint === undefined ? {} : { endpoint: location.endpoint }),
    forcePathStyle: location.forcePathStyle,
    ...(location.credentials === undefined ? {} : { credentials: location.credentials }),
    // Checksums only where S3 requires them. The SDK's default adds a CRC32 to every upload (as
    // an aws-chunked trailer for streams) and checks one on every download: one more pass over
    // every byte, and a protocol change not every S3-compatible server follows (Ceph RGW 16.2
    // accepts it; servers older than the SDK's 2025 change may not). Blob names are SHA-256
    // hashes, putFile re-hashes what it sends, and verify re-hashes objects.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
