import { describe, expect, it } from 'vitest';
import { ftsQuery } from '../../src/store/search-index.js';
import { searchableText } from '../../src/store/search-text.js';

describe('searchableText', () => {
  it('leaves Latin, Cyrillic and Arabic text alone', () => {
    expect(searchableText('Crème brûlée, привет, مرحبا')).toBe('Crème brûlée, привет, مرحبا');
  });

  it('makes every CJK character its own token', () => {
    expect(searchableText('我们说你好吗').replace(/\s+/g, ' ').trim()).toBe('我 们 说 你 好 吗');
  });
});

describe('ftsQuery', () => {
  it('quotes each word so user input cannot inject FTS operators', () => {
    expect(ftsQuery('cats OR "dogs')).toBe('"cats" AND "OR" AND """dogs"');
  });

  it('turns a CJK word into a phrase of characters', () => {
    expect(ftsQuery('你好')).toBe('"你 好"');
  });
});
