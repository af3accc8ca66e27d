/**
 * `npm run fuzz`: mutates the project's fixtures of every format (fuzz/mutate.ts) and imports
 * each mutant with the real importer in a child process (fuzz/worker.ts) under a time and heap
 * limit. Every input must end in success or a clean one-line error naming the file, the vault
 * unchanged; anything else (a crash, a hang, a stack trace, a memory blow-up, a partial import)
 * is a failure, kept in fuzz/out/failures/ to replay. See docs/reliability.md, "Fuzzing".
 *
 *   FUZZ_INPUTS=1000      inputs per format (default 1000)
 *   FUZZ_FORMATS=sbr,...  the formats to fuzz (default all: fuzz/seeds.ts FORMAT_NAMES)
 *   FUZZ_SEED=1           the random seed; the same seed makes the same inputs
 *   FUZZ_TIMEOUT_MS=20000 per input; longer is a hang
 *   FUZZ_HEAP_MB=256      the child's --max-old-space-size (the textvault binary's)
 *   FUZZ_MAX_RSS_MB=1024  a child's resident size above this after an input is a blow-up
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { importFile } from '../src/vault/import/import-backup.js';
import { Vault } from '../src/vault/vault.js';
import { mutate } from './mutate.js';
import type { Outcome } from './outcome.js';
import { Random } from './random.js';
import { buildSeeds, FORMAT_NAMES, type Seed } from './seeds.js';

const HERE = import.meta.dirname;

export interface FuzzOptions {
  inputs: number;
  formats: readonly string[];
  seed: number;
  timeoutMs: number;
  heapMB: number;
  maxRssMB: number;
  /** Inputs per child before its vault is verified and it is replaced. */
  batch: number;
  /** Leave out the heavy mutations (bombs, giant attributes): for the quick smoke test. */
  light?: boolean;
  /** Where failing inputs are kept (none when undefined). */
  keepFailures?: string;
  log?: (line: string) => void;
}

export interface Failure {
  format: string;
  input: number;
  mutation: string;
  seedFile: string;
  reason: string;
  message?: string;
  kept?: string;
}

export interface FormatStats {
  format: string;
  inputs: number;
  ok: number;
  clean: number;
  /** Clean errors whose message gives no position in the file. */
  unpositioned: number;
  failures: number;
  seconds: number;
  maxRssMB: number;
  /** How many inputs each mutation made. */
  mutations: Record<string, number>;
}

export interface FuzzReport {
  stats: FormatStats[];
  failures: Failure[];
  /** A few clean messages without a position, to look at. */
  unpositionedSamples: string[];
}

interface Reply extends Partial<Outcome> {
  rssMB: number;
  verify?: boolean;
  problems?: string[];
}

/** One worker process and the lines it answers with. */
class Worker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((r: Reply | Error) => void)[] = [];
  stderr = '';
  exited = false;

  constructor(template: string, work: string, heapMB: number) {
    this.child = spawn(process.execPath, [`--max-old-space-size=${heapMB}`, '--max-semi-space-size=4', '--import', 'tsx', path.join(HERE, 'worker.ts'), template, work], { stdio: 'pipe' });
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (!line.startsWith('@@fuzz ')) return;
      this.waiting.shift()?.(JSON.parse(line.slice(7)) as Reply);
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      const e = new Error(`child exited (${signal ?? `code ${String(code)}`})`);
      for (const w of this.waiting.splice(0)) w(e);
    });
  }

  /** The reply to one command, an Error if the child died, or 'timeout'. */
  ask(command: string, timeoutMs: number): Promise<Reply | Error | 'timeout'> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { resolve('timeout'); }, timeoutMs);
      this.waiting.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.child.stdin.write(command + '\n');
    });
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => { resolve(); }));
    this.child.stdin.end();
    const timer = setTimeout(() => { this.kill(); }, 10_000);
    await done;
    clearTimeout(timer);
  }
}

function hashOf(s: string): number {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ (c.codePointAt(0) ?? 0), 16777619);
  return h >>> 0;
}

