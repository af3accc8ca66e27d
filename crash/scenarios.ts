/**
 * The crash campaign's scenarios. Each is prepared once (its inputs, a reference made by an
 * uninterrupted run, how long that run took); then every run starts from the same state, kills
 * the process with SIGKILL at a random moment of that duration, and checks:
 * `textvault verify` passes; the same command run again completes; the vault then holds exactly
 * what the reference holds (same dump: same messages, no duplicate); no garbage is left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeSmsBackup } from '../bench/generator.js';
import { dumpDigest, garbage } from './checks.js';
import { onlyFile, writeMbox, writeSbr } from './inputs.js';
import { killCliAfter, runCli, tail, type Finished } from './process.js';
import { prepareIngest } from './ingest.js';

export interface RunOutcome {
  /** False when the process ended before the kill (the run still counts, its checks still apply). */
  killed: boolean;
  problems: string[];
}

export interface Plan {
  /** How long an uninterrupted run took: kills fall at a random moment of it. */
  cleanMs: number;
  run(runDir: string, delayMs: number): Promise<RunOutcome>;
}

export interface Scenario {
  name: string;
  /** Why it cannot run here (a missing program), or undefined. */
  unavailable?: () => string | undefined;
  prepare(work: string, inputs: Inputs): Promise<Plan>;
}

export interface Inputs {
  sbr: string;
  sbr2: string;
  smsie: string;
  mbox: string;
  /** A vault holding `sbr`, imported without interruption. */
  sbrVault: string;
  /** A small vault of a few conversations: a PDF export of `sbrVault` takes minutes (one Chromium page per conversation). */
  pdfVault: string;
}

async function must(args: string[]): Promise<Finished> {
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`textvault ${args.join(' ')} failed (${String(r.code)}): ${tail(r)}`);
  return r;
}

/** Makes the shared inputs once: about a second to generate at scale 1. */
export async function makeInputs(work: string, scale: number): Promise<Inputs> {
  fs.mkdirSync(work, { recursive: true });
  const sbr = path.join(work, 'sms-crash.xml');
  const sbr2 = path.join(work, 'sms-crash-2.xml');
  await writeSbr(sbr, scale, 1);
  await writeSbr(sbr2, scale / 2, 2);
  const mbox = path.join(work, 'sms-crash.mbox');
  await writeMbox(mbox, scale);
  const sbrVault = path.join(work, 'sbr-vault');
  await must(['--vault', sbrVault, 'import', sbr]);
  const smsieDir = path.join(work, 'smsie');
  await must(['--vault', sbrVault, 'export', '--format', 'sms-ie', '--types', 'sms,mms', '--out', smsieDir]);
  const pdfVault = path.join(work, 'pdf-vault');
  const small = path.join(work, 'sms-pdf.xml');
  await writeSmsBackup(small, { seed: 3, sms: Math.round(600 * scale), mms: 4, mediaBytes: 20_000, contacts: 3 });
  await must(['--vault', pdfVault, 'import', small]);
  return { sbr, sbr2, smsie: onlyFile(smsieDir, '.zip'), mbox, sbrVault, pdfVault };
}

interface CliSpec {
  /** The vault a run starts from (copied), or undefined for a new one. */
  template?: string;
  /** The command killed, then run again. */
  args: (vault: string, runDir: string) => string[];
  /** Further checks once the re-run completed. */
  check?: (vault: string, runDir: string) => Promise<string[]> | string[];
  /** The export folder whose partial files count as garbage. */
  outDir?: (runDir: string) => string;
}

/** A scenario whose process is one CLI command: prepared by running it once, untouched. */
async function cliPlan(work: string, spec: CliSpec): Promise<Plan> {
  const setup = (runDir: string): string => {
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.mkdirSync(runDir, { recursive: true });
    const vault = path.join(runDir, 'vault');
    if (spec.template !== undefined) fs.cpSync(spec.template, vault, { recursive: true });
    return vault;
  };
  const cleanDir = path.join(work, 'clean');
  const cleanVault = setup(cleanDir);
  const clean = await must(spec.args(cleanVault, cleanDir));
  const reference = await dumpDigest(cleanVault);
  const cleanProblems = [...garbage(cleanVault, spec.outDir?.(cleanDir)), ...((await spec.check?.(cleanVault, cleanDir)) ?? [])];
  if (cleanProblems.length > 0) throw new Error(`an uninterrupted run is already wrong: ${cleanProblems.join('; ')}`);
  return {
    cleanMs: clean.ms,
    async run(runDir, delayMs) {
      const vault = setup(runDir);
      const args = spec.args(vault, runDir);
      const { killed, result } = await killCliAfter(args, delayMs);
      const problems: string[] = [];
      if (!killed && result.code !== 0) problems.push(`the run failed by itself (${String(result.code)}): ${tail(result)}`);
      // A kill before the vault was even made leaves nothing to verify.
      if (fs.existsSync(path.join(vault, 'textvault.db'))) {
        const v = await runCli(['--vault', vault, 'verify']);
        if (v.code !== 0) problems.push(`verify after the kill failed: ${tail(v)}`);
      }
      const again = await runCli(args);
      if (again.code !== 0) {
        problems.push(`the re-run failed (${String(again.code)}): ${tail(again)}`);
        return { killed, problems };
      }
      const d = await dumpDigest(vault);
      if (d.digest !== reference.digest) {
        problems.push(`the vault differs from the reference: ${d.messages} messages, ${d.calls} calls (reference ${reference.messages}, ${reference.calls})`);
      }
      problems.push(...garbage(vault, spec.outDir?.(runDir)), ...((await spec.check?.(vault, runDir)) ?? []));
      return { killed, problems };
    },
  };
}

