/**
 * `npm run bench`: import throughput and peak memory on generated backups at realistic scale.
 *
 * Each measurement runs in its own process (bench/child.ts) so its peak RSS is its own. Generated
 * files are cached in bench/data/ (delete it to regenerate). Set BENCH_SCALE=0.1 for a quick run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSmsBackup, type GeneratorOptions } from './generator.js';
import { imapBench } from './imap.js';
import { PEER_NEEDS, runPeer } from './peer.js';

const HERE = import.meta.dirname;
// BENCH_DIR: where generated files and results go (default bench/; the smoke test uses a temp folder).
const ROOT = process.env.BENCH_DIR ?? HERE;
const DATA = path.join(ROOT, 'data');
const OUT = path.join(ROOT, 'out');
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const ONLY = process.env.BENCH_ONLY?.split(',');

interface Measure {
  seconds: number;
  records: number;
  bytes: number;
  maxRssMB: number;
  /** User + system CPU of the measuring process; absent where the step spans other processes (IMAP). */
  cpuSeconds?: number;
}

interface Row {
  scenario: string;
  step: string;
  fileMB: number;
  records: number;
  seconds: number;
  msgPerS: number;
  mbPerS: number;
  maxRssMB: number;
  cpuSeconds: number | undefined;
}

async function dataset(name: string, opts: GeneratorOptions): Promise<string> {
  fs.mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `${name}-x${SCALE}.xml`);
  if (!fs.existsSync(file)) {
    const t = Date.now();
    process.stderr.write(`generating ${file} ...\n`);
    await writeSmsBackup(file + '.tmp', opts);
    fs.renameSync(file + '.tmp', file);
    process.stderr.write(`  ${(fs.statSync(file).size / 1e6).toFixed(0)} MB in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  }
  return file;
}

/** The child's arguments, then optionally `{ env }`: variables added to its environment. */
function child(mode: 'read' | 'read-format' | 'import' | 'export' | 'export-csv' | 'export-html' | 'export-pdf' | 'stats', ...rest: (string | { env: Record<string, string> })[]): Measure {
  const args = rest.filter((a): a is string => typeof a === 'string');
  const extra = rest.find((a): a is { env: Record<string, string> } => typeof a !== 'string')?.env ?? {};
  const out = execFileSync(
    process.execPath,
    // The same heap cap as the textvault binary (see src/cli/main.ts).
    ['--max-old-space-size=256', '--max-semi-space-size=4', '--import', 'tsx', path.join(HERE, 'child.ts'), mode, ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20, env: { ...process.env, ...extra } },
  );
  const last = out.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last) as Measure;
}

function row(scenario: string, step: string, m: Measure): Row {
  return {
    scenario,
    step,
    fileMB: m.bytes / 1e6,
    records: m.records,
    seconds: m.seconds,
    msgPerS: m.records / m.seconds,
    mbPerS: m.bytes / 1e6 / m.seconds,
    maxRssMB: m.maxRssMB,
    cpuSeconds: m.cpuSeconds,
  };
}

const n = (x: number): number => Math.max(1, Math.round(x * SCALE));
const scenarios: { name: string; opts: GeneratorOptions; reimport: boolean; export: boolean }[] = [
  { name: 'sms-heavy', opts: { seed: 1, sms: n(1_000_000), mms: 0 }, reimport: true, export: true },
  { name: 'mms-heavy', opts: { seed: 2, sms: n(20_000), mms: n(6_000), mediaBytes: 40_000 }, reimport: true, export: true },
  { name: 'large-1gb', opts: { seed: 3, sms: n(1_000_000), mms: n(16_000), mediaBytes: 40_000 }, reimport: false, export: false },
  { name: 'one-600mb-attachment', opts: { seed: 4, sms: n(1_000), mms: n(10), mediaBytes: 20_000, bigAttachmentBytes: Math.round(600e6 * SCALE) }, reimport: false, export: true },
  // Issue 27: what most people hold (200,000 messages, 2% MMS with ~30 KB photos, 300 contacts),
  // imported beside the best open-source peer (peer.ts) in the same run.
  // No surrogate-pair references: the peer's parser (lxml) refuses them unless run with --fix-utf16, a slower mode.
  { name: 'mixed', opts: { seed: 9, sms: n(196_000), mms: n(4_000), mediaBytes: 30_000, contacts: 300, legacyEmojiRatio: 0 }, reimport: false, export: false },
];

interface ApiRow {
  endpoint: string;
  requests: number;
  p50: number;
  p95: number;
  max: number;
  cpu: number;
  perSecond?: number;
}

/** API latency (bench/api.ts) on a vault of the 1,000,000-message SMS-heavy file. */
async function apiScenario(): Promise<ApiRow[]> {
  const s = scenarios.find((x) => x.name === 'sms-heavy');
  if (s === undefined) throw new Error('no sms-heavy scenario');
  // BENCH_API_VAULT=DIR: measure an already imported vault (kept), instead of importing afresh.
  const kept = process.env.BENCH_API_VAULT;
  const vault = kept ?? fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-api-'));
  try {
    if (kept === undefined) {
      const imported = child('import', await dataset(s.name, s.opts), vault);
      process.stderr.write(`api: imported ${imported.records} records in ${imported.seconds.toFixed(1)} s\n`);
    }
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(HERE, 'api.ts'), vault], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out.trim().split('\n').pop() ?? '[]') as ApiRow[];
  } finally {
    if (kept === undefined) fs.rmSync(vault, { recursive: true, force: true });
  }
}

type GalleryRow = import('./gallery.js').GalleryMeasure;

/**
 * Issue 25: the gallery API (bench/gallery.ts) on a vault of ~50,000 media parts beside 1,000,000
 * SMS (a generated file with 55,000 MMS, ~90% of them carrying media: ~2 KB each, JPEG, PNG, MP4
 * and AMR; imported through the real import).
 */
async function galleryScenario(): Promise<{ rows: GalleryRow[]; label: string }> {
  // BENCH_GALLERY_VAULT=DIR: measure an already imported vault (kept), instead of importing afresh.
  const kept = process.env.BENCH_GALLERY_VAULT;
  const vault = kept ?? fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-gallery-'));
  try {
    let label = `vault ${kept ?? ''}`;
    if (kept === undefined) {
      const imported = child('import', await dataset('gallery', { seed: 11, sms: n(1_000_000), mms: n(55_000), mediaBytes: 2_000 }), vault);
      label = `${imported.records.toLocaleString('en-US')} messages imported (${n(1_000_000).toLocaleString('en-US')} SMS, ${n(55_000).toLocaleString('en-US')} MMS) in ${imported.seconds.toFixed(1)} s`;
      process.stderr.write(`gallery: ${label}\n`);
    }
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(HERE, 'gallery.ts'), vault], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    return { rows: JSON.parse(out.trim().split('\n').pop() ?? '[]') as GalleryRow[], label };
  } finally {
    if (kept === undefined) fs.rmSync(vault, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
const peerRatios: string[] = [];
const apiRows = !ONLY || ONLY.includes('api') ? await apiScenario() : [];
const gallery = !ONLY || ONLY.includes('gallery') ? await galleryScenario() : undefined;
if (gallery !== undefined) process.stderr.write('gallery done\n');
for (const s of scenarios) {
  if (ONLY && !ONLY.includes(s.name)) continue;
  const file = await dataset(s.name, s.opts);
  rows.push(row(s.name, 'plain read (disk/decode limit)', child('read', file)));
  const vault = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-'));
  try {
    const imported = child('import', file, vault);
    rows.push(row(s.name, 'import into empty vault', imported));
    if (s.name === 'mixed') {
      const peer = runPeer(file, imported.records);
      if (peer === undefined) process.stderr.write(`mixed: the peer was not run (${PEER_NEEDS})\n`);
      else {
        rows.push(row(s.name, 'peer: ragibson dedupe_texts.py (Python + lxml)', peer));
        peerRatios.push(`mixed: Textvault import ${imported.seconds.toFixed(1)} s, ${imported.maxRssMB.toFixed(0)} MB; peer ${peer.seconds.toFixed(1)} s, ${peer.maxRssMB.toFixed(0)} MB: ${(peer.seconds / imported.seconds).toFixed(1)}x faster, ${(peer.maxRssMB / imported.maxRssMB).toFixed(1)}x less memory`);
      }
    }
    if (s.reimport) {
      rows.push(row(s.name, 're-import, same bytes (skipped by SHA-256)', child('import', file, vault)));
      rows.push(row(s.name, 're-import --force (all duplicates)', child('import', file, vault, '--force')));
    }
    if (s.export) {
      const out = path.join(vault, 'export');
      rows.push(row(s.name, 'export to SBR XML (MB/s = output)', child('export', vault, out)));
    }
  } finally {
    fs.rmSync(vault, { recursive: true, force: true });
  }
  process.stderr.write(`${s.name} done\n`);
}

// Issue 27 item 4: a 10M-message "archive" file, then the next day's file (the same records and
// 5,000 more, a new root): the known part is skipped by its checkpoints. Only when asked (it
// generates 3.3 GB at scale 1). The file grown by a day is made once and cached beside the base.
if (ONLY?.includes('incremental') === true) {
  const { growFile } = await import('./incremental.js');
  const baseCount = n(10_000_000);
  const base = await dataset('archive-10m', { seed: 11, sms: baseCount, mms: 0, backupType: 'archive' });
  const grown = path.join(DATA, `archive-10m-next-day-x${SCALE}.xml`);
  if (!fs.existsSync(grown)) await growFile(base, baseCount, { seed: 12, sms: 5_000, mms: 0, startDate: Date.UTC(2026, 0, 1), backupType: 'archive' }, grown);
  const vault = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-incremental-'));
  try {
    rows.push(row('incremental', 'import the archive file into an empty vault', child('import', base, vault)));
    rows.push(row('incremental', "the statistics' pass over the archive (records = messages read)", child('stats', vault)));
    rows.push(row('incremental', 'next day: the same file + 5,000 messages (records = all read or skipped)', child('import', grown, vault)));
    rows.push(row('incremental', "the statistics' pass again: the kept one + the day's new messages", child('stats', vault)));
    rows.push(row('incremental', 'the next-day file again (skipped by SHA-256)', child('import', grown, vault)));
    rows.push(row('incremental', 'the next-day file read whole (--force)', child('import', grown, vault, '--force')));
  } finally {
    fs.rmSync(vault, { recursive: true, force: true });
  }
  process.stderr.write('incremental done\n');
}

// Issue 24: media in S3-compatible storage (a real Ceph radosgw on loopback, as the tests start
// it), beside the same imports into the vault folder above: MMS-heavy (MB/s) and one 600 MB
// attachment (peak RSS). Only when asked: starting the cluster takes a few seconds and needs Ceph.
if (ONLY?.includes('s3') === true) {
  const { startCeph } = await import('../test/helpers/ceph.js');
  const ceph = await startCeph();
  try {
    const env = { AWS_ENDPOINT_URL: ceph.endpoint, AWS_REGION: ceph.region, AWS_ACCESS_KEY_ID: ceph.accessKeyId, AWS_SECRET_ACCESS_KEY: ceph.secretAccessKey };
    for (const name of ['mms-heavy', 'one-600mb-attachment']) {
      const s = scenarios.find((x) => x.name === name);
      if (s === undefined) continue;
      const file = await dataset(s.name, s.opts);
      const vault = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-s3-'));
      try {
        const media = `s3://${await ceph.newBucket()}/bench`;
        rows.push(row(`s3-${s.name}`, 'import, media to S3 (Ceph on loopback)', child('import', file, vault, { env: { ...env, BENCH_MEDIA: media } })));
      } finally {
        fs.rmSync(vault, { recursive: true, force: true });
      }
    }
  } finally {
    await ceph.stop();
  }
  process.stderr.write('s3 done\n');
}

