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

const HERE = import.meta.dirname;
const DATA = path.join(HERE, 'data');
const OUT = path.join(HERE, 'out');
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const ONLY = process.env.BENCH_ONLY?.split(',');

interface Measure {
  seconds: number;
  records: number;
  bytes: number;
  maxRssMB: number;
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

function child(mode: 'read' | 'import' | 'export', ...args: string[]): Measure {
  const out = execFileSync(
    process.execPath,
    // The same heap cap as the textvault binary (see src/cli/main.ts).
    ['--max-old-space-size=256', '--import', 'tsx', path.join(HERE, 'child.ts'), mode, ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
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
  };
}

const n = (x: number): number => Math.max(1, Math.round(x * SCALE));
const scenarios: { name: string; opts: GeneratorOptions; reimport: boolean; export: boolean }[] = [
  { name: 'sms-heavy', opts: { seed: 1, sms: n(1_000_000), mms: 0 }, reimport: true, export: true },
  { name: 'mms-heavy', opts: { seed: 2, sms: n(20_000), mms: n(6_000), mediaBytes: 40_000 }, reimport: true, export: true },
  { name: 'large-1gb', opts: { seed: 3, sms: n(1_000_000), mms: n(16_000), mediaBytes: 40_000 }, reimport: false, export: false },
  { name: 'one-600mb-attachment', opts: { seed: 4, sms: n(1_000), mms: n(10), mediaBytes: 20_000, bigAttachmentBytes: Math.round(600e6 * SCALE) }, reimport: false, export: true },
];

interface ApiRow {
  endpoint: string;
  requests: number;
  p50: number;
  p95: number;
  max: number;
  cpu: number;
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

const rows: Row[] = [];
const apiRows = !ONLY || ONLY.includes('api') ? await apiScenario() : [];
for (const s of scenarios) {
  if (ONLY && !ONLY.includes(s.name)) continue;
  const file = await dataset(s.name, s.opts);
  rows.push(row(s.name, 'plain read (disk/decode limit)', child('read', file)));
  const vault = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-'));
  try {
    rows.push(row(s.name, 'import into empty vault', child('import', file, vault)));
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

const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const lines: string[] = [
  `| scenario | step | file MB | records | seconds | messages/s | MB/s | peak RSS MB |`,
  `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ...rows.map((r) => `| ${r.scenario} | ${r.step} | ${fmt(r.fileMB)} | ${fmt(r.records)} | ${fmt(r.seconds, 1)} | ${fmt(r.msgPerS)} | ${fmt(r.mbPerS, 1)} | ${fmt(r.maxRssMB)} |`),
];
if (apiRows.length > 0)
  lines.push(
    '',
    '| API endpoint (1,000,000-message vault) | requests | p50 ms | p95 ms | max ms | CPU ms/request |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...apiRows.map((r) => `| ${r.endpoint} | ${r.requests} | ${fmt(r.p50, 1)} | ${fmt(r.p95, 1)} | ${fmt(r.max, 1)} | ${fmt(r.cpu, 1)} |`),
  );
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const header = `${new Date().toISOString()} · ${cpu} · ${os.cpus().length} cores · ${fmt(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · scale ${SCALE}`;
fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ header, rows, apiRows }, null, 2));
process.stdout.write(`${header}\n\n${lines.join('\n')}\n`);
