/**
 * A few runs of the crash campaign (`npm run crash`, crash/run.ts), so that it keeps working and
 * catches a gross regression in every `npm test`: an import and a gc killed with SIGKILL at random
 * moments, then verify, a re-run, the vault compared with an uninterrupted one, leftovers looked for.
 */
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../crash/campaign.js';
import { tempDir } from '../helpers/temp.js';

describe('crash campaign smoke', () => {
  it('three killed imports and three killed gcs each leave a consistent vault', async () => {
    const log: string[] = [];
    const results = await runCampaign({ work: tempDir(), runs: 3, seed: 7, scale: 0.1, only: ['import-sbr', 'gc'], log: (l) => log.push(l) });
    expect(results.map((r) => r.name)).toEqual(['import-sbr', 'gc']);
    for (const r of results) {
      expect(r.failures, log.join('\n')).toEqual([]);
      expect(r.consistent).toBe(3);
    }
  }, 90_000);
});
