/**
 * `npm run crash`: the crash campaign (docs/reliability.md, "Crash campaign"). Every scenario
 * (crash/scenarios.ts) runs CRASH_RUNS times, its process killed with SIGKILL at a random moment;
 * a run is consistent when every check after it holds.
 *
 *   CRASH_RUNS=50 (default)  CRASH_SCENARIOS=import-sbr,ingest,...  CRASH_SEED=1  CRASH_SCALE=0.5
 *
 * Writes crash/out/results.json (and a copy in its crash/out/work-* folder); exits 1 if any run was inconsistent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCampaign } from './campaign.js';

const OUT = path.join(import.meta.dirname, 'out');
const runs = Number(process.env.CRASH_RUNS ?? '50');
const only = process.env.CRASH_SCENARIOS?.split(',').filter((s) => s !== '');
const seed = Number(process.env.CRASH_SEED ?? '1');
const scale = Number(process.env.CRASH_SCALE ?? '0.5');

fs.mkdirSync(OUT, { recursive: true });
const work = fs.mkdtempSync(path.join(OUT, 'work-'));
const results = await runCampaign({
  work,
  runs,
  seed,
  scale,
  ...(only ? { only } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
});
// Also in the work folder: campaigns of different scenarios may run side by side.
for (const dir of [OUT, work]) fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results, null, 2));
process.stdout.write('\n| scenario | runs | killed mid-run | consistent | inconsistent | clean run |\n| --- | --- | --- | --- | --- | --- |\n');
for (const r of results) {
  if (r.skipped !== undefined) process.stdout.write(`| ${r.name} | skipped: ${r.skipped} | | | | |\n`);
  else process.stdout.write(`| ${r.name} | ${r.runs} | ${r.killed} | ${r.consistent} | ${r.runs - r.consistent} | ${(r.cleanMs / 1000).toFixed(1)} s |\n`);
}
for (const r of results) for (const f of r.failures) process.stdout.write(`${r.name} run ${f.run} (kill at ${f.delayMs} ms): ${f.problems.join('; ')}\n`);
process.exitCode = results.every((r) => r.consistent === r.runs) ? 0 : 1;