/** A vault holding the golden-file archive, copied for each child: failed imports must not change it. */
async function makeTemplate(dir: string): Promise<void> {
  const vault = await Vault.open(dir, { create: true });
  try {
    for (const f of ['messages.xml', 'calls.xml']) await importFile(vault, path.resolve(HERE, '../test/fixtures/exports', f), { readIn: 'thread' });
  } finally {
    await vault.close();
  }
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const log = opts.log ?? (() => undefined);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-fuzz-'));
  const report: FuzzReport = { stats: [], failures: [], unpositionedSamples: [] };
  try {
    const template = path.join(work, 'template');
    await makeTemplate(template);
    const seeds = await buildSeeds();
    for (const format of opts.formats) {
      const mine = seeds.filter((s) => s.format === format);
      if (mine.length === 0) throw new Error(`no seeds for format ${format} (known: ${FORMAT_NAMES.join(', ')})`);
      report.stats.push(await fuzzFormat(format, mine, template, path.join(work, format), opts, report, log));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return report;
}

async function fuzzFormat(format: string, seeds: Seed[], template: string, work: string, opts: FuzzOptions, report: FuzzReport, log: (line: string) => void): Promise<FormatStats> {
  const r = new Random(opts.seed ^ hashOf(format));
  const stats: FormatStats = { format, inputs: 0, ok: 0, clean: 0, unpositioned: 0, failures: 0, seconds: 0, maxRssMB: 0, mutations: {} };
  const started = Date.now();
  let generation = 0;
  const startWorker = (): Worker => {
    const dir = path.join(work, `w${generation++}`);
    fs.mkdirSync(dir, { recursive: true });
    return new Worker(template, dir, opts.heapMB);
  };
  let worker = startWorker();
  const fail = (f: Omit<Failure, 'format'>, bytes?: Buffer): void => {
    stats.failures++;
    const failure: Failure = { format, ...f };
    if (opts.keepFailures !== undefined && bytes !== undefined) {
      const dir = path.join(opts.keepFailures, `${format}-${f.input}-${f.mutation}`);
      fs.mkdirSync(dir, { recursive: true });
      failure.kept = path.join(dir, f.seedFile);
      fs.writeFileSync(failure.kept, bytes);
    }
    report.failures.push(failure);
    log(`FAIL ${format} #${f.input} ${f.mutation} (${f.seedFile}): ${f.reason}${f.message === undefined ? '' : `: ${f.message.slice(0, 300)}`}`);
  };
  const verify = async (): Promise<void> => {
    const v = await worker.ask('verify', 120_000);
    if (v === 'timeout' || v instanceof Error || v.verify !== true) {
      const why = v === 'timeout' ? 'timed out' : v instanceof Error ? v.message : (v.problems ?? []).join('; ');
      fail({ input: stats.inputs, mutation: 'verify', seedFile: '-', reason: `verify after the batch: ${why}` });
    }
  };
  for (let i = 0; i < opts.inputs; i++) {
    const seed = r.pick(seeds);
    const mutant = mutate(seed, r, { light: opts.light });
    stats.mutations[mutant.mutation] = (stats.mutations[mutant.mutation] ?? 0) + 1;
    const dir = path.join(work, 'in', String(i));
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, seed.fileName);
    fs.writeFileSync(file, mutant.bytes);
    worker.stderr = '';
    const reply = await worker.ask(`import ${i} ${file}`, opts.timeoutMs);
    stats.inputs++;
    const base = { input: i, mutation: mutant.mutation, seedFile: seed.fileName };
    if (reply === 'timeout' || reply instanceof Error) {
      const reason = reply === 'timeout' ? `hang (no answer in ${opts.timeoutMs} ms)` : `crash: ${reply.message}`;
      worker.kill();
      fail({ ...base, reason, message: worker.stderr.trim().split('\n').slice(-3).join(' | ') }, mutant.bytes);
      worker = startWorker();
    } else {
      stats.maxRssMB = Math.max(stats.maxRssMB, reply.rssMB);
      const stack = /\n\s+at .+\(|Error:.*\n\s+at /.test(worker.stderr);
      if (reply.verdict === 'failure') fail({ ...base, reason: reply.reason ?? 'failure', message: reply.message }, mutant.bytes);
      else if (stack) fail({ ...base, reason: 'stack trace on stderr', message: worker.stderr.slice(0, 500) }, mutant.bytes);
      else if (reply.rssMB > opts.maxRssMB) fail({ ...base, reason: `memory blow-up (${reply.rssMB} MB resident)` }, mutant.bytes);
      else if (reply.verdict === 'ok') stats.ok++;
      else {
        stats.clean++;
        if (reply.positioned !== true) {
          stats.unpositioned++;
          if (report.unpositionedSamples.length < 40 && reply.message !== undefined) report.unpositionedSamples.push(`${format} ${mutant.mutation}: ${reply.message.slice(0, 300)}`);
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    if ((i + 1) % opts.batch === 0 || i + 1 === opts.inputs) {
      await verify();
      await worker.close();
      if (i + 1 < opts.inputs) worker = startWorker();
      log(`${format}: ${i + 1}/${opts.inputs} (${stats.ok} ok, ${stats.clean} clean errors, ${stats.failures} failures)`);
    }
  }
  await worker.close();
  stats.seconds = (Date.now() - started) / 1000;
  return stats;
}

function table(stats: FormatStats[]): string {
  const rows = [['format', 'inputs', 'ok', 'clean errors', '(no position)', 'failures', 'inputs/s', 'max RSS MB']];
  for (const s of stats) rows.push([s.format, String(s.inputs), String(s.ok), String(s.clean), String(s.unpositioned), String(s.failures), (s.inputs / s.seconds).toFixed(1), String(s.maxRssMB)]);
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const env = process.env;
  const out = path.join(HERE, 'out');
  const opts: FuzzOptions = {
    inputs: Number(env.FUZZ_INPUTS ?? '1000'),
    formats: env.FUZZ_FORMATS?.split(',').filter(Boolean) ?? FORMAT_NAMES,
    seed: Number(env.FUZZ_SEED ?? '1'),
    timeoutMs: Number(env.FUZZ_TIMEOUT_MS ?? '20000'),
    heapMB: Number(env.FUZZ_HEAP_MB ?? '256'),
    maxRssMB: Number(env.FUZZ_MAX_RSS_MB ?? '1024'),
    batch: 250,
    keepFailures: path.join(out, 'failures'),
    log: (line) => process.stderr.write(line + '\n'),
  };
  process.stderr.write(`fuzzing ${opts.formats.join(', ')}: ${opts.inputs} inputs each, seed ${opts.seed}, load ${os.loadavg()[0]?.toFixed(1) ?? '?'}\n`);
  const report = await runFuzz(opts);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'report.json'), JSON.stringify(report, null, 2));
  process.stdout.write(table(report.stats) + '\n');
  if (report.unpositionedSamples.length > 0) process.stdout.write(`\nclean errors without a position, e.g.:\n  ${report.unpositionedSamples.slice(0, 10).join('\n  ')}\n`);
  if (report.failures.length > 0) {
    process.stdout.write(`\n${report.failures.length} failures (inputs kept in ${path.join(out, 'failures')}; report.json lists them)\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
