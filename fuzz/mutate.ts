/**
 * Mutations of a seed, each named so a failure says what was done. Text mutations apply to the
 * plain content (inside its gzip, ZIP entry or tar entry, re-wrapped after); container mutations
 * break the wrapper itself.
 */
import { deflateSync, gzipSync, inflateSync } from 'node:zlib';
import { encode, entriesOfTar, tarHeader, tarOfEntries, zipOf, type Entry } from './containers.js';
import type { Random } from './random.js';
import type { Seed } from './seeds.js';

export interface Mutant {
  mutation: string;
  bytes: Buffer;
}

type TextMutation = (data: Buffer, r: Random) => Buffer;

const MiB = 1024 * 1024;

function insertAt(data: Buffer, at: number, piece: Buffer | string): Buffer {
  return Buffer.concat([data.subarray(0, at), typeof piece === 'string' ? Buffer.from(piece) : piece, data.subarray(at)]);
}

/** Offsets where a record or value starts: `<` of a tag, a line start, `{` or `[`. */
function boundaries(data: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b === 0x3c || b === 0x7b || b === 0x5b || (b === 0x0a && i + 1 < data.length)) out.push(b === 0x0a ? i + 1 : i);
  }
  return out.length > 0 ? out : [0];
}

/** Where a new attribute or JSON member can go: just after a tag name or an opening brace. */
function insertionPoint(data: Buffer, r: Random): { at: number; json: boolean } {
  const points: { at: number; json: boolean }[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x7b) points.push({ at: i + 1, json: true });
    else if (data[i] === 0x3c && /[a-z]/i.test(String.fromCharCode(data[i + 1] ?? 0))) {
      let j = i + 1;
      while (j < data.length && /[\w:.-]/.test(String.fromCharCode(data[j] ?? 0))) j++;
      points.push({ at: j, json: false });
    }
  }
  return points.length > 0 ? r.pick(points) : { at: 0, json: false };
}

/** The record boundaries are also the positions a truncation picks, one at a time in turn. */
let truncateTurn = 0;

const TEXT: Record<string, TextMutation> = {
  'byte-flip': (data, r) => {
    const out = Buffer.from(data);
    const n = 1 + r.int(8);
    for (let i = 0; i < n && out.length > 0; i++) out[r.int(out.length)] = r.int(256);
    return out;
  },
  'truncate-boundary': (data) => {
    const b = boundaries(data);
    const at = b[truncateTurn++ % b.length] ?? 0;
    return data.subarray(0, at);
  },
  'truncate-random': (data, r) => data.subarray(0, r.int(data.length + 1)),
  'entity-doctype': (data, r) => {
    const decl = r.pick([
      '<!DOCTYPE smses [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
      '<!DOCTYPE smses SYSTEM "file:///etc/passwd">',
      '<!DOCTYPE smses [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>',
    ]);
    const s = data.toString('latin1');
    const afterDecl = s.startsWith('<?xml') ? s.indexOf('?>') + 2 : 0;
    let out = insertAt(data, afterDecl, decl);
    const ref = r.pick(['&d;', '&x;', '&undefined;', '&#0;', '&#xFFFFFFFF;', '&#55357;', '&#xDC00;&#xD800;']);
    // In an attribute value or a JSON string, wherever a quote is.
    const quotes: number[] = [];
    for (let i = afterDecl + decl.length; i < out.length; i++) if (out[i] === 0x22) quotes.push(i + 1);
    if (quotes.length > 0) out = insertAt(out, r.pick(quotes), ref);
    return out;
  },
  'giant-attribute': (data, r) => {
    const { at, json } = insertionPoint(data, r);
    const size = r.pick([64 * 1024, 9 * MiB, 17 * MiB]);
    const value = 'A'.repeat(size);
    return insertAt(data, at, json ? `"giant":"${value}",` : ` giant="${value}"`);
  },
  'many-attributes': (data, r) => {
    const { at, json } = insertionPoint(data, r);
    const n = r.pick([1_000, 20_000]);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(json ? `"k${i}":${i},` : ` a${i}="${i}"`);
    return insertAt(data, at, parts.join(''));
  },
  'deep-nesting': (data, r) => {
    const { at, json } = insertionPoint(data, r);
    const depth = r.pick([1_000, 100_000]);
    if (json) return insertAt(data, at, `"deep":${'['.repeat(depth)}${']'.repeat(depth)},`);
    // After the tag name: close the start tag first so the elements are children.
    const s = data.toString('latin1');
    const close = s.indexOf('>', at);
    const where = close < 0 ? data.length : close + 1;
    return insertAt(data, where, '<a>'.repeat(depth) + '</a>'.repeat(depth));
  },
  'invalid-utf8': (data, r) => {
    const bad = r.pick([
      Buffer.from([0xc0, 0x80]),
      Buffer.from([0xff, 0xfe]),
      Buffer.from([0xed, 0xa0, 0x80]), // a UTF-8 encoded surrogate
      Buffer.from([0xf4, 0x90, 0x80, 0x80]), // past U+10FFFF
      Buffer.from([0xe2, 0x82]), // cut short
      Buffer.from('\\ud800'),
      Buffer.from('\\udfff\\ud800'),
      Buffer.from([0x00]),
    ]);
    return insertAt(data, r.int(data.length + 1), bad);
  },
  'huge-number': (data, r) => {
    const s = data.toString('latin1');
    const nums: [number, number][] = [];
    const re = /\d+/g;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) nums.push([m.index, m[0].length]);
    if (nums.length === 0) return data;
    const [at, len] = r.pick(nums);
    const n = r.pick(['99999999999999999999999', '-1', '-9223372036854775809', '1e308', 'NaN', '0x7fffffff', '4294967296', '']);
    return Buffer.concat([data.subarray(0, at), Buffer.from(n), data.subarray(at + len)]);
  },
  'json-wrong-type': (data, r) => {
    const text = data.toString('utf8');
    const lines = text.split('\n');
    const wrong = (): unknown => r.pick<unknown>([null, 1, -1, 1e300, true, 'x', '', [], {}, [1, 'a'], { a: null }, 'A'.repeat(100_000)]);
    const mutateValue = (v: unknown, depth: number): unknown => {
      if (depth > 0 && r.int(4) === 0) return wrong();
      if (Array.isArray(v)) {
        const items: unknown[] = v;
        const k = r.int(items.length);
        return items.length === 0 ? wrong() : items.map((x, i) => (i === k ? mutateValue(x, depth + 1) : x));
      }
      if (v !== null && typeof v === 'object') {
        const entries = Object.entries(v);
        if (entries.length === 0) return wrong();
        const k = r.int(entries.length);
        return Object.fromEntries(entries.map(([key, x], i) => [key, i === k ? mutateValue(x, depth + 1) : x]));
      }
      return wrong();
    };
    try {
      return Buffer.from(JSON.stringify(mutateValue(JSON.parse(text) as unknown, 0)));
    } catch {
      // NDJSON: one line's value.
      const i = r.int(lines.length);
      try {
        lines[i] = JSON.stringify(mutateValue(JSON.parse(lines[i] ?? '') as unknown, 0));
      } catch {
        lines[i] = '{"_id": [}';
      }
      return Buffer.from(lines.join('\n'));
    }
  },
  'duplicate-records': (data, r) => {
    const b = boundaries(data);
    const from = r.pick(b);
    const piece = data.subarray(from, Math.min(data.length, from + 1 + r.int(400)));
    const times = r.pick([2, 1000]);
    return insertAt(data, r.pick(b), Buffer.concat(Array.from({ length: times }, () => piece)));
  },
};