// Snapshots of the vault (bench/snapshot.ts): only when asked, as it imports the large-1gb file again.
if (ONLY?.includes('snapshot') === true) {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(HERE, 'snapshot.ts')], { stdio: 'inherit' });
  process.stderr.write('snapshot done\n');
}

if (!ONLY || ONLY.includes('imap')) {
  // SMS Backup+ over IMAP from a local Dovecot (#5).
  for (const m of await imapBench(n(20_000))) rows.push(row('imap', m.step, m));
  process.stderr.write('imap done\n');
}

// Issue #6: human-facing exports. CSV and HTML of the 1M-SMS vault; PDF of one 10,000-message thread.
const exportScenarios: { name: string; opts: GeneratorOptions; formats: ('csv' | 'html' | 'pdf')[] }[] = [
  { name: 'sms-heavy', opts: { seed: 1, sms: n(1_000_000), mms: 0 }, formats: ['csv', 'html'] },
  { name: 'pdf-thread-10k', opts: { seed: 7, sms: n(10_000), mms: 0, contacts: 1 }, formats: ['pdf'] },
];
for (const s of exportScenarios) {
  if (ONLY && !ONLY.includes(`exports-${s.name}`)) continue;
  const file = await dataset(s.name, s.opts);
  const vault = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-'));
  try {
    rows.push(row(`exports-${s.name}`, 'import into empty vault', child('import', file, vault)));
    for (const f of s.formats) {
      rows.push(row(`exports-${s.name}`, `export to ${f.toUpperCase()} (MB/s = output)`, child(`export-${f}`, vault, path.join(vault, `out-${f}`))));
    }
  } finally {
    fs.rmSync(vault, { recursive: true, force: true });
  }
  process.stderr.write(`exports-${s.name} done\n`);
}

