/** Runs the scenarios: prepare each once, then its runs, each killed at a seeded random moment. */
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../bench/generator-random.js';
import { makeInputs, SCENARIOS } from './scenarios.js';

export interface ScenarioResult {
  name: string;
  skipped?: string;
  runs: number;
  /** Runs whose process was still running at the kill (the others ended first). */
  killed: number;
  consistent: number;
  cleanMs: number;
  failures: { run: number; delayMs: number; problems: string[] }[];
}

export interface CampaignOptions {
  work: string;
  runs: number;
  seed: number;
  scale: number;
  only?: string[];
  log: (line: string) => void;
}

export async function runCampaign(o: CampaignOptions): Promise<ScenarioResult[]> {
  const chosen = SCENARIOS.filter((s) => o.only === undefined || o.only.includes(s.name));
  const unknown = (o.only ?? []).filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  o.log(`making inputs in ${o.work} ...`);
  const inputs = await makeInputs(path.join(o.work, 'inputs'), o.scale);
  const rng = new Rng(o.seed);
  const results: ScenarioResult[] = [];
  for (const s of chosen) {
    const skipped = s.unavailable?.();
    if (skipped !== undefined) {
      o.log(`${s.name}: skipped, ${skipped}`);
      results.push({ name: s.name, skipped, runs: 0, killed: 0, consistent: 0, cleanMs: 0, failures: [] });
      continue;
    }
    const dir = path.join(o.work, s.name);
    const plan = await s.prepare(dir, inputs);
    o.log(`${s.name}: an uninterrupted run takes ${(plan.cleanMs / 1000).toFixed(2)} s`);
    const result: ScenarioResult = { name: s.name, runs: 0, killed: 0, consistent: 0, cleanMs: Math.round(plan.cleanMs), failures: [] };
    for (let run = 1; run <= o.runs; run++) {
      const delayMs = Math.round(rng.next() * plan.cleanMs);
      const runDir = path.join(dir, 'run');
      const outcome = await plan.run(runDir, delayMs);
      result.runs++;
      if (outcome.killed) result.killed++;
      if (outcome.problems.length === 0) {
        result.consistent++;
        fs.rmSync(runDir, { recursive: true, force: true });
      } else {
        result.failures.push({ run, delayMs, problems: outcome.problems });
        // Kept for a look: the vault as the failing run left it.
        fs.renameSync(runDir, path.join(dir, `failed-${run}`));
      }
      o.log(`${s.name} ${run}/${o.runs}: kill at ${delayMs} ms${outcome.killed ? '' : ' (ended before)'}: ${outcome.problems.length === 0 ? 'consistent' : outcome.problems.join('; ')}`);
    }
    results.push(result);
  }
  return results;
}
