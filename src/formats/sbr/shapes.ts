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

  private compile(names: readonly NameInfo[]): RegExp | null {
    if (names.length === 0 || names.length > MAX_REGEX_NAMES || names.some((n) => n.name === this.streamed)) return null;
    const attrs = names.map((n) => ` ${escapeRegex(n.name)}="([^"<]*)"`).join('');
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
