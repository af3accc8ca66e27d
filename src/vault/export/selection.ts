/**
 * Which part of the archive an export covers: a contact or conversation, a date range, kinds.
 * Shared by every export format.
 */
import type { Vault } from '../vault.js';
import { PhoneNormalizer, parseRegion } from '../phone.js';

export type ExportKind = 'sms' | 'mms' | 'calls';

export interface ExportSelection {
  /** A contact's number in any format, or a name known to the vault. */
  contact?: string;
  conversationId?: number;
  /** Inclusive lower bound, ms since the epoch. */
  since?: number;
  /** Exclusive upper bound, ms since the epoch. */
  until?: number;
  kinds: ReadonlySet<ExportKind>;
}

export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

/** The selection with the contact resolved to normalised addresses and conversation ids. */
export interface ResolvedSelection extends ExportSelection {
  addresses?: string[];
  conversationIds?: number[];
}

export async function resolveSelection(vault: Vault, s: ExportSelection): Promise<ResolvedSelection> {
  if (s.since !== undefined && s.until !== undefined && s.since >= s.until) {
    throw new SelectionError('--since must be before --until');
  }
  const resolved: ResolvedSelection = { ...s };
  if (s.conversationId !== undefined) resolved.conversationIds = [s.conversationId];
  if (s.contact !== undefined) {
    // A vault with records always has a region (set, or inferred by its first import).
    const region = (await vault.config.region()) ?? parseRegion('US');
    const norm = new PhoneNormalizer(region).normalize(s.contact);
    const byName = await vault.db.selectFrom('contacts').select('address_norm').where('name', '=', s.contact).execute();
    const addresses = [...new Set([norm, ...byName.map((r) => r.address_norm)])].filter((a) => a !== '');
    const convs =
      addresses.length === 0
        ? []
        : await vault.db.selectFrom('conversation_members').select('conversation_id').distinct().where('address_norm', 'in', addresses).execute();
    const calls =
      addresses.length === 0 ? undefined : await vault.db.selectFrom('calls').select('id').where('number_norm', 'in', addresses).limit(1).executeTakeFirst();
    if (convs.length === 0 && calls === undefined) {
      throw new SelectionError(`no messages or calls with "${s.contact}" (${norm || 'not a number'}) in this vault; check the number or name (textvault stats lists top contacts)`);
    }
    resolved.addresses = addresses;
    const ids = convs.map((c) => c.conversation_id);
    resolved.conversationIds = resolved.conversationIds ? resolved.conversationIds.filter((id) => ids.includes(id)) : ids;
  }
  return resolved;
}
