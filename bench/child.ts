/**
 * One benchmark measurement in its own process, so peak RSS belongs to that measurement alone.
 * Usage: tsx bench/child.ts read|import FILE [VAULT_DIR]
 * Prints one JSON line: { seconds, records, bytes, maxRssMB }.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { openInput } from '../src/formats/container.js';
import { readSbr } from '../src/formats/sbr/reader.js';
import type { MediaSink } from '../src/formats/records.js';
import { importFile } from '../src/vault/import/import-backup.js';
import { Vault } from '../src/vault/vault.js';

const [mode, file, vaultDir] = process.argv.slice(2);
if (file === undefined || (mode !== 'read' && mode !== 'import')) {
  process.stderr.write('usage: tsx bench/child.ts read|import FILE [VAULT_DIR]\n');
  process.exit(2);
}

const bytes = fs.statSync(file).size;
const started = process.hrtime.bigint();
let records = 0;

if (mode === 'read') {
  // The disk/decode limit: read, scan and base64-decode, hashing media like the blob store does,
  // but store nothing.
  const sink: MediaSink = {
    begin: () => {
      const h = createHash('sha256');
      let size = 0;
      return {
        write: (b) => {
          h.update(b);
          size += b.length;
        },
        finish: () => ({ sha256: h.digest('hex'), size }),
        abort: () => undefined,
      };
    },
  };
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
} else {
  if (vaultDir === undefined) throw new Error('import needs a vault folder');
  const vault = await Vault.open(vaultDir, { create: true });
  const results = await importFile(vault, file);
  records = results.reduce((n, r) => n + r.counts.read, 0);
  await vault.close();
}

const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({ seconds, records, bytes, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