// #5: the sms-ie ZIP and Fossify JSON readers, on files exported from a generated archive.
if (!ONLY || ONLY.includes('formats')) {
  const files = await formatDatasets();
  for (const f of files) rows.push(row('formats', `read ${f.label}`, child('read-format', f.file)));
  process.stderr.write('formats done\n');
}

// Issue 22: a 500,000-message Super Backup & Restore file (bench/generate-superbackup.ts), read and imported.
if (!ONLY || ONLY.includes('superbackup')) {
  fs.mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `superbackup-x${SCALE}.xml`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${file} ...\n`);
    const { writeSuperBackup } = await import('./generate-superbackup.js');
    await writeSuperBackup(file + '.tmp', n(500_000));
    fs.renameSync(file + '.tmp', file);
  }
  rows.push(row('superbackup', 'plain read (disk/decode limit)', child('read-format', file)));
  const vault = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-'));
  try {
    rows.push(row('superbackup', 'import into empty vault', child('import', file, vault)));
  } finally {
    fs.rmSync(vault, { recursive: true, force: true });
  }
  process.stderr.write('superbackup done\n');
}

// Issue 22: a ~1 GB encrypted Android backup (.ab; bench/generate-ab.ts): 100 MB of an app's data,
// the telephony provider's 100,000 SMS and 10,000 MMS, then 900 MB of shared storage. Read and
// imported in constant memory (the whole file is decrypted and inflated as one stream).
if (!ONLY || ONLY.includes('ab-1gb')) {
  fs.mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `phone-1gb-x${SCALE}.ab`);
  const password = 'bench pw';
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${file} ...\n`);
    const { writeAndroidBackup } = await import('./generate-ab.js');
    await writeAndroidBackup(file + '.tmp', { sizeMb: 1000 * SCALE, sms: n(100_000), mms: n(10_000), password, compressed: true });
    fs.renameSync(file + '.tmp', file);
  }
  const env = { BENCH_PASSPHRASE: password };
  rows.push(row('ab-1gb', 'plain read (decrypt/inflate limit)', child('read-format', file, { env })));
  const vault = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-'));
  try {
    rows.push(row('ab-1gb', 'import into empty vault', child('import', file, vault, { env })));
  } finally {
    fs.rmSync(vault, { recursive: true, force: true });
  }
  process.stderr.write('ab-1gb done\n');
}

