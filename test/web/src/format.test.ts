/**
 * The web app's counts and person labels (issue 26 item 8): "1 message", and a number beside a
 * name that two numbers share.
 */
import { describe, expect, it } from 'vitest';
import { countNoun, personLabel, sharedNames } from '../../../web/src/format.js';

describe('countNoun', () => {
  it('takes the singular for one only', () => {
    expect(countNoun(1, 'message')).toBe('1 message');
    expect(countNoun(2, 'media file')).toBe('2 media files');
    expect(countNoun(0, 'conversation')).toBe('0 conversations');
  });
});

describe('personLabel', () => {
  it('adds the number only to a name two numbers share', () => {
    const people = [
      { name: 'Sam Lee', address: '+12025550101' },
      { name: 'Sam Lee', address: '+12025550102' },
      { name: 'Alex Kim', address: '+12025550103' },
      { name: 'Alex Kim', address: '+12025550103' },
      { name: null, address: '+12025550104' },
    ];
    const shared = sharedNames(people);
    expect([...shared]).toEqual(['Sam Lee']);
    expect(people.map((p) => personLabel(p, shared))).toEqual(['Sam Lee (+12025550101)', 'Sam Lee (+12025550102)', 'Alex Kim', 'Alex Kim', '+12025550104']);
  });
});
