/**
 * The statistics axis keeps empty months, and a run of LONG_GAP_MONTHS or more of them between
 * messages is a long gap (issue 26 item 7).
 */
import { describe, expect, it } from 'vitest';
import { everyMonth, gapText, LONG_GAP_MONTHS, longGaps } from '../../../src/vault/queries/month-gaps.js';

const row = (month: string, messages: number): { month: string; messages: number } => ({ month, messages });

describe('month gaps', () => {
  it('fills every month between the first and the last, across years', () => {
    const filled = everyMonth([row('2017-11', 4), row('2018-02', 1)], (month) => row(month, 0));
    expect(filled).toEqual([row('2017-11', 4), row('2017-12', 0), row('2018-01', 0), row('2018-02', 1)]);
    expect(everyMonth([], (month) => row(month, 0))).toEqual([]);
  });

  it(`flags ${LONG_GAP_MONTHS} or more empty months between messages, not fewer, and not before the first or after the last`, () => {
    expect(LONG_GAP_MONTHS).toBe(3);
    const months = everyMonth([row('2017-10', 0), row('2017-12', 5), row('2019-01', 2), row('2019-03', 1), row('2019-07', 3), row('2019-09', 0)], (month) => row(month, 0));
    expect(longGaps(months)).toEqual([
      { from: '2018-01', to: '2018-12', months: 12 },
      { from: '2019-04', to: '2019-06', months: 3 },
    ]);
    expect(gapText({ from: '2018-01', to: '2018-12', months: 12 })).toBe('no messages from 2018-01 to 2018-12 (12 months) — a missing backup?');
    expect(longGaps([row('2019-01', 1), row('2019-02', 0), row('2019-03', 0), row('2019-04', 1)])).toEqual([]);
  });
});
