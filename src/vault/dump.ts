/**
 * A canonical, id-free description of everything the archive holds, in a stable order: two
 * vaults with equal dumps hold the same messages, media and calls, whatever order they were
 * imported in. Used by tests and by round-trip checks.
 */
import { decodeStoredAttrs } from './stored-attrs.js';
import type { Vault } from './vault.js';

export interface DumpedMessage {
  kind: string;
  conversation: string;
  date_ms: number;
  attrs: unknown;
  parts?: { attrs: unknown; blob: string | null; damage: string | null; raw: string | null }[];
  addrs?: unknown[] | null;
}

export interface VaultDump {
  messages: DumpedMessage[];
  calls: { attrs: unknown }[];
  contacts: { address: string; name: string }[];
}

export async function dumpVault(vault: Vault): Promise<VaultDump> {
  const db = vault.db;
  const rows = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.id', 'kind', 'participants_key', 'date_ms', 'attrs', 'has_addrs', 'strict_key'])
    .orderBy('date_ms')
    .orderBy('strict_key')
    .execute();
  const parts = await db.selectFrom('mms_parts').selectAll().orderBy('message_id').orderBy('position').execute();
  const addrs = await db.selectFrom('mms_addrs').selectAll().orderBy('message_id').orderBy('position').execute();
  const partsOf = group(parts, (p) => p.message_id);
  const addrsOf = group(addrs, (a) => a.message_id);
  const messages = rows.map((r): DumpedMessage => {
    const m: DumpedMessage = { kind: r.kind, conversation: r.participants_key, date_ms: r.date_ms, attrs: decodeStoredAttrs(r.attrs) };
    if (r.kind === 'mms') {
      m.parts = (partsOf.get(r.id) ?? []).map((p) => ({ attrs: JSON.parse(p.attrs) as unknown, blob: p.blob_sha256, damage: p.damage, raw: p.raw_data }));
      m.addrs = r.has_addrs ? (addrsOf.get(r.id) ?? []).map((a) => JSON.parse(a.attrs) as unknown) : null;
    }
    return m;
  });
  const calls = await db.selectFrom('calls').select(['attrs']).orderBy('date_ms').orderBy('strict_key').execute();
  const contacts = await db.selectFrom('contacts').select(['address_norm', 'name']).orderBy('address_norm').execute();
  return {
    messages,
    calls: calls.map((c) => ({ attrs: JSON.parse(c.attrs) as unknown })),
    contacts: contacts.map((c) => ({ address: c.address_norm, name: c.name })),
  };
}

function group<T>(rows: T[], key: (r: T) => number): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}
