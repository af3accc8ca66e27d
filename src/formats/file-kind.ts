/**
 * What a file that is no backup is, told by its magic bytes (or a ZIP's entry names): the
 * common mistakes (a PDF, a photo, a video, an Office document, a ZIP of photos, an empty
 * file), so the error can say "this is a PDF document, not a phone backup" instead of quoting
 * the file's first bytes.
 */
import type { Sniffed } from './format.js';

const MEDIA_NAME = /\.(jpe?g|png|gif|heic|heif|webp|bmp|tiff?|mp4|mov|3gp|m4v|avi|mkv|webm|mp3|m4a|aac|amr|ogg|opus|wav)$/i;

function startsWith(head: Buffer, magic: string | number[]): boolean {
  const bytes = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : Buffer.from(magic);
  return head.length >= bytes.length && head.subarray(0, bytes.length).equals(bytes);
}

/** An ISO media file (MP4, MOV, HEIC...): "ftyp" at byte 4, then the brand. */
function isoMedia(head: Buffer): string | undefined {
  if (head.length < 12 || head.toString('latin1', 4, 8) !== 'ftyp') return undefined;
  const brand = head.toString('latin1', 8, 12);
  return /^(heic|heix|hevc|mif1|msf1|avif)$/.test(brand) ? 'an HEIC photo' : 'a video';
}

/** An Office Open XML document (.docx, .xlsx, .pptx): a ZIP whose manifest no phone backup has. */
export function isOfficeDocument(s: Sniffed): boolean {
  return s.container === 'zip' && s.zipNames.includes('[Content_Types].xml');
}

function zipKind(names: readonly string[], count: number | undefined): string {
  const files = names.filter((n) => !n.endsWith('/'));
  if ((count ?? names.length) === 0 || names.length === 0) return 'an empty ZIP archive';
  if (files.some((n) => n.startsWith('word/'))) return 'a Word document';
  if (files.some((n) => n.startsWith('xl/'))) return 'an Excel spreadsheet';
  if (files.some((n) => n.startsWith('ppt/'))) return 'a PowerPoint presentation';
  if (files.includes('mimetype') && files.some((n) => n === 'content.xml')) return 'an OpenDocument file';
  if (files.length > 0 && files.every((n) => MEDIA_NAME.test(n))) return 'a ZIP of photos or other media';
  return 'a ZIP archive';
}

/** True when the start of a file is text (no NUL, no control characters but whitespace). */
function isText(head: Buffer): boolean {
  const sample = head.subarray(0, 512);
  for (const b of sample) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1b)) return false;
  return true;
}

/** A phrase naming what the file is ("a PDF document"), for a file no format recognised. */
export function fileKind(s: Sniffed): string {
  if (s.container === 'zip') return zipKind(s.zipNames, s.zipCount);
  const head = s.head;
  if (head.length === 0) return s.container === 'gzip' ? 'an empty gzip file' : 'an empty file';
  if (startsWith(head, '%PDF')) return 'a PDF document';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'a JPEG photo';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47])) return 'a PNG image';
  if (startsWith(head, 'GIF87a') || startsWith(head, 'GIF89a')) return 'a GIF image';
  if (startsWith(head, 'RIFF') && head.toString('latin1', 8, 12) === 'WEBP') return 'a WebP image';
  const iso = isoMedia(head);
  if (iso !== undefined) return iso;
  if (startsWith(head, 'ID3') || startsWith(head, [0xff, 0xfb])) return 'an MP3 audio file';
  if (startsWith(head, 'OggS')) return 'an Ogg audio file';
  if (startsWith(head, '#!AMR')) return 'an AMR voice recording';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) return 'an old-style Office document';
  if (startsWith(head, 'Rar!')) return 'a RAR archive';
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf])) return 'a 7-Zip archive';
  if (startsWith(head, 'SQLite format 3\0')) return 'an SQLite database';
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46]) || startsWith(head, 'MZ')) return 'a program';
  if (s.container === 'gzip') return 'a gzip file in no format Textvault knows';
  return isText(head) ? 'a text file in no format Textvault knows' : 'a binary file in no format Textvault knows';
}
