import type { NameInfo } from './names.js';

/**
 * The attribute names a start tag had, in order. Backups repeat a few shapes millions of times
 * (every `<sms>` of one phone has the same attributes), which the scanner exploits twice: it
 * checks each name against the shape before reading it in full, and once a shape repeats it reads
 * such a tag whole with one regular expression, which V8 runs as native code.
 */
export interface Shape {
  readonly names: readonly NameInfo[];
  /** The same names as strings. */
  readonly strings: readonly string[];
  /**
   * Matches, right after the element name, ` name="value"` for each name (values without `"` or
   * `<`; group k+1 holds value k), optional whitespace and `>` or `/>` (last group: `/` or "").
   */
  regex: RegExp | null;
  /**
   * The same with each value in double or single quotes (group 2k+1 or 2k+2 holds value k, the
   * last group `/` or ""): a backup writes a value holding `"` in single quotes. Compiled the
   * first time `regex` fails a tag (undefined until then).
   */
  anyQuote?: RegExp | null;
  repeats: number;
}

/** Shapes kept per element name: enough for the variants one backup mixes. */
const MAX_SHAPES_PER_ELEMENT = 8;
const MAX_ELEMENTS = 1000;
/** A regex is compiled for a shape once a tag has had the shape of the tag before it this often. */
const REPEATS_FOR_REGEX = 2;
/** Samsung MMS have about 60 attributes; far more is no backup app's shape. */
const MAX_REGEX_NAMES = 200;

export class ShapeTable {
  /** The shape of the last start tag of each element name. */
  private readonly current = new Map<string, Shape>();
  private readonly known = new Map<string, Shape[]>();

  /** @param streamed attributes of this name are never read by a regex (their values stream). */
  constructor(private readonly streamed: string) {}

  get(element: string): Shape | undefined {
    return this.current.get(element);
  }

  /**
   * Records that the last start tag of `element` had `names[0, count)`; `last` is what `get`
   * returned for it.
   */
  update(element: string, last: Shape | undefined, names: readonly NameInfo[], count: number): void {
    if (last !== undefined && sameNames(last.names, names, count)) {
      // `last` may be another known shape the tag was read with (candidates()): current now.
      if (this.current.get(element) !== last) this.current.set(element, last);
      if (++last.repeats === REPEATS_FOR_REGEX) last.regex = this.compile(last.names);
      return;
    }
    let shapes = this.known.get(element);
    if (shapes === undefined) {
      if (this.known.size >= MAX_ELEMENTS) return;
      shapes = [];
      this.known.set(element, shapes);
    }
    let shape = shapes.find((known) => sameNames(known.names, names, count));
    if (shape === undefined) {
      const kept = names.slice(0, count);
      shape = { names: kept, strings: kept.map((n) => n.name), regex: null, repeats: 0 };
      if (shapes.length >= MAX_SHAPES_PER_ELEMENT) shapes.shift();
      shapes.push(shape);
    }
    this.current.set(element, shape);
  }

  /**
   * What may read a tag of `element` whole when the regex of `current` did not: `current` with
   * either quote, then the other shapes with a regex this element had, most recent first, each
   * with double quotes, then either. A backup mixes a few shapes (app versions, sent and
   * received), and every tag after a change of shape was read attribute by attribute.
   */
  *candidates(element: string, current: Shape | undefined): Generator<[Shape, RegExp, boolean]> {
    if (current?.regex != null) {
      const anyQuote = this.anyQuote(current);
      if (anyQuote !== null) yield [current, anyQuote, true];
    }
    const shapes = this.known.get(element) ?? [];
    for (let k = shapes.length - 1; k >= 0; k--) {
      const shape = shapes[k];
      if (shape === undefined || shape === current || shape.regex === null) continue;
      yield [shape, shape.regex, false];
      const anyQuote = this.anyQuote(shape);
      if (anyQuote !== null) yield [shape, anyQuote, true];
    }
  }

  private anyQuote(shape: Shape): RegExp | null {
    if (shape.anyQuote === undefined) shape.anyQuote = this.compile(shape.names, true);
    return shape.anyQuote;
  }

  private compile(names: readonly NameInfo[], anyQuote = false): RegExp | null {
    if (names.length === 0 || names.length > MAX_REGEX_NAMES || names.some((n) => n.name === this.streamed)) return null;
    const value = anyQuote ? `(?:"([^"<]*)"|'([^'<]*)')` : '"([^"<]*)"';
    const attrs = names.map((n) => ` ${escapeRegex(n.name)}=${value}`).join('');
    return new RegExp(`${attrs}[ \\t\\r\\n]*(/?)>`, 'y');
  }
}

function sameNames(shape: readonly NameInfo[], names: readonly NameInfo[], count: number): boolean {
  if (shape.length !== count) return false;
  if (shape === names) return true;
  for (let k = 0; k < count; k++) if (shape[k] !== names[k]) return false;
  return true;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
