/**
 * Sources, alerts, device tokens and the vault's status (docs/api.md "Sources, devices and
 * alerts"; rules in docs/sources.md).
 */
import { z } from 'zod';
import { EpochMs, itemsOf } from './common.js';

export const SourceHealth = z.strictObject({
  lastRunAt: EpochMs.nullable(),
  lastSuccessAt: EpochMs.nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: EpochMs.nullable(),
  /** When the source next runs on its own (null: continuous or push). */
  nextRunAt: EpochMs.nullable(),
  /** Newest message date in any backup this source delivered. */
  newestMessageAt: EpochMs.nullable(),
  /** When it last delivered a backup the vault did not have yet. */
  lastDeliveryAt: EpochMs.nullable(),
});

export const Source = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['folder', 'imap', 'upload']),
  /** Never a secret: an IMAP source's sealed password shows as `passwordStored`. */
  config: z.record(z.string(), z.unknown()),
  schedule: z.string(),
  expectedIntervalMs: z.number(),
  enabled: z.boolean(),
  createdAt: EpochMs,
  health: SourceHealth,
});

export const Alert = z.strictObject({
  id: z.number().int(),
  sourceId: z.number().int(),
  sourceName: z.string(),
  /** stale: no new backup for longer than expected; folder: the watched folder is missing or unreadable. */
  kind: z.enum(['stale', 'folder']),
  message: z.string(),
  raisedAt: EpochMs,
  clearedAt: EpochMs.nullable(),
  /** When it was sent by mail or webhook (null: not yet, or nowhere to send it). */
  notifiedAt: EpochMs.nullable(),
});

/** A file a source could not import (not a backup format it reads). */
export const RejectedFile = z.strictObject({
  id: z.number().int(),
  sourceId: z.number().int(),
  path: z.string(),
  originalName: z.string(),
  reason: z.string(),
  rejectedAt: EpochMs,
});

export const VaultStatus = z.strictObject({
  alerts: z.array(Alert),
  sources: z.array(Source),
  /** Messages the phone's backups no longer carry (docs/sources.md). */
  deletedOnPhone: z.number().int(),
  rejectedFiles: z.array(RejectedFile),
});

export const ApiToken = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  sourceId: z.number().int(),
  createdAt: EpochMs,
  lastUsedAt: EpochMs.nullable(),
  revokedAt: EpochMs.nullable(),
});
/** POST /api/tokens: the token itself, shown this once. */
export const NewApiToken = ApiToken.extend({ token: z.string() });

export const AlertList = itemsOf(Alert);
export const SourceList = itemsOf(Source);
export const TokenList = itemsOf(ApiToken);
export const AllowedFolders = itemsOf(z.string());
export const RunStarted = z.strictObject({ jobIds: z.array(z.number().int()) });

export const NewSource = z.object({
  name: z.string().min(1).max(200),
  kind: z.enum(['folder', 'imap']),
  config: z.record(z.string(), z.unknown()),
  schedule: z.string().max(200).optional(),
  expectedIntervalMs: z.number().int().positive().optional(),
});
/** PATCH /api/sources/:id: pause or resume it, or give an IMAP source a new password. */
export const SourceChange = z
  .object({ enabled: z.boolean().optional(), password: z.string().min(1).max(1024).optional() })
  .strict()
  .refine((c) => c.enabled !== undefined || c.password !== undefined, 'give enabled or password');
export const NewToken = z.object({ name: z.string().min(1).max(200) });

export type SourceHealth = z.infer<typeof SourceHealth>;
export type Source = z.infer<typeof Source>;
export type Alert = z.infer<typeof Alert>;
export type RejectedFile = z.infer<typeof RejectedFile>;
export type VaultStatus = z.infer<typeof VaultStatus>;
export type ApiToken = z.infer<typeof ApiToken>;
export type NewApiToken = z.infer<typeof NewApiToken>;
export type NewSource = z.infer<typeof NewSource>;
export type SourceChange = z.infer<typeof SourceChange>;
export type NewToken = z.infer<typeof NewToken>;
export type RunStarted = z.infer<typeof RunStarted>;
