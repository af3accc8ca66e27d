/**
 * Snapshots of a large vault (issue 30): the time and peak RSS of a first snapshot, of the next
 * one after a day's import (and what it added to the folder), and of an encrypted one.
 *
 *   npx tsx bench/snapshot.ts            (BENCH_SCALE=0.1 for a quick run; `npm run bench` with BENCH_ONLY=snapshot runs it too)
 *
 * Each snapshot runs in its own process (this file with `measure`), so its peak RSS is its own.
 * The vault is made by the built CLI (npm run build first).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSmsBackup } from './generator.js';

const HERE = import.meta.dirname;
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const n = (x: number): number => Math.max(1, Math.round(x * SCALE));

interface Measure {
  seconds: number;
  cpuSeconds: number;
  maxRssMB: number;
  bytes: number;
  addedBytes: number;
  files: number;
}

if (process.argv[2] === 'measure') {
  const [vault, snaps, passFile] = process.argv.slice(3);
  if (vault === undefined || snaps === undefined) throw new Error('usage: snapshot.ts measure VAULT SNAPS [PASSPHRASE_FILE]');
  const { openSnapshotFolder } = (await import(new URL('../dist/vault/snapshot/folder.js', import.meta.url).href)) as typeof import('../src/vault/snapshot/folder.js');
  const { takeSnapshot } = (await import(new URL('../dist/vault/snapshot/take-snapshot.js', import.meta.url).href)) as typeof import('../src/vault/snapshot/take-snapshot.js');
  const started = performance.now();
  const cpu = process.cpuUsage();
  const key = passFile === undefined ? undefined : { passphrase: fs.readFileSync(passFile, 'utf8') };
  const repo = await openSnapshotFolder(snaps, { create: true, key: () => Promise.resolve(key) });
  const r = await takeSnapshot(vault, repo);
  const used = process.cpuUsage(cpu);
  const m: Measure = {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    bytes: r.bytes,
    addedBytes: r.addedBytes,
    files: r.files,
  };
  process.stdout.write(JSON.stringify(m) + '\n');
  process.exit(0);
}

const CLI = path.join(HERE, '..', 'dist', 'cli', 'main.js');
const DATA = path.join(HERE, 'data');
fs.mkdirSync(DATA, { recursive: true });

async function dataset(name: string, opts: Parameters<typeof writeSmsBackup>[1]): Promise<string> {
  const file = path.join(DATA, `${name}-x${SCALE}.xml`);
  if (!fs.existsSync(file)) {
    await writeSmsBackup(file + '.tmp', opts);
    fs.renameSync(file + '.tmp', file);
  }
  return file;
}

function measure(vault: string, snaps: string, passFile?: string): Measure {
  const out = execFileSync(process.execPath, ['--max-old-space-size=256', '--max-semi-space-size=4', '--import', 'tsx', path.join(HERE, 'snapshot.ts'), 'measure', vault, snaps, ...(passFile === undefined ? [] : [passFile])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Measure;
}

function importInto(vault: string, file: string): void {
  execFileSync(process.execPath, ['--max-old-space-size=256', '--max-semi-space-size=4', CLI, '--vault', vault, 'import', file], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// The same vault as the large-1gb import scenario (bench/run.ts), and a day's worth of new messages.
const large = await dataset('large-1gb', { seed: 3, sms: n(1_000_000), mms: n(16_000), mediaBytes: 40_000 });
const day = await dataset('one-day', { seed: 33, sms: n(300), mms: n(20), mediaBytes: 40_000, startDate: Date.parse('2026-12-01T00:00:00Z') });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-snapshot-'));
try {
  const vault = path.join(work, 'vault');
  importInto(vault, large);
  const size = (dir: string): number => fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).reduce((s, e) => s + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
  const snaps = path.join(work, 'snaps');
  const rows: [string, Measure][] = [];
  rows.push(['first snapshot (plain)', measure(vault, snaps)]);
  rows.push(['again, nothing changed', measure(vault, snaps)]);
  importInto(vault, day);
  rows.push([`after a day's import (${n(300).toLocaleString('en-US')} SMS, ${n(20).toLocaleString('en-US')} MMS)`, measure(vault, snaps)]);
  const pass = path.join(work, 'pass');
  fs.writeFileSync(pass, 'a bench passphrase');
  rows.push(['first snapshot (encrypted)', measure(vault, path.join(work, 'enc'), pass)]);
  process.stdout.write(`vault ${(size(vault) / 1e6).toFixed(0)} MB; machine load (uptime): ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}\n\n`);
  process.stdout.write('| step | vault MB read | added to folder MB | seconds | CPU s | peak RSS MB |\n|---|---|---|---|---|---|\n');
  for (const [step, m] of rows)
    process.stdout.write(`| ${step} | ${(m.bytes / 1e6).toFixed(0)} | ${(m.addedBytes / 1e6).toFixed(1)} | ${m.seconds.toFixed(1)} | ${m.cpuSeconds.toFixed(1)} | ${m.maxRssMB.toFixed(0)} |\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
