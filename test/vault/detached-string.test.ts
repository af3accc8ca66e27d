import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detachedString } from '../../src/vault/detached-string.js';

const module = (name: string): string => pathToFileURL(path.resolve(import.meta.dirname, `../../src/${name}.ts`)).href;

describe('detachedString', () => {
  it('is the same text, lone surrogates included', () => {
    for (const s of ['', 'short', '+1 (555) 000-1001 ext', 'Émilie Ж 中文 \u{1F600} name', 'lone \ud800 surrogate here', 'x'.repeat(1000)]) {
      expect(detachedString(s)).toBe(s);
    }
  });

  it('keeps no reference to the string a substring came from: nor do the reader thread caches that use it', () => {
    // In a process of its own with --expose-gc: the test runner's heap is not a quiet one. Each
    // case keeps 20-30 characters of 16 MB of text (a view V8 would keep into the whole) in what
    // it tests, drops the text and reports how much the heap kept.
    const script = `
      const { detachedString } = await import(${JSON.stringify(module('vault/detached-string'))});
      const { PhoneNormalizer } = await import(${JSON.stringify(module('vault/phone'))});
      const { BatchEncoder } = await import(${JSON.stringify(module('vault/import/batch-codec'))});
      const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
      const chunk = () => \`\${'a'.repeat(1 << 24)} Emily Example-Williams +1 (555) 000-1001 \${Math.random()}\`;
      const phones = new PhoneNormalizer({ kind: 'country', country: 'US' });
      const encoder = new BatchEncoder();
      const cases = {
        detached: (text) => detachedString(text.slice(1000, 1020)),
        phones: (text) => phones.normalize(text.slice((1 << 24) + 24, (1 << 24) + 41)),
        names: (text) => {
          const name = text.slice((1 << 24) + 1, (1 << 24) + 23);
          encoder.add({ type: 'message', kind: 'sms', dateMs: 1, dateSentMs: null, direction: 'in', box: 1, address: '+15550001001', text: 'x',
            searchText: null, read: 1, attrsStored: ' body="x"', participantsKey: name, members: [name], names: [['+15550001001', name]],
            strictKey: new Uint8Array(24), contentHash: new Uint8Array(0), rank: 1, mediaSignature: '', mediaCount: 0, parts: null, addrs: null });
          encoder.take();
          return name.length;
        },
      };
      const out = {};
      for (const [name, keep] of Object.entries(cases)) {
        const before = heap();
        let text = chunk();
        const kept = keep(text);
        text = undefined;
        out[name] = { grew: heap() - before, kept };
      }
      process.stdout.write(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, { grew: number; kept: unknown }>;
    expect(out.detached?.kept).toBe('a'.repeat(20));
    expect(out.phones?.kept).toBe('+15550001001');
    expect(out.names?.kept).toBe(22);
    for (const [name, { grew }] of Object.entries(out)) expect(grew, name).toBeLessThan(4 * 1024 * 1024);
  });
});
