import { describe, expect, test } from 'vitest';
import { snippetRuns } from '../../../web/src/snippet.js';

describe('search snippet markers', () => {
  test('splits plain and matched runs', () => {
    expect(snippetRuns('walk to the \u0002lighthouse\u0003 on \u0002Saturday\u0003')).toEqual([
      { text: 'walk to the ', match: false },
      { text: 'lighthouse', match: true },
      { text: ' on ', match: false },
      { text: 'Saturday', match: true },
    ]);
  });

  test('keeps markup-looking text as text (it is rendered as text nodes, never HTML)', () => {
    expect(snippetRuns('<img src=x onerror=alert(1)> \u0002<b>\u0003')).toEqual([
      { text: '<img src=x onerror=alert(1)> ', match: false },
      { text: '<b>', match: true },
    ]);
  });

  test('an unterminated marker highlights to the end; empty matches vanish', () => {
    expect(snippetRuns('a\u0002\u0003b\u0002cd')).toEqual([
      { text: 'a', match: false },
      { text: 'b', match: false },
      { text: 'cd', match: true },
    ]);
    expect(snippetRuns('')).toEqual([]);
    expect(snippetRuns('x\u0003y')).toEqual([{ text: 'xy', match: false }]);
  });
});
