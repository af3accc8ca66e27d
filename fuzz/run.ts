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
 *   FUZZ_TIMEOUT_MS=20000 processor time per input; more is a hang (and 2 minutes of wall clock)
 *   FUZZ_HEAP_MB=256      the child's --max-old-space-size (the textvault binary's)
 *   FUZZ_MAX_RSS_MB=1024  a child's resident size above this after an input is a blow-up
 *   FUZZ_CHILD_INPUTS=2000 inputs one child imports before a fresh one takes over
 *   FUZZ_OUT=fuzz/out     where report.json (rewritten after every batch) and failures/ go
 *
 * One long-lived child per format imports input after input (a child per input spent most of the
 * time loading modules); the parent makes and writes the next input while the child reads the
 * current one. A crash, a hang or a blow-up ends the child and a fresh one goes on.
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
  /** Inputs between two `verify` runs of the child's vault. */
  batch: number;
  /**
   * Inputs one child imports before it is replaced (besides after a crash, hang or blow-up):
   * a child lives long, as a server does, but not forever (default 2,000).
   */
  childInputs?: number;
  /** Leave out the heavy mutations (bombs, giant attributes): for the quick smoke test. */
  light?: boolean;
  /** Where failing inputs are kept (none when undefined). */
  keepFailures?: string;
  /** Called after each batch with the report so far. */
  onBatch?: (report: FuzzReport) => void;
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
  /** Milliseconds each mutation's inputs took in the child (import and dump), to see where time goes. */
  mutationMs: Record<string, number>;
  /** Where the run's time went, in milliseconds (the child's import and dump, the parent's making of inputs...). */
  phases: { mutate: number; write: number; import: number; dump: number; verify: number; childStart: number; waitOther: number };
  /** Children started (the first, one per `childInputs`, and one after each crash, hang or blow-up). */
  children: number;
}

export interface FuzzReport {
  stats: FormatStats[];
  failures: Failure[];
  /** A few clean messages without a position, to look at. */
  unpositionedSamples: string[];
}

interface Reply extends Partial<Outcome> {
  rssMB: number;
  importMs?: number;
  dumpMs?: number;
  ready?: boolean;
  verify?: boolean;
  problems?: string[];
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every common kernel. */
const CLOCK_TICKS = 100;

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

  /**
   * The reply to one command, an Error if the child died, or 'timeout': when the child spent
   * more than `cpuMs` of processor time on it (on a machine shared with other work the wall clock
   * says little about a hang; where /proc is missing, the wall clock stands in), or `wallMs`
   * passed (a child waiting on nothing).
   */
  ask(command: string, cpuMs: number, wallMs = Math.max(cpuMs * 6, 120_000)): Promise<Reply | Error | 'timeout'> {
    return new Promise((resolve) => {
      const started = Date.now();
      const cpuAtStart = this.cpuMs();
      const poll = setInterval(() => {
        const cpu = this.cpuMs();
        const spent = cpu === undefined || cpuAtStart === undefined ? Date.now() - started : cpu - cpuAtStart;
        if (spent > cpuMs || Date.now() - started > wallMs) {
          clearInterval(poll);
          resolve('timeout');
        }
      }, 200);
      this.waiting.push((r) => {
        clearInterval(poll);
        resolve(r);
      });
      this.child.stdin.write(command + '\n');
    });
  }

