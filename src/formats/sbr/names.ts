/** Character classes of the scanner. Every non-ASCII character counts as a name character. */

const NAME_START = 1;
const NAME_PART = 2;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const start = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58;
  const part = (c >= 48 && c <= 57) || c === 45 || c === 46;
  ASCII_CLASS[c] = start ? NAME_START | NAME_PART : part ? NAME_PART : 0;
}

/** `c` may be NaN (charCodeAt past the end): that is no name character. */
export function isNameStart(c: number): boolean {
  return c >= 128 || ((ASCII_CLASS[c] ?? 0) & NAME_START) !== 0;
}

export function isNameChar(c: number): boolean {
  return c >= 128 || ((ASCII_CLASS[c] ?? 0) & NAME_PART) !== 0;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * The same string, internalized: it compares with other internalized strings by pointer and
 * keeps no reference to the chunk's text it was sliced from.
 */
export function internalized(name: string): string {
  return Object.keys({ [name]: 0 })[0] ?? name;
}

/** One distinct attribute name. `stamp` is the serial of the last start tag that used it. */
export interface NameInfo {
  readonly name: string;
  /** False once the table is full: such names are checked for duplicates by comparison. */
  readonly shared: boolean;
  stamp: number;
}

/** Enough for every vendor's attribute names; a hostile file cannot grow the table further. */
const MAX_NAMES = 10_000;

/** Interns names so that duplicate checks are a stamp comparison, not a string search. */
export class NameTable {
  private readonly names = new Map<string, NameInfo>();

  intern(name: string): NameInfo {
    let info = this.names.get(name);
    if (info === undefined) {
      const shared = this.names.size < MAX_NAMES;
      info = { name: internalized(name), shared, stamp: -1 };
      if (shared) this.names.set(name, info);
    }
    return info;
  }
}
