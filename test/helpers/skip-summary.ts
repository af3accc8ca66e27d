/**
 * A vitest reporter that ends the run with one summary of the tests skipped for a missing system
 * program (and the command that installs it), or, under CI=true / TEXTVAULT_TEST_STRICT=1, of
 * the programs whose absence failed the run. Test files report what they lack through a log file
 * (test/helpers/system.ts), since they run in other processes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { SKIP_LOG_ENV, type SkipRecord } from './system.js';

interface Group {
  /** "dovecot not installed — apt-get install dovecot-imapd (what it enables)", or a note. */
  reason: string;
  tests: number;
  files: Set<string>;
}

function readLog(file: string): SkipRecord[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SkipRecord);
}

/** One reason per missing program (a test that lacked two counts under both), or the note. */
function reasonsOf(record: SkipRecord): string[] {
  if (record.note !== undefined) return [record.note];
  return record.missing.map((m) => `${m.name} not installed — ${m.install} (${m.enables})`);
}

const plural = (n: number, word: string): string => `${String(n)} ${word}${n === 1 ? '' : 's'}`;

export default class SkipSummary implements Reporter {
  private vitest: Vitest | undefined;
  private dir = '';
  private log = '';

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-skips-'));
    this.log = path.join(this.dir, 'skips.jsonl');
    // Set before the test workers start: they inherit it.
    process.env[SKIP_LOG_ENV] = this.log;
  }

  onTestRunEnd(modules: readonly TestModule[]): void {
    const records = readLog(this.log);
    fs.rmSync(this.dir, { recursive: true, force: true });
    if (records.length === 0) return;
    const byFile = new Map<string, SkipRecord[]>();
    for (const r of records) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);

    const skipped = new Map<string, Group>();
    const failed = new Map<string, Group>();
    let total = 0;
    for (const [file, recs] of byFile) {
      const module = modules.find((m) => m.moduleId === file);
      const tests = module === undefined ? 0 : [...module.children.allTests()].filter((t) => t.result().state === 'skipped').length;
      total += tests;
      const reasons = new Set(recs.flatMap(reasonsOf));
      for (const reason of reasons) {
        const strict = recs.some((r) => r.strict && r.note === undefined && reasonsOf(r).includes(reason));
        const target = strict ? failed : skipped;
        const group = target.get(reason) ?? { reason, tests: 0, files: new Set<string>() };
        group.tests += tests;
        group.files.add(path.relative(process.cwd(), file));
        target.set(reason, group);
      }
    }

    const lines: string[] = [];
    if (skipped.size > 0) {
      lines.push(`${plural(total, 'test')} skipped for what this machine lacks (README, "Running the tests"; CI=true makes a missing program an error):`);
      for (const g of skipped.values()) lines.push(`  ${plural(g.tests, 'test')} skipped: ${g.reason}`);
    }
    if (failed.size > 0) {
      lines.push('Missing system programs failed the run (CI=true or TEXTVAULT_TEST_STRICT=1 runs every test):');
      for (const g of failed.values()) lines.push(`  ${g.reason}: ${plural(g.files.size, 'test file')} failed (${[...g.files].join(', ')})`);
    }
    const out = lines.join('\n');
    if (this.vitest) this.vitest.logger.log(out);
    else console.log(out);
  }
}
