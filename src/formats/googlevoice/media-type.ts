/**
 * The type of an attachment from its first bytes. Takeout names attachments after their page
 * (`Name - Text - 2024-01-02T03_04_05Z-1-1`, often without an extension) and says nothing else
 * about them, so a name is no evidence; the bytes are. Unknown content is
 * `application/octet-stream`: kept, and offered as a download, never shown inline.
 */

function ascii(head: Buffer, at: number, text: string): boolean {
  return head.length >= at + text.length && head.toString('latin1', at, at + text.length) === text;
}

const FTYP_BRANDS: Record<string, string> = {
  heic: 'image/heic',
  heix: 'image/heic',
  mif1: 'image/heif',
  msf1: 'image/heif',
  avif: 'image/avif',
  '3gp4': 'video/3gpp',
  '3gp5': 'video/3gpp',
  '3gp6': 'video/3gpp',
  '3g2a': 'video/3gpp2',
  'M4A ': 'audio/mp4',
  qt: 'video/quicktime',
};

/** Enough bytes for every signature below. */
export const MEDIA_HEAD_BYTES = 64;

export function mediaTypeOf(head: Buffer): string {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii(head, 0, '\x89PNG\r\n\x1a\n')) return 'image/png';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'image/gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'image/webp';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return 'audio/wav';
  if (ascii(head, 0, 'BM') && head.length >= 14) return 'image/bmp';
  if (ascii(head, 4, 'ftyp')) {
    const brand = head.toString('latin1', 8, 12);
    return FTYP_BRANDS[brand] ?? FTYP_BRANDS[brand.trim()] ?? 'video/mp4';
  }
  if (ascii(head, 0, '#!AMR')) return 'audio/amr';
  if (ascii(head, 0, 'OggS')) return 'audio/ogg';
  if (ascii(head, 0, 'ID3') || (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return 'audio/mpeg';
  if (ascii(head, 0, '%PDF-')) return 'application/pdf';
  if (/^(?:\uFEFF)?\s*BEGIN:VCARD\r?\n/i.test(head.toString('utf8'))) return 'text/x-vcard';
  return 'application/octet-stream';
}
