/**
 * One IMAP import measurement in its own process. Usage: tsx bench/imap-child.ts URL VAULT_DIR CERT
 * (password in TEXTVAULT_IMAP_PASSWORD). Prints one JSON line: { seconds, records, bytes, maxRssMB }.
 */
import fs from 'node:fs';
import { importImap } from '../src/sources/imap/import.js';
import { parseImapUrl } from '../src/sources/imap/target.js';
import { Vault } from '../src/vault/vault.js';

const [url, vaultDir, cert] = process.argv.slice(2);
if (url === undefined || vaultDir === undefined || cert === undefined) {
  process.stderr.write('usage: tsx bench/imap-child.ts URL VAULT_DIR CERT\n');
  process.exit(2);
}
const started = process.hrtime.bigint();
const vault = await Vault.open(vaultDir, { create: true });
const results = await importImap(vault, parseImapUrl(url), { password: process.env.TEXTVAULT_IMAP_PASSWORD ?? '', ca: [fs.readFileSync(cert, 'utf8')], callFolder: null });
await vault.close();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const records = results.reduce((n, r) => n + (r.result?.counts.read ?? 0), 0);
const bytes = results.reduce((n, r) => n + r.bytes, 0);
process.stdout.write(JSON.stringify({ seconds, records, bytes, fetched: results.reduce((n, r) => n + r.fetched, 0), maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
