/**
 * What an MMS attachment really is, from its first bytes: the backup's declared type comes from
 * whoever sent the message and is used only where the bytes cannot tell (an MP4 box holding audio
 * alone is told apart by ffprobe, see convert-av.ts).
 */

export type SniffedFormat =
  | 'jpeg'
  | 'png'
  | 'gif'
  | 'webp'
  | 'bmp'
  | 'tiff'
  | 'heif'
  | 'avif'
  /** An ISO base media file (MP4, MOV, 3GP, 3G2, M4A); `brand` says which. */
  | 'isobmff'
  | 'matroska'
  | 'ogg'
  | 'amr'
  | 'qcelp'
  | 'mp3'
  | 'wav'
  | 'unknown';

export interface Sniffed {
  format: SniffedFormat;
  /** An ISO base media file's major brand (`3gp4`, `isom`, `heic`...), lowercased and trimmed. */
  brand?: string;
}

/** How many leading bytes `sniff` needs. */
export const SNIFF_BYTES = 64;

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'mif2']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

function ascii(b: Buffer, start: number, end: number): string {
  return b.subarray(start, end).toString('latin1');
}

export function sniff(head: Buffer): Sniffed {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { format: 'jpeg' };
  if (ascii(head, 0, 8) === '\x89PNG\r\n\x1a\n') return { format: 'png' };
  if (ascii(head, 0, 4) === 'GIF8') return { format: 'gif' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { format: 'webp' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') return { format: 'wav' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'QLCM') return { format: 'qcelp' };
  if (ascii(head, 0, 2) === 'BM' && head.length >= 26) return { format: 'bmp' };
  if (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*') return { format: 'tiff' };
  if (ascii(head, 0, 5) === '#!AMR') return { format: 'amr' };
  if (ascii(head, 0, 4) === 'OggS') return { format: 'ogg' };
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return { format: 'matroska' };
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12).trim().toLowerCase();
    // A HEIF whose major brand is generic (mif1) is still a still image; its compatible brands say which codec.
    const compatible = ascii(head, 16, Math.min(head.length, head.readUInt32BE(0))).toLowerCase();
    if (AVIF_BRANDS.has(brand) || (brand === 'mif1' && compatible.includes('avif'))) return { format: 'avif', brand };
    if (HEIF_BRANDS.has(brand)) return { format: 'heif', brand };
    return { format: 'isobmff', brand };
  }
  if (ascii(head, 0, 3) === 'ID3' || (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return { format: 'mp3' };
  return { format: 'unknown' };
}

/** Still images every browser shows as they are. */
export const BROWSER_IMAGES: ReadonlySet<SniffedFormat> = new Set(['jpeg', 'png', 'gif', 'webp']);
/** Still images converted to a JPEG preview (sharp decodes them; HEIF through heif-dec, see convert-image.ts). */
export const CONVERTED_IMAGES: ReadonlySet<SniffedFormat> = new Set(['bmp', 'tiff', 'heif', 'avif']);

/** The type an image of a browser format is sent with, whatever the backup declared. */
export const IMAGE_TYPES: Partial<Record<SniffedFormat, string>> = { jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' };
