/**
 * Which parts of message text become links (issue 26 item 8): http(s) and www. addresses only,
 * without the sentence's punctuation, and nothing that could run script.
 */
import { describe, expect, it } from 'vitest';
import { linkPieces } from '../../../web/src/linkify.js';

const links = (text: string): [string, string][] => linkPieces(text).flatMap((p) => (p.kind === 'link' ? [[p.text, p.href] as [string, string]] : []));

describe('linkPieces', () => {
  it('finds http, https and www. addresses and keeps the text around them', () => {
    expect(linkPieces('see https://example.org/a?b=1&c=2 now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1&c=2', href: 'https://example.org/a?b=1&c=2' },
      { kind: 'text', text: ' now' },
    ]);
    expect(links('menu at www.example.com/menu, ok')).toEqual([['www.example.com/menu', 'https://www.example.com/menu']]);
    expect(links('HTTP://EXAMPLE.ORG')).toEqual([['HTTP://EXAMPLE.ORG', 'http://example.org/']]);
    expect(links('two: http://a.example/x and https://b.example/y')).toHaveLength(2);
  });

  it('leaves sentence punctuation and unopened brackets out, keeps balanced ones in', () => {
    expect(links('Look: https://example.org/page.')).toEqual([['https://example.org/page', 'https://example.org/page']]);
    expect(links('(see https://example.org/a)')).toEqual([['https://example.org/a', 'https://example.org/a']]);
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar)!')).toEqual([['https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)']]);
    expect(links('"https://example.org/q"')).toEqual([['https://example.org/q', 'https://example.org/q']]);
  });

  it('links nothing that is not a web address', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'mailto:a@b.example', 'example.org', 'www.', 'http://', 'https://localhost/x', '<a href="https://x">']) {
      expect({ text, links: links(text).filter(([, href]) => !href.startsWith('https://x')) }).toEqual({ text, links: [] });
    }
    // Markup in a message stays text; the address inside it is cut at the quote.
    expect(linkPieces('<img src="https://e.example/p.png" onerror="alert(1)">').map((p) => p.text).join('')).toBe('<img src="https://e.example/p.png" onerror="alert(1)">');
    expect(links('<img src="https://e.example/p.png" onerror="alert(1)">')).toEqual([['https://e.example/p.png', 'https://e.example/p.png']]);
  });
});
