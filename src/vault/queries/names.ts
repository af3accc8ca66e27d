/**
 * Display names: the newest name any backup gave a number (the contacts table), else the number.
 */
import type { Vault } from '../vault.js';

export interface Person {
  address: string;
  name: string | null;
}

/** Names for the given normalised addresses (absent from the map when no backup named them). */
export async function namesFor(vault: Vault, addresses: Iterable<string>): Promise<Map<string, string>> {
  const list = [...new Set(addresses)].filter((a) => a !== '');
  const names = new Map<string, string>();
  // SQLite caps bound parameters; 500 at a time stays well below any build's limit.
  for (let i = 0; i < list.length; i += 500) {
    const rows = await vault.db
      .selectFrom('contacts')
      .select(['address_norm', 'name'])
      .where('address_norm', 'in', list.slice(i, i + 500))
      .execute();
    for (const r of rows) names.set(r.address_norm, r.name);
  }
  return names;
}

/**
 * Names that more than one number carries (two friends both saved as "Sam"): a title shows
 * the number beside such a name, or the two conversations could not be told apart.
 */
export async function sharedNames(vault: Vault): Promise<Set<string>> {
  const rows = await vault.db.selectFrom('contacts').select('name').groupBy('name').having((eb) => eb.fn.countAll(), '>', 1).execute();
  return new Set(rows.map((r) => r.name));
}

/** A member as a title shows it: the name, with the number when another number has the same name. */
export function displayName(m: Person, shared: ReadonlySet<string> = new Set()): string {
  if (m.name === null) return m.address;
  return shared.has(m.name) ? `${m.name} (${m.address})` : m.name;
}

export function titleOf(members: readonly Person[], shared: ReadonlySet<string> = new Set()): string {
  if (members.length === 0) return 'Unknown sender';
  return members.map((m) => displayName(m, shared)).join(', ');
}
