/**
 * The Textvault NDJSON export, version 1 (docs/ndjson-schema.md): one JSON object per line, a
 * header first, then messages and calls, then contacts. Records keep every attribute as the
 * `[name, value]` pairs of the record model (records.ts), in order, so the file re-imports
 * losslessly; the derived fields beside them are for scripts and are ignored on import.
 */
import { z } from 'zod';

export const NDJSON_SCHEMA = 'textvault-ndjson';
export const NDJSON_VERSION = 1;

/** Media files travel beside the NDJSON file under this folder, named by their SHA-256. */
export const MEDIA_DIR = 'media';
export const SHA256 = /^[0-9a-f]{64}$/;

export function mediaPath(sha256: string): string {
  return `${MEDIA_DIR}/${sha256}`;
}

const Attr = z.tuple([z.string(), z.string()]);
const Attrs = z.array(Attr);

export const HeaderLine = z.object({
  type: z.literal('header'),
  schema: z.literal(NDJSON_SCHEMA),
  version: z.number().int().positive(),
  exported_at: z.string(),
  exported_at_ms: z.number().int(),
  region: z.string().optional(),
  generator: z.string().optional(),
});

const Person = z.object({ address: z.string(), name: z.string().nullable() });

const Part = z.object({
  attrs: Attrs,
  media: z.lazy(() => MediaRef).optional(),
  damage: z.enum(['empty', 'corrupt']).optional(),
  raw_data: z.string().optional(),
});

export const MessageLine = z.object({
  type: z.literal('message'),
  kind: z.enum(['sms', 'mms']),
  date: z.string().optional(),
  date_ms: z.number().optional(),
  direction: z.string().optional(),
  conversation: z.object({ id: z.number().int(), participants: z.array(Person) }).optional(),
  text: z.string().optional(),
  attrs: Attrs,
  parts: z.array(Part).optional(),
  addrs: z.array(z.object({ attrs: Attrs })).nullable().optional(),
});

export const CallLine = z.object({
  type: z.literal('call'),
  date: z.string().optional(),
  date_ms: z.number().optional(),
  person: Person.optional(),
  call_type: z.string().optional(),
  duration_s: z.number().nullable().optional(),
  attrs: Attrs,
});

const MediaRef = z.object({ sha256: z.string().regex(SHA256), size: z.number().int().nonnegative(), path: z.string() });

export const ContactLine = z.object({ type: z.literal('contact'), address: z.string(), name: z.string(), photo: MediaRef.optional() });

export type HeaderLineT = z.infer<typeof HeaderLine>;
export type MessageLineT = z.infer<typeof MessageLine>;
export type CallLineT = z.infer<typeof CallLine>;
export type ContactLineT = z.infer<typeof ContactLine>;
export type PartLineT = z.infer<typeof Part>;
