/**
 * Where the records of an SMS Backup & Restore file begin: the byte after the root's start tag.
 *
 * The root's attributes (`count`, `backup_date`) change every time the app writes a file that
 * grows ("archive" mode), while the records after them stay byte for byte the same; an import
 * compares what follows this point with what an earlier import of the file read (prefix-read.ts).
 */

/**
 * What may come before the root, as XML allows it and backups have it: a BOM, white space,
 * processing instructions (the XML declaration, a stylesheet) and comments; then the root's start
 * tag with quoted attributes holding no `<` or `>` (a value with `>` is legal XML but never
 * written by the app: such a file is simply read whole).
 */
const PROLOG_AND_ROOT =
  /^(?:\uFEFF)?(?:\s+|<\?(?:[^?]|\?(?!>))*\?>|<!--(?:[^-]|-(?!->))*-->)*<(?:smses|calls)(?:\s+[A-Za-z_:][\w.:-]*\s*=\s*(?:"[^"<>]*"|'[^'<>]*'))*\s*>/;

/** The head is this long at most: prologs are a few hundred bytes. */
export const BODY_START_HEAD_BYTES = 64 * 1024;

/**
 * The byte offset just after the root's start tag, or undefined when the head does not start with
 * a prolog and root of that simple form (then nothing of the file is compared, it is read whole).
 */
export function sbrBodyStart(head: Buffer): number | undefined {
  const text = head.toString('utf8');
  const m = PROLOG_AND_ROOT.exec(text);
  // A replacement character stands for bytes that were not UTF-8: their count is not known.
  if (m === null || m[0].includes('\uFFFD')) return undefined;
  // The regular expression matched characters; the offset is in bytes.
  return Buffer.byteLength(m[0], 'utf8');
}
