/**
 * The peer Textvault measures itself against (issue 27): ragibson/SMS-MMS-deduplication's
 * dedupe_texts.py (Python + lxml), not part of this repository: name its file with
 * TEXTVAULT_BENCH_PEER=/path/to/dedupe_texts.py (the bench skips it with a note otherwise). It reads an SMS
 * Backup & Restore file and writes a deduplicated one; its wall time and peak RSS are taken by a
 * Python wrapper (getrusage of its child), the same way bench/child.ts reports Textvault's own.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PYTHON = '/usr/bin/python3';

export const PEER_NEEDS = "TEXTVAULT_BENCH_PEER naming ragibson's dedupe_texts.py, and Debian's python3-lxml (apt-get install python3-lxml)";

/** The peer's script, from the environment; undefined when unset or missing. */
function peerScript(): string | undefined {
  const file = process.env.TEXTVAULT_BENCH_PEER;
  return file !== undefined && file !== '' && fs.existsSync(file) ? path.resolve(file) : undefined;
}

/** Times `python3 -c WRAPPER peer args...`: prints "<seconds> <max RSS KiB of the child>". */
const WRAPPER = [
  'import resource, subprocess, sys, time',
  't = time.perf_counter()',
  'subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)',
  'print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)',
].join('\n');

function available(): boolean {
  if (!fs.existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import lxml'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The peer's run on `file` (of `records` messages), or undefined when it is not there to run. */
export function runPeer(file: string, records: number): { seconds: number; records: number; bytes: number; maxRssMB: number } | undefined {
  const peer = peerScript();
  if (peer === undefined || !available()) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-peer-'));
  try {
    const out = execFileSync(PYTHON, ['-c', WRAPPER, PYTHON, peer, '-i', file, '-o', path.join(dir, 'out.xml'), '-l', path.join(dir, 'log.txt')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [seconds, rssKiB] = out.trim().split(/\s+/).map(Number);
    return { seconds: seconds ?? 0, records, bytes: fs.statSync(file).size, maxRssMB: (rssKiB ?? 0) / 1024 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