/** Replaces the data of one entry of a seed; a zlib-compressed tar entry keeps its compression. */
function mutateEntries(entries: Entry[], r: Random, m: TextMutation): Entry[] {
  const i = r.int(entries.length);
  return entries.map((e, j) => {
    if (j !== i) return e;
    try {
      const inflated = inflateSync(e.data);
      if (r.int(3) > 0) return { name: e.name, data: deflateSync(m(inflated, r)) };
    } catch {
      // Not zlib data: mutated as it is.
    }
    return { name: e.name, data: m(e.data, r) };
  });
}

/** The plain data of a seed, mutated and wrapped again as it came. */
function textMutant(seed: Seed, r: Random, m: TextMutation): Buffer {
  if (seed.container === 'ab') {
    const first = seed.entries[0];
    const tar = first === undefined ? Buffer.alloc(0) : first.data;
    const inner = r.int(4) === 0 ? m(tar, r) : tarOfEntries(mutateEntries(entriesOfTar(tar), r, m));
    return encode({ container: 'ab', entries: [{ name: 'backup.tar', data: inner }] });
  }
  return encode({ container: seed.container, entries: mutateEntries(seed.entries, r, m) });
}

let bombPlainCache: Buffer | undefined;
let bombCache: Buffer | undefined;

/** 256 MiB of spaces inside an XML attribute: compresses ~1000:1. Made once per run. */
function bombPlain(): Buffer {
  bombPlainCache ??= Buffer.concat([Buffer.from('<?xml version="1.0"?><smses count="1"><sms body="'), Buffer.alloc(256 * MiB, 0x20), Buffer.from('"/></smses>')]);
  return bombPlainCache;
}

/**
 * A seed's ZIP and zlib bombs, made once: they depend on the seed alone, and compressing 64-256
 * MiB each time one is drawn cost the parent seconds per input.
 */
const zipBombs = new WeakMap<Seed, Buffer>();
const zlibBombs = new WeakMap<Seed, Buffer>();

function seedBomb(cache: WeakMap<Seed, Buffer>, seed: Seed, make: () => Buffer): Buffer {
  let bomb = cache.get(seed);
  if (bomb === undefined) {
    bomb = make();
    cache.set(seed, bomb);
  }
  return bomb;
}