/**
 * An SBR export folder: every file whole (a killed export may leave the files it completed under
 * their final names, never a part of one), and the newest export's files, by name without their
 * time, with their records of each kind.
 */
function sbrSummary(dir: string): string {
  const names = fs.readdirSync(dir).filter((n) => n.endsWith('.xml')).sort();
  const stamp = (n: string): string => /-(\d{14})-/.exec(n)?.[1] ?? '';
  const newest = names.map(stamp).sort().at(-1) ?? '';
  const broken = names.filter((n) => !fs.readFileSync(path.join(dir, n), 'utf8').trimEnd().endsWith('</smses>'));
  const latest = names
    .filter((n) => stamp(n) === newest)
    .map((n) => {
      const text = fs.readFileSync(path.join(dir, n), 'utf8');
      const count = (tag: string): number => text.split(`<${tag} `).length - 1;
      return `${n.replace(newest, 'T')}:${count('sms')}/${count('mms')}/${count('call')}`;
    })
    .join(',');
  return broken.length > 0 ? `not whole: ${broken.join(', ')}` : latest;
}

/** PDF files by name, each whole (starts with %PDF, ends with %%EOF). */
function pdfSummary(dir: string): string {
  const names = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.pdf')).sort();
  return names
    .map((n) => {
      const b = fs.readFileSync(path.join(dir, n));
      const whole = b.subarray(0, 4).toString() === '%PDF' && b.subarray(-8).toString().includes('%%EOF');
      return `${n}:${whole ? 'whole' : 'broken'}`;
    })
    .join(',');
}

function exportScenario(
  name: string,
  format: 'sbr' | 'pdf',
  summary: (dir: string) => string,
  template: (inputs: Inputs) => string,
  unavailable?: () => string | undefined,
): Scenario {
  return {
    name,
    ...(unavailable ? { unavailable } : {}),
    async prepare(work, inputs) {
      let expected = '';
      const outDir = (runDir: string): string => path.join(runDir, 'out');
      const spec: CliSpec = {
        template: template(inputs),
        args: (vault, runDir) => ['--vault', vault, 'export', '--format', format, '--out', outDir(runDir)],
        outDir,
        check: (_vault, runDir) => {
          const got = summary(outDir(runDir));
          if (expected === '') expected = got;
          return got === expected ? [] : [`the export differs: ${got.slice(0, 200)} (expected ${expected.slice(0, 200)})`];
        },
      };
      return cliPlan(work, spec);
    },
  };
}

const chromium = (): string | undefined => {
  const exe = process.env.TEXTVAULT_CHROMIUM ?? '/usr/bin/chromium';
  return fs.existsSync(exe) ? undefined : `no Chromium at ${exe} (apt install chromium)`;
};

export const SCENARIOS: Scenario[] = [
  { name: 'import-sbr', prepare: (work, i) => cliPlan(work, { args: (v) => ['--vault', v, 'import', i.sbr] }) },
  { name: 'import-smsie', prepare: (work, i) => cliPlan(work, { args: (v) => ['--vault', v, 'import', i.smsie] }) },
  { name: 'import-mbox', prepare: (work, i) => cliPlan(work, { args: (v) => ['--vault', v, 'import', i.mbox] }) },
  exportScenario('export-sbr', 'sbr', sbrSummary, (i) => i.sbrVault),
  { name: 'ingest', prepare: (work, i) => prepareIngest(work, i.sbr) },
  {
    name: 'gc',
    async prepare(work, i) {
      // Two imports: two small packs, which gc compacts into one (the longest thing gc does).
      const template = path.join(work, 'template');
      fs.cpSync(i.sbrVault, template, { recursive: true });
      await must(['--vault', template, 'import', i.sbr2]);
      return cliPlan(work, { template, args: (v) => ['--vault', v, 'gc'] });
    },
  },
  { name: 'verify', prepare: (work, i) => cliPlan(work, { template: i.sbrVault, args: (v) => ['--vault', v, 'verify', '--repair'] }) },
  // Last: one Chromium page per conversation makes it the slowest.
  exportScenario('export-pdf', 'pdf', pdfSummary, (i) => i.pdfVault, chromium),
];
