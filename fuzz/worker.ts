/**
 * The fuzz child: imports the inputs its parent names, one at a time, into a copy of the template
 * vault with the real importer, and answers with each outcome. A failed import must leave the
 * vault's canonical dump exactly as it was; at the end the vault must pass `verify`.
 *
 * Protocol: a line `import <id> <path>`, `verify` or `ping` (answered once the child is ready)
 * on stdin; a line `@@fuzz <json>` on stdout. The parent kills this process when an input takes
 * too long (a hang); the heap is capped by the parent's `--max-old-space-size`, so a memory
 * blow-up ends it too.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { dumpVault } from '../src/vault/dump.js';
import { importFile } from '../src/vault/import/import-backup.js';
import { verifyVault } from '../src/vault/verify.js';
import { Vault } from '../src/vault/vault.js';
import { oneLine } from '../src/formats/errors.js';
import { unzipBefore, zipOf } from './containers.js';
import { classifyError, type Outcome } from './outcome.js';

const [template, work] = process.argv.slice(2);
if (template === undefined || work === undefined) throw new Error('usage: worker.ts TEMPLATE_VAULT WORK_DIR');

function reply(o: object): void {
  // The resident size lets the parent see a memory blow-up outside the JS heap (Buffers).
  process.stdout.write(`@@fuzz ${JSON.stringify({ ...o, rssMB: Math.round(process.memoryUsage().rss / 1e6) })}\n`);
}

async function fresh(name = 'vault'): Promise<Vault> {
  const dir = path.join(work ?? '', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(template ?? '', dir, { recursive: true });
  return Vault.open(dir);
}

async function dump(v: Vault): Promise<string> {
  return JSON.stringify(await dumpVault(v));
}

/** The vault's size in database pages: what a dump of it costs. */
function pages(v: Vault): number {
  return Number(v.store.sqlite.pragma('page_count', { simple: true }));
}

let vault = await fresh();
let baseline = await dump(vault);
/** The template's dump: a vault with it holds nothing an input added. */
const pristine = baseline;
const templatePages = pages(vault);

function isZip(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    return fs.readSync(fd, head, 0, 4, 0) === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The dump a ZIP's failed import should leave: each backup in a ZIP is imported in a transaction
 * of its own, and those before the one that failed stay (import-backup.ts). So: the template
 * with a ZIP of just the entries before the one the message names, imported into a second copy.
 * Undefined when the message names no entry (the ZIP itself is damaged: nothing may change).
 */
async function expectedAfterZipFailure(file: string, message: string): Promise<string | undefined> {
  // Only the entries before the failed one are read: the failed one is damaged, and so may be the
  // ones after it (reading them all turned 6 clean failures of seed 2 into "partial imports").
  let entries;
  try {
    entries = await unzipBefore(fs.readFileSync(file), (name) => message.startsWith(`${file}!${oneLine(name)}:`));
  } catch {
    return undefined;
  }
  if (entries === undefined || entries.length === 0) return undefined;
  const prefix = path.join(work ?? '', 'prefix', path.basename(file));
  fs.rmSync(path.dirname(prefix), { recursive: true, force: true });
  fs.mkdirSync(path.dirname(prefix), { recursive: true });
  fs.writeFileSync(prefix, zipOf(entries));
  const other = await fresh('expected');
  try {
    await importFile(other, prefix, { force: true, readIn: 'thread' }).catch(() => undefined);
    return await dump(other);
  } finally {
    await other.close();
  }
}
let successes = 0;

/** Milliseconds the last input took: the import itself, and the checks and resets after it. */
const took = { importMs: 0, dumpMs: 0 };

async function importOne(id: number, file: string): Promise<Outcome> {
  const zip = isZip(file);
  if (zip && baseline !== pristine) {
    // A ZIP's failure is checked against the template with its earlier entries: start from it.
    await vault.close();
    vault = await fresh();
    baseline = pristine;
  }
  const t = performance.now();
  try {
    await importFile(vault, file, { force: true, readIn: 'thread' });
  } catch (e) {
    const after = performance.now();
    took.importMs = after - t;
    const outcome: Outcome = { id, ...classifyError(e, path.basename(file)) };
    const now = await dump(vault);
    const expected = now !== baseline && zip && e instanceof Error ? await expectedAfterZipFailure(file, e.message) : undefined;
    took.dumpMs = performance.now() - after;
    if (now !== baseline && now !== expected) {
      baseline = now;
      return { ...outcome, verdict: 'failure', reason: `partial import (vault changed) after: ${outcome.message ?? ''}` };
    }
    // The ZIP's earlier backups stayed, as they should: the next input starts from the template.
    if (now !== baseline) {
      await vault.close();
      vault = await fresh();
      baseline = pristine;
    }
    return outcome;
  }
  const after = performance.now();
  took.importMs = after - t;
  successes++;
  // A vault that keeps growing makes every dump slower: start again now and then, and at once
  // after an import that stored a lot (a 4 MB message made each later dump of this vault 3 s).
  if (successes % 25 === 0 || pages(vault) > templatePages + 256) {
    await vault.close();
    vault = await fresh();
  }
  baseline = await dump(vault);
  took.dumpMs = performance.now() - after;
  return { id, verdict: 'ok' };
}

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  const [cmd, id, ...rest] = line.split(' ');
  if (cmd === 'import' && id !== undefined) {
    const outcome = await importOne(Number(id), rest.join(' '));
    reply({ ...outcome, importMs: Math.round(took.importMs), dumpMs: Math.round(took.dumpMs) });
  } else if (cmd === 'ping') {
    reply({ ready: true });
  } else if (cmd === 'verify') {
    const report = await verifyVault(vault);
    reply({ verify: report.ok, problems: report.problems });
  }
}
await vault.close();