function gzipBomb(): Buffer {
  bombCache ??= gzipSync(bombPlain(), { level: 9 });
  return bombCache;
}

const CONTAINER: Record<string, (seed: Seed, r: Random) => Buffer> = {
  'container-byte-flip': (seed, r) => TEXT['byte-flip']?.(encode(seed), r) ?? encode(seed),
  'container-truncate': (seed, r) => {
    const b = encode(seed);
    return b.subarray(0, r.int(b.length));
  },
  'zip-dot-dot': (seed, r) => {
    const evil = r.pick(['../../escape.xml', '/etc/textvault-fuzz.xml', 'a/../../b.xml', 'C:\\x\\..\\..\\y.xml', '..\\..\\z.xml']);
    const entries = seed.container === 'zip' ? seed.entries.map((e, i) => (i === 0 ? { name: evil, data: e.data } : e)) : [{ name: evil, data: seed.entries[0]?.data ?? Buffer.alloc(0) }];
    return zipOf(entries);
  },
  'tar-dot-dot': (seed, r) => {
    const evil = r.pick(['../../escape', '/etc/textvault-fuzz', 'apps/../../../x']);
    const entries = seed.container === 'ab' ? entriesOfTar(seed.entries[0]?.data ?? Buffer.alloc(0)) : [];
    return encode({ container: 'ab', entries: [{ name: 'backup.tar', data: tarOfEntries([{ name: evil, data: Buffer.from('x') }, ...entries.map((e) => (r.int(2) === 0 ? { name: evil + '/' + e.name, data: e.data } : e))]) }] });
  },
  'tar-huge-size': (seed) => {
    const entries = seed.container === 'ab' ? entriesOfTar(seed.entries[0]?.data ?? Buffer.alloc(0)) : [];
    const head = tarHeader(entries[0]?.name ?? 'apps/x/_manifest', 0o77777777777);
    return encode({ container: 'ab', entries: [{ name: 'backup.tar', data: Buffer.concat([head, Buffer.alloc(4096)]) }] });
  },
  'zip-lying-size': (seed) => zipOf(seed.container === 'zip' ? seed.entries : [{ name: seed.fileName, data: seed.entries[0]?.data ?? Buffer.alloc(0) }], { claimedSize: 0xffffffff }),
  'zip-bomb': (seed) =>
    seedBomb(zipBombs, seed, () => {
      const bomb = bombPlain();
      const entries = seed.container === 'zip' ? [...seed.entries, { name: 'bomb.xml', data: bomb }] : [{ name: 'sms-bomb.xml', data: bomb }];
      return zipOf(entries);
    }),
  'gzip-bomb': () => gzipBomb(),
  'zlib-bomb': (seed) => seedBomb(zlibBombs, seed, () => {
    const entries = seed.container === 'ab' ? entriesOfTar(seed.entries[0]?.data ?? Buffer.alloc(0)) : [];
    const target = entries.findIndex((e) => e.name.endsWith('_backup'));
    const bomb = Buffer.concat([Buffer.from('[{"address":"+15550001111","body":"'), Buffer.alloc(64 * MiB, 0x20), Buffer.from('"}]')]);
    const list = entries.map((e, i) => (i === target ? { name: e.name, data: deflateSync(bomb) } : e));
    return encode({ container: 'ab', entries: [{ name: 'backup.tar', data: tarOfEntries(list) }] });
  }),
};

/** Which container mutations make sense for a seed. */
function containerMutations(seed: Seed): string[] {
  const out = ['container-byte-flip', 'container-truncate'];
  const isZip = seed.container === 'zip';
  if (isZip) out.push('zip-dot-dot', 'zip-lying-size', 'zip-bomb');
  if (seed.container === 'gzip') out.push('gzip-bomb');
  if (seed.container === 'ab') out.push('tar-dot-dot', 'tar-huge-size', 'zlib-bomb');
  return out;
}

/** Mutations that take the reader seconds (hundreds of MB to inflate, a 17 MB attribute). */
export const HEAVY: ReadonlySet<string> = new Set(['zip-bomb', 'gzip-bomb', 'zlib-bomb', 'giant-attribute']);

/** One mutant of one of the seeds. Heavy mutations are drawn less often, or never when `light`. */
export function mutate(seed: Seed, r: Random, opts: { light?: boolean } = {}): Mutant {
  const containers = containerMutations(seed);
  for (;;) {
    const useContainer = seed.container !== 'plain' ? r.int(3) === 0 : r.int(8) === 0;
    const name = useContainer ? r.pick(containers) : r.pick(Object.keys(TEXT));
    if (HEAVY.has(name) && (opts.light === true || r.int(10) !== 0)) continue;
    if (useContainer) {
      const m = CONTAINER[name];
      if (m !== undefined) return { mutation: name, bytes: m(seed, r) };
    } else {
      const m = TEXT[name];
      if (m !== undefined) return { mutation: name, bytes: textMutant(seed, r, m) };
    }
  }
}
