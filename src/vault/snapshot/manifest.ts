/**
 * A snapshot's manifest: every file of the vault it holds, with its size, its SHA-256 and the
 * chunks (objects of the snapshot folder) its bytes are in, in order.
 */
import { z } from 'zod';

export const MANIFEST_FORMAT = 'textvault-snapshot';
export const MANIFEST_VERSION = 1;

const chunkSchema = z.object({
  /** The object's name in the folder (objects/ab/<id>). */
  id: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 of the chunk's plain bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
});

const fileSchema = z.object({
  /** Relative to the vault folder, with '/' separators. */
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  chunks: z.array(chunkSchema),
});

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(MANIFEST_VERSION),
  id: z.string(),
  createdAt: z.string(),
  vault: z.string(),
  seconds: z.number(),
  counts: z.object({ messages: z.number(), calls: z.number(), blobs: z.number() }),
  files: z.array(fileSchema),
});

export type SnapshotChunk = z.infer<typeof chunkSchema>;
export type SnapshotFile = z.infer<typeof fileSchema>;
export type SnapshotManifest = z.infer<typeof manifestSchema>;

/** A manifest's bytes total: what restoring it writes. */
export function manifestBytes(m: SnapshotManifest): number {
  return m.files.reduce((sum, f) => sum + f.size, 0);
}

/** Safe relative paths only: a manifest from a damaged or hostile folder must not write outside the new vault. */
export function isSafeRelativePath(p: string): boolean {
  if (p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
