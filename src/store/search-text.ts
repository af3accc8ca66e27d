/**
 * Prepares text for a word-based full-text index so that every script can be found.
 *
 * FTS5's unicode61 tokenizer splits on spaces and punctuation, which works for Latin, Cyrillic,
 * Greek, Arabic... but Chinese and Japanese are written without spaces, so a whole sentence would
 * become one token and a two-character word could never match. Surrounding each CJK character
 * with spaces makes every character a token; a query is prepared the same way and run as a phrase,
 * so "你好" finds "...说你好吗..." by adjacent characters.
 */
const CJK = /[\u2E80-\u2FDF\u3040-\u30FF\u3100-\u312F\u3190-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uA960-\uA97F\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F]|[\uD840-\uD87F][\uDC00-\uDFFF]/g;
const HAS_WIDE = /[\u2E80-\uFFFF]/;

export function searchableText(text: string): string {
  // Fast path: most messages have no character where CJK could start.
  if (!HAS_WIDE.test(text)) return text;
  return text.replace(CJK, ' $& ');
}