  /** The child's processor time so far (all its threads), or undefined without /proc. */
  cpuMs(): number | undefined {
    try {
      const stat = fs.readFileSync(`/proc/${String(this.child.pid)}/stat`, 'latin1');
      // After the command name in parentheses: state, then 10 fields, then utime and stime.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    } catch {
      return undefined;
    }
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
  const runs: FormatRun[] = [];
  try {
    const template = path.join(work, 'template');
    await makeTemplate(template);
    const seeds = await buildSeeds();
    for (const format of opts.formats) {
      const mine = seeds.filter((s) => s.format === format);
      if (mine.length === 0) throw new Error(`no seeds for format ${format} (known: ${FORMAT_NAMES.join(', ')})`);
      runs.push(new FormatRun(format, mine, template, path.join(work, format), opts, report, log));
    }
    // A batch of each format in turn, so that a run stopped early has fuzzed every format about
    // as much, each in a child of its own that lives on between its batches.
    for (let round = 0; runs.some((run) => !run.done); round++) {
      for (const run of runs) {
        if (run.done) continue;
        await run.batch();
        opts.onBatch?.(report);
      }
    }
  } finally {
    for (const run of runs) await run.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return report;
}

/** One input, made and written before the child is asked to import it. */
interface Input {
  i: number;
  seed: Seed;
  mutation: string;
  bytes: Buffer;
  file: string;
}

/** The fuzzing of one format: its inputs, its child, its figures (in `report.stats` from the start). */
class FormatRun {
  private readonly r: Random;
  private readonly stats: FormatStats;
  private worker: Worker | undefined;
  private generation = 0;
  /** Inputs the current child has imported. */
  private served = 0;
  private next: Input | undefined;
  done: boolean;

  constructor(
    private readonly format: string,
    private readonly seeds: Seed[],
    private readonly template: string,
    private readonly work: string,
    private readonly opts: FuzzOptions,
    private readonly report: FuzzReport,
    private readonly log: (line: string) => void,
  ) {
    this.r = new Random(opts.seed ^ hashOf(format));
    this.stats = {
      format,
      inputs: 0,
      ok: 0,
      clean: 0,
      unpositioned: 0,
      failures: 0,
      seconds: 0,
      maxRssMB: 0,
      mutations: {},
      mutationMs: {},
      phases: { mutate: 0, write: 0, import: 0, dump: 0, verify: 0, childStart: 0, waitOther: 0 },
      children: 0,
    };
    report.stats.push(this.stats);
    this.done = opts.inputs <= 0;
  }

  private async startWorker(): Promise<Worker> {
    const t = performance.now();
    const dir = path.join(this.work, `w${this.generation++}`);
    fs.mkdirSync(dir, { recursive: true });
    const w = new Worker(this.template, dir, this.opts.heapMB);
    this.stats.children++;
    this.served = 0;
    // The child answers once its modules are loaded and its vault is open.
    const ready = await w.ask('ping', 120_000);
    if (ready === 'timeout' || ready instanceof Error) throw new Error(`the fuzz child did not start: ${ready === 'timeout' ? 'no answer in 120 s' : ready.message}; ${w.stderr}`);
    this.stats.phases.childStart += performance.now() - t;
    this.worker = w;
    return w;
  }

  private fail(f: Omit<Failure, 'format'>, bytes?: Buffer): void {
    this.stats.failures++;
    const failure: Failure = { format: this.format, ...f };
    if (this.opts.keepFailures !== undefined && bytes !== undefined) {
      const dir = path.join(this.opts.keepFailures, `${this.format}-${f.input}-${f.mutation}`);
      fs.mkdirSync(dir, { recursive: true });
      failure.kept = path.join(dir, f.seedFile);
      fs.writeFileSync(failure.kept, bytes);
    }
    this.report.failures.push(failure);
    this.log(`FAIL ${this.format} #${f.input} ${f.mutation} (${f.seedFile}): ${f.reason}${f.message === undefined ? '' : `: ${f.message.slice(0, 300)}`}`);
  }

  private async verify(worker: Worker): Promise<void> {
    const t = performance.now();
    const v = await worker.ask('verify', 120_000);
    this.stats.phases.verify += performance.now() - t;
    if (v === 'timeout' || v instanceof Error || v.verify !== true) {
      const why = v === 'timeout' ? 'timed out' : v instanceof Error ? v.message : (v.problems ?? []).join('; ');
      this.fail({ input: this.stats.inputs, mutation: 'verify', seedFile: '-', reason: `verify after the batch: ${why}` });
      if (v === 'timeout' || v instanceof Error) {
        worker.kill();
        this.worker = undefined;
      }
    }
  }

  /** Input i, made and written; two slots, so the next is written while the child reads this one. */
  private make(i: number): Input {
    const phases = this.stats.phases;
    let t = performance.now();
    const seed = this.r.pick(this.seeds);
    const mutant = mutate(seed, this.r, { light: this.opts.light });
    phases.mutate += performance.now() - t;
    t = performance.now();
    const dir = path.join(this.work, 'in', String(i % 2));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, seed.fileName);
    fs.writeFileSync(file, mutant.bytes);
    phases.write += performance.now() - t;
    return { i, seed, mutation: mutant.mutation, bytes: mutant.bytes, file };
  }

  /** The next `opts.batch` inputs (fewer at the end), then a `verify` of the child's vault. */
  async batch(): Promise<void> {
    const { opts, stats, format } = this;
    const phases = stats.phases;
    const started = Date.now();
    let worker = this.worker ?? (await this.startWorker());
    const end = Math.min(opts.inputs, stats.inputs + opts.batch);
    this.next ??= this.make(stats.inputs);
    while (stats.inputs < end) {
      const input = this.next;
      const i = input.i;
      stats.mutations[input.mutation] = (stats.mutations[input.mutation] ?? 0) + 1;
      worker.stderr = '';
      const asked = performance.now();
      const answer = worker.ask(`import ${i} ${input.file}`, opts.timeoutMs);
      // The parent makes the next input while the child imports this one (the machine has 2 cores).
      if (i + 1 < opts.inputs) this.next = this.make(i + 1);
      const reply = await answer;
      const took = performance.now() - asked;
      this.served++;
      stats.inputs++;
      const base = { input: i, mutation: input.mutation, seedFile: input.seed.fileName };
      if (reply === 'timeout' || reply instanceof Error) {
        stats.mutationMs[input.mutation] = (stats.mutationMs[input.mutation] ?? 0) + took;
        phases.import += took;
        const reason = reply === 'timeout' ? `hang (more than ${opts.timeoutMs} ms of processor time, or ${Math.round(took / 1000)} s)` : `crash: ${reply.message}`;
        worker.kill();
        this.fail({ ...base, reason, message: worker.stderr.trim().split('\n').slice(-3).join(' | ') }, input.bytes);
        worker = await this.startWorker();
        continue;
      }
      const childMs = (reply.importMs ?? 0) + (reply.dumpMs ?? 0);
      stats.mutationMs[input.mutation] = (stats.mutationMs[input.mutation] ?? 0) + childMs;
      phases.import += reply.importMs ?? 0;
      phases.dump += reply.dumpMs ?? 0;
      // Time the child was done before the parent had the next input ready, or the pipe's delay.
      phases.waitOther += Math.max(0, took - childMs);
      if (took > opts.timeoutMs / 4) this.log(`slow: ${format} #${i} ${input.mutation} (${input.seed.fileName}): import ${reply.importMs ?? '?'} ms, checks ${reply.dumpMs ?? '?'} ms`);
      stats.maxRssMB = Math.max(stats.maxRssMB, reply.rssMB);
      const stack = /\n\s+at .+\(|Error:.*\n\s+at /.test(worker.stderr);
      if (reply.verdict === 'failure') this.fail({ ...base, reason: reply.reason ?? 'failure', message: reply.message }, input.bytes);
      else if (stack) this.fail({ ...base, reason: 'stack trace on stderr', message: worker.stderr.slice(0, 500) }, input.bytes);
      else if (reply.rssMB > opts.maxRssMB) this.fail({ ...base, reason: `memory blow-up (${reply.rssMB} MB resident)` }, input.bytes);
      else if (reply.verdict === 'ok') stats.ok++;
      else {
        stats.clean++;
        if (reply.positioned !== true) {
          stats.unpositioned++;
          if (this.report.unpositionedSamples.length < 40 && reply.message !== undefined) this.report.unpositionedSamples.push(`${format} ${input.mutation}: ${reply.message.slice(0, 300)}`);
        }
      }
      if (reply.rssMB > opts.maxRssMB) {
        // Whatever held the memory, the next input gets a child of its own.
        worker.kill();
        worker = await this.startWorker();
      }
    }
    await this.verify(worker);
    stats.seconds += (Date.now() - started) / 1000;
    this.done = stats.inputs >= opts.inputs;
    this.log(`${format}: ${stats.inputs}/${opts.inputs} (${stats.ok} ok, ${stats.clean} clean errors, ${stats.unpositioned} without a position, ${stats.failures} failures; ${(stats.inputs / stats.seconds).toFixed(1)} inputs/s, max RSS ${stats.maxRssMB} MB, load ${os.loadavg()[0]?.toFixed(1) ?? '?'})`);
    if (this.worker !== undefined && (this.done || this.served >= (opts.childInputs ?? 2000))) await this.close();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.close();
  }
}

function table(stats: FormatStats[]): string {
  const rows = [['format', 'inputs', 'ok', 'clean errors', '(no position)', 'failures', 'inputs/s', 'max RSS MB']];
  for (const s of stats) rows.push([s.format, String(s.inputs), String(s.ok), String(s.clean), String(s.unpositioned), String(s.failures), (s.inputs / s.seconds).toFixed(1), String(s.maxRssMB)]);
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ')).join('\n');
}

/** Where each format's time went (seconds), and its slowest mutations. */
function timing(stats: FormatStats[]): string {
  return stats
    .map((s) => {
      const p = Object.entries(s.phases).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`);
      const slow = Object.entries(s.mutationMs)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([m, ms]) => `${m} ${(ms / 1000).toFixed(1)} s/${s.mutations[m] ?? 0}`);
      return `${s.format}: ${s.seconds.toFixed(0)} s, ${s.children} children; ${p.join(', ')}; slowest: ${slow.join(', ')}`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const env = process.env;
  const out = env.FUZZ_OUT ?? path.join(HERE, 'out');
  const opts: FuzzOptions = {
    inputs: Number(env.FUZZ_INPUTS ?? '1000'),
    formats: env.FUZZ_FORMATS?.split(',').filter(Boolean) ?? FORMAT_NAMES,
    seed: Number(env.FUZZ_SEED ?? '1'),
    timeoutMs: Number(env.FUZZ_TIMEOUT_MS ?? '20000'),
    heapMB: Number(env.FUZZ_HEAP_MB ?? '256'),
    maxRssMB: Number(env.FUZZ_MAX_RSS_MB ?? '1024'),
    batch: 250,
    childInputs: Number(env.FUZZ_CHILD_INPUTS ?? '2000'),
    keepFailures: path.join(out, 'failures'),
    log: (line) => process.stderr.write(line + '\n'),
    // Written as the run goes, so a run stopped early still says what it did.
    onBatch: (report) => {
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, 'report.json'), JSON.stringify(report, null, 2));
    },
  };
  process.stderr.write(`fuzzing ${opts.formats.join(', ')}: ${opts.inputs} inputs each, seed ${opts.seed}, load ${os.loadavg()[0]?.toFixed(1) ?? '?'}\n`);
  const report = await runFuzz(opts);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'report.json'), JSON.stringify(report, null, 2));
  process.stdout.write(table(report.stats) + '\n\n' + timing(report.stats) + '\n');
  if (report.unpositionedSamples.length > 0) process.stdout.write(`\nclean errors without a position, e.g.:\n  ${report.unpositionedSamples.slice(0, 10).join('\n  ')}\n`);
  if (report.failures.length > 0) {
    process.stdout.write(`\n${report.failures.length} failures (inputs kept in ${path.join(out, 'failures')}; report.json lists them)\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
