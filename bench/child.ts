/**
 * One benchmark measurement in its own process, so peak RSS belongs to that measurement alone.
 * Usage: tsx bench/child.ts read FILE | read-format FILE | import FILE VAULT_DIR [--force] | export VAULT_DIR OUT_DIR
 * (`read-format` reads any format through its detected reader, e.g. sms-ie ZIP or Fossify JSON.)
 * Prints one JSON line: { seconds, records, bytes, maxRssMB }.
 */
import fs from 'node:fs';
import { openInput } from '../src/formats/container.js';
import { readSbr } from '../src/formats/sbr/reader.js';
import { hashOnlySink } from '../src/formats/hash-sink.js';
import { openBackup } from '../src/formats/registry.js';
import { exportSbr } from '../src/vault/export/sbr-export.js';
import { importFile } from '../src/vault/import/import-backup.js';
import { Vault } from '../src/vault/vault.js';

const [mode, file, vaultDir] = process.argv.slice(2);
if (file === undefined || (mode !== 'read' && mode !== 'read-format' && mode !== 'import' && mode !== 'export')) {
  process.stderr.write('usage: tsx bench/child.ts read FILE | read-format FILE | import FILE VAULT_DIR [--force] | export VAULT_DIR OUT_DIR\n');
  process.exit(2);
}

let bytes = mode === 'export' ? 0 : fs.statSync(file).size;
const started = process.hrtime.bigint();
let records = 0;

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
} else if (mode === 'read-format') {
  // The same for any format: its reader, media hashed, nothing stored.
  const opened = await openBackup(file);
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
  const vault = await Vault.open(vaultDir, { create: true });
  const results = await importFile(vault, file, { force: process.argv.includes('--force') });
  records = results.reduce((n, r) => n + r.counts.read, 0);
  await vault.close();
}

const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const usage = process.resourceUsage();
// CPU seconds too: on a shared, loaded machine they say more than the wall clock.
const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
process.stdout.write(JSON.stringify({ seconds, records, bytes, maxRssMB: usage.maxRSS / 1024, cpuSeconds }) + '\n');