async function formatDatasets(): Promise<{ label: string; file: string }[]> {
  const dir = path.join(DATA, `formats-x${SCALE}`);
  const want = [
    { label: 'sms-ie ZIP (messages.ndjson + data/)', file: path.join(dir, 'messages.zip') },
    { label: 'Fossify JSON (inline base64 media)', file: path.join(dir, 'fossify.json') },
  ];
  if (want.every((w) => fs.existsSync(w.file))) return want;
  process.stderr.write(`generating ${dir} (import a generated SBR file, export it as sms-ie and Fossify) ...\n`);
  const { Vault } = await import('../src/vault/vault.js');
  const { importFile } = await import('../src/vault/import/import-backup.js');
  const { exportSmsIe } = await import('../src/vault/export/smsie-export.js');
  const { exportFossify } = await import('../src/vault/export/fossify-export.js');
  const xml = await dataset('formats-source', { seed: 7, sms: n(200_000), mms: n(4_000), mediaBytes: 20_000 });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-formats-'));
  try {
    const vault = await Vault.open(path.join(tmp, 'vault'), { create: true });
    await importFile(vault, xml);
    const all = { kinds: new Set(['sms', 'mms'] as const) };
    const smsie = await exportSmsIe(vault, all, { outDir: path.join(tmp, 'smsie') });
    const fossify = await exportFossify(vault, all, { outDir: path.join(tmp, 'fossify') });
    await vault.close();
    fs.mkdirSync(dir, { recursive: true });
    await nativeSmsIe(smsie.files[0]?.path ?? '', want[0]?.file ?? '');
    fs.copyFileSync(fossify.files[0]?.path ?? '', want[1]?.file ?? '');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return want;
}

/**
 * The app's own files carry no `__textvault` key (Textvault adds it to its exports to stay
 * exact): the benchmark reads the messages as the phone would have written them.
 */
async function nativeSmsIe(from: string, to: string): Promise<void> {
  const { openSafeZip } = await import('../src/formats/smsie/zip-archive.js');
  const { readLines } = await import('../src/formats/json/lines.js');
  const yazl = (await import('yazl')).default;
  const src = await openSafeZip(from);
  const out = new yazl.ZipFile();
  const done = new Promise<void>((resolve, reject) => {
    out.outputStream.pipe(fs.createWriteStream(to)).on('close', resolve).on('error', reject);
  });
  const ndjson = src.entries.get('messages.ndjson');
  if (ndjson === undefined) throw new Error('no messages.ndjson');
  const lines: string[] = [];
  for await (const { text } of readLines((await src.open(ndjson)) as AsyncIterable<Buffer>)) {
    const o = JSON.parse(text) as Record<string, unknown>;
    delete o.__textvault;
    lines.push(JSON.stringify(o));
  }
  out.addBuffer(Buffer.from(lines.join('\n') + '\n'), 'messages.ndjson');
  for (const [name, e] of src.entries) {
    if (!name.startsWith('data/')) continue;
    const chunks: Buffer[] = [];
    for await (const c of await src.open(e)) chunks.push(c as Buffer);
    out.addBuffer(Buffer.concat(chunks), name, { compress: false });
  }
  out.end();
  await done;
  src.close();
}

const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const lines: string[] = [
  `| scenario | step | file MB | records | seconds | messages/s | MB/s | peak RSS MB | CPU s |`,
  `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ...rows.map((r) => `| ${r.scenario} | ${r.step} | ${fmt(r.fileMB)} | ${fmt(r.records)} | ${fmt(r.seconds, 1)} | ${fmt(r.msgPerS)} | ${fmt(r.mbPerS, 1)} | ${fmt(r.maxRssMB)} | ${r.cpuSeconds === undefined ? '' : fmt(r.cpuSeconds, 1)} |`),
];
if (apiRows.length > 0)
  lines.push(
    '',
    `| API endpoint (${process.env.BENCH_API_VAULT === undefined ? '1,000,000-message vault' : process.env.BENCH_API_VAULT}) | requests | p50 ms | p95 ms | max ms | server CPU ms/request | requests/s |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...apiRows.map((r) => `| ${r.endpoint} | ${r.requests} | ${fmt(r.p50, 1)} | ${fmt(r.p95, 1)} | ${fmt(r.max, 1)} | ${fmt(r.cpu, 1)} | ${r.perSecond === undefined ? '' : fmt(r.perSecond)} |`),
  );
if (gallery !== undefined)
  lines.push(
    '',
    `| Gallery endpoint (${gallery.label}) | clients | requests | p50 ms | p95 ms | max ms | server CPU ms/request |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...gallery.rows.map((r) => `| ${r.endpoint} | ${r.concurrency} | ${r.requests} | ${fmt(r.p50, 1)} | ${fmt(r.p95, 1)} | ${fmt(r.max, 1)} | ${fmt(r.cpu, 2)} |`),
  );
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const header = `${new Date().toISOString()} · ${cpu} · ${os.cpus().length} cores · ${fmt(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · scale ${SCALE}`;
fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ header, rows, apiRows, galleryRows: gallery?.rows ?? [] }, null, 2));
if (peerRatios.length > 0) lines.push('', ...peerRatios);
process.stdout.write(`${header}\n\n${lines.join('\n')}\n`);
