/**
 * Counts with their noun in the right number (issue 26 item 8): "1 conversation", never
 * "1 conversations" or "conversation(s)".
 */
import { describe, expect, it } from 'vitest';
import { countNoun, nounFor } from '../../src/formats/plural.js';

describe('countNoun', () => {
  it('takes the singular for one only, with thousands separators and irregular plurals', () => {
    expect(countNoun(1, 'conversation')).toBe('1 conversation');
    expect(countNoun(0, 'conversation')).toBe('0 conversations');
    expect(countNoun(2, 'record')).toBe('2 records');
    expect(countNoun(1234, 'message')).toBe('1,234 messages');
    expect(countNoun(1, 'file or folder', 'files or folders')).toBe('1 file or folder');
    expect(countNoun(4, 'file or folder', 'files or folders')).toBe('4 files or folders');
    expect(nounFor(1, 'is', 'are')).toBe('is');
    expect(nounFor(3, 'is', 'are')).toBe('are');
  });
});
