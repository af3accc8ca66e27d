/**
 * Everything from a backup that reaches HTML goes through escapeHtml (text and attribute values
 * alike); everything that reaches a file name goes through the functions below, which never keep
 * a path separator, a control character or a leading dot.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** File extensions for the media types a browser shows inline; anything else is `.bin`. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/ogg': 'ogg',
  'audio/wav': 'wav',
  'audio/3gpp': '3gp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/x-vcard': 'vcf',
  'text/vcard': 'vcf',
  'text/x-vcalendar': 'vcs',
};

/** A media file's name in the export: its hash and an extension from a fixed list (never from the backup's name). */
export function mediaFileName(sha256: string, contentType: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return `${sha256}.${extensionFor(contentType)}`;
}

/** The extension of a media type from a fixed list (`bin` for any other): never the backup's own. */
export function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType.toLowerCase()] ?? 'bin';
}

/**
 * The original name offered for downloads (the `download` attribute): only its last path
 * component, without control characters, reserved characters or leading dots.
 */
export function downloadName(name: string, fallback: string): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are what is being removed
  const clean = last.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/^[.\s]+/, '').trim().slice(0, 120);
  return clean === '' ? fallback : clean;
}

/** How a browser should show a media type: inline image, video or audio, or a download link. */
export function mediaKind(contentType: string): 'image' | 'video' | 'audio' | 'file' {
  const ct = contentType.toLowerCase();
  if (ct.startsWith('image/') && ct !== 'image/heic' && ct !== 'image/heif') return 'image';
  if (ct.startsWith('video/')) return 'video';
  if (ct.startsWith('audio/')) return 'audio';
  return 'file';
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
