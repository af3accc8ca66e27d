/**
 * Households (docs/api.md "Accounts and archives"): which archives an account may open, the
 * admin's accounts list (never anyone's messages), and read-only shares of one's own archive.
 */
import { z } from 'zod';
import { EpochMs, itemsOf } from './common.js';

export const Role = z.enum(['admin', 'user']);

/** An archive the signed-in account may open: its own, or one shared with it read-only. */
export const ArchiveInfo = z.strictObject({ id: z.number().int(), owner: z.string().nullable(), readOnly: z.boolean(), current: z.boolean() });
export const ArchiveList = itemsOf(ArchiveInfo);
export const ChooseArchive = z.strictObject({ archiveId: z.number().int().positive() });

/** An account as the admin sees it: its archive's size and last backup, nothing of its content. */
export const Account = z.strictObject({
  id: z.number().int(),
  username: z.string(),
  role: Role,
  disabled: z.boolean(),
  email: z.string().nullable(),
  createdAt: EpochMs,
  archive: z.strictObject({ id: z.number().int(), sizeBytes: z.number().int(), lastBackupAt: EpochMs.nullable() }).nullable(),
  sharedWith: z.array(z.string()),
});
export const AccountList = itemsOf(Account);

const username = z.string().min(1).max(64);
const password = z.string().min(1).max(1024);
const email = z.email().max(254);

export const NewAccount = z.strictObject({ username, password, admin: z.boolean().optional(), email: email.optional() });
export const AccountChange = z
  .strictObject({ disabled: z.boolean().optional(), admin: z.boolean().optional(), email: email.nullable().optional() })
  .refine((c) => c.disabled !== undefined || c.admin !== undefined || c.email !== undefined, 'give disabled, admin or email');
export const NewPassword = z.strictObject({ password });
/** Removing an account asks for its name again: a slip of the mouse deletes nothing. */
export const RemoveAccount = z.strictObject({ confirm: z.string() });
export const AccountRemoved = z.strictObject({ removed: z.string(), archiveDeleted: z.boolean() });

export const Share = z.strictObject({ userId: z.number().int(), username: z.string(), since: EpochMs });
export const ShareList = itemsOf(Share);
export const NewShare = z.strictObject({ username });

export type ArchiveInfo = z.infer<typeof ArchiveInfo>;
export type Account = z.infer<typeof Account>;
export type Share = z.infer<typeof Share>;
