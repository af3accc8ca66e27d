/**
 * Line numbers in a scanner's text buffer, which grows at its end and is dropped from its front
 * (the Super Backup and Titanium scanners). Positions are asked for in increasing order. The next
 * newline after the last one counted is remembered, so a long line is searched once, not once per
 * position asked for on it: 100,000 tags on one line, each warned about, took 20 s before.
 */
export class BufferLines {
  /** Line (1-based) of the last position counted to, and where in the buffer that line starts. */
  line = 1;
  lineStart = 0;
  /** Up to where in the buffer newlines are counted. */
  counted = 0;
  /** The first newline at or after `counted`; -1 when there is none before `searched`. */
  private newline = -1;
  private searched = 0;

  /** Counts the newlines of `s` before `at`. */
  countTo(s: string, at: number): void {
    if (at <= this.counted) return;
    if (this.newline === -1 && this.searched < s.length) {
      this.newline = s.indexOf('\n', Math.max(this.searched, this.counted));
      this.searched = s.length;
    }
    while (this.newline !== -1 && this.newline < at) {
      this.line++;
      this.lineStart = this.newline + 1;
      this.newline = s.indexOf('\n', this.lineStart);
      this.searched = s.length;
    }
    this.counted = at;
  }

  /** The buffer `s` loses its first `p` characters (counted first). */
  drop(s: string, p: number): void {
    this.countTo(s, p);
    this.counted -= p;
    this.lineStart -= p;
    if (this.newline !== -1) this.newline -= p;
    this.searched = Math.max(0, this.searched - p);
  }
}
