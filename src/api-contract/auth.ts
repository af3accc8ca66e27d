/**
 * Accounts and sessions (docs/api.md "Auth").
 */
import { z } from 'zod';

export const Health = z.strictObject({ ok: z.literal(true), version: z.string() });
export const SetupNeeded = z.strictObject({ needed: z.boolean() });
export const Credentials = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
/** POST /api/setup: the one-time token the server printed, and the first account. */
export const Setup = Credentials.extend({ token: z.string().min(1).max(256) });
/** Login, setup and GET /api/session: who is signed in and the token for X-CSRF-Token. */
export const Session = z.strictObject({ username: z.string(), csrfToken: z.string(), role: z.enum(['admin', 'user']) });

export type Health = z.infer<typeof Health>;
export type Session = z.infer<typeof Session>;
export type Credentials = z.infer<typeof Credentials>;
export type Setup = z.infer<typeof Setup>;
