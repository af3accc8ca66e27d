/**
 * What must hold after a crash and a re-run: the vault holds exactly what an uninterrupted run
 * gives, and no temp, spool, partial or unindexed pack file is left.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { dumpVault } from '../src/vault/dump.js';
import { Vault } from '../src/vault/vault.js';

/** A digest of the vault's canonical dump (src/vault/dump.ts): equal digests, equal archives. */
export async function dumpDigest(dir: string): Promise<{ digest: string; messages: number; calls: number }> {
  const vault = await Vault.open(dir);
  try {
    const dump = await dumpVault(vault);
    return { digest: createHash('sha256').update(JSON.stringify(dump)).digest('hex'), messages: dump.messages.length, calls: dump.calls.length };
  } finally {
    await vault.close();
  }
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => fs.statSync(path.join(dir, n)).isFile());
}

/** Names of temp files an interrupted writer leaves: `x.partial-<pid>`, `x.partial`, `x.tmp`. */
const TEMP_NAME = /\.(partial(-\d+)?|tmp)$/;

/** Leftovers in a vault (and optionally an export folder), each as a problem line. */
export function garbage(vault: string, outDir?: string): string[] {
  const problems: string[] = [];
  for (const sub of ['tmp', 'blobs/tmp', 'uploads']) {
    const left = filesUnder(path.join(vault, sub));
    if (left.length > 0) problems.push(`${sub}/ holds ${left.length} file(s): ${left.slice(0, 3).join(', ')}`);
  }
  const temps = filesUnder(vault).filter((n) => TEMP_NAME.test(n));
  if (temps.length > 0) problems.push(`temp files in the vault: ${temps.slice(0, 3).join(', ')}`);
  if (outDir !== undefined) {
    const outTemps = filesUnder(outDir).filter((n) => n.includes('.partial'));
    if (outTemps.length > 0) problems.push(`partial export files: ${outTemps.slice(0, 3).join(', ')}`);
  }
  problems.push(...unindexedPacks(vault));
  return problems;
}

/** Pack files the pack index does not refer to: bytes only gc would give back. */
function unindexedPacks(vault: string): string[] {
  const dir = path.join(vault, 'blobs', 'packs');
  if (!fs.existsSync(dir)) return [];
  const packs = fs.readdirSync(dir).filter((n) => n.endsWith('.pack'));
  if (packs.length === 0) return [];
  const index = path.join(dir, 'index.db');
  if (!fs.existsSync(index)) return [`${packs.length} pack(s) but no index.db`];
  const db = new Database(index, { readonly: true });
  try {
    const used = new Set((db.prepare('SELECT DISTINCT pack FROM packed').pluck().all() as string[]).map((p) => path.basename(p)));
    const unused = packs.filter((p) => !used.has(p));
    return unused.length > 0 ? [`unindexed pack(s): ${unused.join(', ')}`] : [];
  } finally {
    db.close();
  }
}
