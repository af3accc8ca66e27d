import { describe, expect, it } from 'vitest';
import { intOrNull } from '../../src/formats/fields.js';

describe('intOrNull', () => {
  /** What it always meant: Number(), kept when a safe integer. */
  const oracle = (v: string | undefined): number | null => {
    if (v === undefined || v === '' || v === 'null') return null;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  };

  it('reads every value as Number() does, the digit-only fast path included', () => {
    const values = [
      undefined, '', 'null', '0', '1', '-1', '-0', '007', '1700000000123', '-86400000', '999999999999999', '9999999999999999',
      '9007199254740993', '-', '--1', '1-', ' 5', '5 ', '+5', '1e3', '0x1A', '1.0', '1.5', 'NaN', 'Infinity', '١٢', '12a', 'a12',
      '0'.repeat(20), `1${'0'.repeat(14)}`, `1${'0'.repeat(15)}`,
    ];
    for (const v of values) expect([v, intOrNull(v)]).toEqual([v, oracle(v)]);
    // Random digit strings of every length, signed and not.
    let seed = 7;
    for (let n = 0; n < 2000; n++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const digits = String(seed).repeat(3).slice(0, 1 + (n % 19));
      const v = n % 3 === 0 ? `-${digits}` : digits;
      expect([v, intOrNull(v)]).toEqual([v, oracle(v)]);
    }
    expect(Object.is(intOrNull('-0'), -0)).toBe(Object.is(oracle('-0'), -0));
  });
});
