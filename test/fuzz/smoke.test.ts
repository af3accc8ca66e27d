/**
 * A short run of the fuzz harness (`npm run fuzz`, docs/reliability.md "Fuzzing"): mutated
 * fixtures of three formats, each imported in a child process with the real importer. Every one
 * must end in success or a clean one-line error, the vault unchanged and verified.
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/run.js';

describe('npm run fuzz (smoke)', () => {
  it('imports 54 mutated backups of three formats: no crash, hang, stack trace or partial import', async () => {
    const report = await runFuzz({ inputs: 18, formats: ['sbr', 'qksms', 'androidbackup'], seed: 7, timeoutMs: 20_000, heapMB: 256, maxRssMB: 1024, batch: 18, light: true });
    expect(report.failures).toEqual([]);
    expect(report.stats.map((s) => s.format)).toEqual(['sbr', 'qksms', 'androidbackup']);
    for (const s of report.stats) {
      expect(s.inputs).toBe(18);
      expect(s.ok + s.clean).toBe(18);
      // Not only one outcome: the mutations reach past detection into the readers.
      expect(s.clean).toBeGreaterThan(0);
    }
  }, 90_000);
});
