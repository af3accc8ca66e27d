import type { Attr, ReadWarning } from '../records.js';

/** What the scanner reports, in document order. */
export interface ScanHandler {
  /**
   * `<name` was read (line and column are those of the `<`). Returns the list that receives the
   * tag's attributes as `[name, value]`, references replaced, in order; null drops them.
   */
  startTag(name: string, line: number, column: number): Attr[] | null;
  /**
   * Asked for attributes with the scanner's `streamed` name. `true`: the value does not join the
   * list but arrives as `valueChunk` calls (references replaced) and a `valueEnd`, whatever its
   * size.
   */
  streamValue(name: string): boolean;
  valueChunk(text: string): void;
  valueEnd(): void;
  /**
   * The start tag's attributes as the file has them, read in one piece: one space and double
   * quotes each (what attributeTextOfTag in attribute-text.ts takes).
   */
  attributeText?(raw: string): void;
  /**
   * The start tag ended with `>` or, when `selfClosing`, with `/>` (an `endTag` follows). `chars`
   * is about the length of its attribute text (streamed values not counted), `attributes` their
   * number: what it holds in memory.
   */
  startTagEnd(selfClosing: boolean, chars: number, attributes: number): void;
  endTag(name: string): void;
  /** A comment starting with "File Created By", trimmed. */
  creatorComment(text: string): void;
  warning(warning: ReadWarning): void;
}

export const enum State {
  Start,
  Text,
  /** At a `<`, not yet knowing what it opens. */
  Markup,
  /** Inside a start tag, between attributes. */
  InTag,
  /** Inside an attribute value that began in an earlier chunk. */
  Value,
  Stream,
  Comment,
  Pi,
  Cdata,
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface OpenElement extends Position {
  readonly name: string;
}
