/**
 * Line and column of positions in the text of successive chunks. Positions are asked for in
 * increasing order almost always, so each newline is found once, with indexOf; columns then cost a
 * subtraction. Columns count UTF-16 code units, as editors do.
 */
export class LineTracker {
  /** Results of the last `at` call. */
  line = 1;
  column = 1;

  private text = '';
  /** Newlines before `pos` are counted. */
  private pos = 0;
  private curLine = 1;
  /** Index where the line holding `pos` starts; negative when it started in an earlier chunk. */
  private lineStart = 0;
  /** First newline at or after `pos`, or -1. */
  private nextNewline = -1;
  private textLine = 1;
  private textLineStart = 0;

  /** Moves on to `text`, whose index 0 is the position passed to the last `at` call. */
  setText(text: string): void {
    this.lineStart -= this.pos;
    this.pos = 0;
    this.text = text;
    this.nextNewline = text.indexOf('\n');
    this.textLine = this.curLine;
    this.textLineStart = this.lineStart;
  }

  /** See XmlScanner.skipLines: the current position moves `lines` lines on, to `column`. */
  skipLines(lines: number, column: number): void {
    this.curLine += lines;
    this.lineStart = this.pos - (column - 1);
    this.textLine = this.curLine;
    this.textLineStart = this.lineStart;
    this.line = this.curLine;
    this.column = column;
  }

  /** Sets `line` and `column` to those of index `p` of the current text. */
  at(p: number): void {
    if (p < this.pos) {
      this.pos = 0;
      this.curLine = this.textLine;
      this.lineStart = this.textLineStart;
      this.nextNewline = this.text.indexOf('\n');
    }
    let nl = this.nextNewline;
    while (nl !== -1 && nl < p) {
      this.curLine++;
      this.lineStart = nl + 1;
      nl = this.text.indexOf('\n', nl + 1);
    }
    this.nextNewline = nl;
    this.pos = p;
    this.line = this.curLine;
    this.column = p - this.lineStart + 1;
  }
}
