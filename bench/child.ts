/**
 * One benchmark measurement in its own process, so peak RSS belongs to that measurement alone.
 * Usage: tsx bench/child.ts read FILE | read-format FILE | import FILE VAULT_DIR [--force] | export VAULT_DIR OUT_DIR
 *        | export-csv|export-html|export-pdf VAULT_DIR OUT_DIR | stats VAULT_DIR
 * (`stats`: the statistics' pass over the archive as the server makes it after an import: from
 * nothing, or only the messages added since the value kept by the last run; records = rows read.)
 * (`read-format` reads any format through its detected reader, e.g. sms-ie ZIP or Fossify JSON.)
 * Prints one JSON line: { seconds, records, bytes, maxRssMB }.
 * BENCH_PASSPHRASE: the passphrase of an encrypted backup (read-format, import).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { openInput } from '../src/formats/container.js';
import { readSbr } from '../src/formats/sbr/reader.js';
import { hashOnlySink } from '../src/formats/hash-sink.js';
import { openBackup } from '../src/formats/registry.js';

/**
 * Imports and exports run the build (`npm run bench` builds first), not the sources through tsx:
 * their worker threads then start as they do for a user, without loading tsx a second time.
 */
const built = async <T>(module: string): Promise<T> => (await import(new URL(`../dist/${module}.js`, import.meta.url).href)) as T;
const { runExport } = await built<typeof import('../src/vault/export/run-export.js')>('vault/export/run-export');
const { exportSbr } = await built<typeof import('../src/vault/export/sbr-export.js')>('vault/export/sbr-export');
const { importFile } = await built<typeof import('../src/vault/import/import-backup.js')>('vault/import/import-backup');
const { Vault } = await built<typeof import('../src/vault/vault.js')>('vault/vault');
const { archivePass } = await built<typeof import('../src/vault/queries/archive-pass.js')>('vault/queries/archive-pass');

const [mode, file, vaultDir] = process.argv.slice(2);
const secret = process.env.BENCH_PASSPHRASE;
const passphrase = secret === undefined ? {} : { passphrase: (): Promise<string> => Promise.resolve(secret) };
const EXPORTS = { 'export-csv': 'csv', 'export-html': 'html', 'export-pdf': 'pdf' } as const;
const isExport = (m: string | undefined): m is keyof typeof EXPORTS => m !== undefined && m in EXPORTS;
if (file === undefined || (mode !== 'read' && mode !== 'read-format' && mode !== 'import' && mode !== 'export' && mode !== 'stats' && !isExport(mode))) {
  process.stderr.write('usage: tsx bench/child.ts read FILE | read-format FILE | import FILE VAULT_DIR [--force] | export VAULT_DIR OUT_DIR | export-csv|export-html|export-pdf VAULT_DIR OUT_DIR | stats VAULT_DIR\n');
  process.exit(2);
}

let bytes = mode === 'export' || mode === 'stats' || isExport(mode) ? 0 : fs.statSync(file).size;
const started = process.hrtime.bigint();
let records = 0;
let treePeakKB = 0;
let treeSampler: NodeJS.Timeout | undefined;

/** Memory of this process and all its descendants (Chromium's browser and renderers), as PSS. */
function sampleTree(): void {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const family = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) if (pid !== undefined && ppid !== undefined && family.has(ppid) && !family.has(pid)) grew = family.add(pid).size > 0;
  }
  // PSS, not RSS: Chromium's processes share most of their pages, and RSS would count them again in each.
  let kb = 0;
  for (const pid of family) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // the process ended between ps and the read
    }
  }
  treePeakKB = Math.max(treePeakKB, kb);
}

if (mode === 'read') {
  // The disk/decode limit: read, scan and base64-decode, hashing media like the blob store does,
  // but store nothing.
  const sink = hashOnlySink();
  for (const entry of await openInput(file)) {
    const { stream } = await entry.open();
    await readSbr(stream as AsyncIterable<Buffer>, {
      file,
      sink,
      handler: {
        header: () => undefined,
        record: () => {
          records++;
        },
        warning: () => undefined,
      },
    });
  }
} else if (isExport(mode)) {
  // `file` is the vault, `vaultDir` the output folder; bytes = what the export wrote.
  if (vaultDir === undefined) throw new Error('export needs an output folder');
  // PDF runs Chromium in child processes: sample the whole process tree's RSS.
  if (mode === 'export-pdf') treeSampler = setInterval(sampleTree, 250);
  const vault = await Vault.open(file);
  const result = await runExport(vault, { format: EXPORTS[mode], selection: { kinds: new Set(['sms', 'mms', 'calls'] as const) },
    outDir: vaultDir,
    ...(process.env.BENCH_PDF_CHUNK === undefined ? {} : { chunkSize: Number(process.env.BENCH_PDF_CHUNK) }),
  });
  records = result.messages + result.calls;
  bytes = Number(execFileSync('du', ['-sb', vaultDir], { encoding: 'utf8' }).split('\t')[0]);
  await vault.close();
} else if (mode === 'read-format') {
  // The same for any format: its reader, media hashed, nothing stored.
  const opened = await openBackup(file, passphrase);
  try {
    for (const unit of opened.units) {
      await unit.read({
        sink: hashOnlySink(),
        salvage: false,
        onBytes: () => undefined,
        handler: {
          header: () => undefined,
          record: () => {
            records++;
          },
          warning: () => undefined,
        },
      });
    }
  } finally {
    opened.dispose();
  }
} else if (mode === 'stats') {
  // Here `file` is the vault.
  const vault = await Vault.open(file);
  records = (await archivePass(vault)).rowsRead;
  await vault.close();
} else if (mode === 'export') {
  // Here `file` is the vault and `vaultDir` the output folder.
  if (vaultDir === undefined) throw new Error('export needs an output folder');
  const vault = await Vault.open(file);
  const result = await exportSbr(vault, { kinds: new Set(['sms', 'mms', 'calls'] as const) }, { outDir: vaultDir });
  records = result.messages + result.calls;
  bytes = result.files.reduce((n, f) => n + f.bytes, 0);
  await vault.close();
} else {
  if (vaultDir === undefined) throw new Error('import needs a vault folder');
  // BENCH_MEDIA=s3://...: a new vault's media in a bucket, as `textvault --media` does.
  const media = process.env.BENCH_MEDIA;
  const vault = await Vault.open(vaultDir, { create: true, ...(media === undefined ? {} : { media }) });
  // As `textvault import` runs it.
  const results = await importFile(vault, file, { force: process.argv.includes('--force'), bulkJournal: true, ...passphrase });
  records = results.reduce((n, r) => n + r.counts.read, 0);
  await vault.close();
}

const seconds = Number(process.hrtime.bigint() - started) / 1e9;
clearInterval(treeSampler);
const usage = process.resourceUsage();
// CPU seconds too: on a shared, loaded machine they say more than the wall clock.
const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
// maxRssMB adds Chromium's processes for PDF (as PSS); nodeRssMB is this process alone.
const maxRssMB = Math.max(usage.maxRSS / 1024, treePeakKB / 1024);
process.stdout.write(JSON.stringify({ seconds, records, bytes, maxRssMB, nodeRssMB: usage.maxRSS / 1024, cpuSeconds }) + '\n');
