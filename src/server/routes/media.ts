/**
 * MMS media from the blob store.
 *
 * The stored content type comes from the backup, i.e. from whoever sent the message, so it is
 * trusted only for plain images, video and audio. Anything that could run script in a browser
 * (HTML, SVG, XML, unknown types) goes out as an `application/octet-stream` download. Every
 * response carries nosniff and a sandboxing CSP. Single byte ranges are served for seeking in
 * audio and video; the bytes never change (the name is their hash), so the ETag is the hash.
 *
 * `/view` and `/thumb/:width` send what vault/media makes for the browser (issue 25): a JPEG of a
 * HEIC, an MP4 of a 3GP, thumbnails; always with a type of ours, never the backup's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DerivedMedia, type DerivedMediaOptions, type MediaAnswer } from '../../vault/media/derived-media.js';
import { mediaPart, mediaStream, type MediaPart } from '../../vault/queries/media.js';
import type { Vault } from '../../vault/vault.js';
import { archiveOf } from '../auth/archive-scope.js';
import { IdParam, ROUTES } from '../../api-contract/index.js';
import { printable } from '../params.js';
import { ApiError } from '../errors.js';
import { MEDIA_CSP } from '../security-headers.js';

const SAFE_TYPE = /^(image|video|audio)\/[a-z0-9][a-z0-9.+-]*$/;

/** The type to send, or undefined when the part must only be downloaded. */
export function inlineType(stored: string | null): string | undefined {
  if (stored === null) return undefined;
  const t = stored.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!SAFE_TYPE.test(t) || t.includes('svg') || t.includes('xml') || t.includes('html')) return undefined;
  return t;
}

/** `Content-Disposition` with a name that cannot break out of the header. */
export function disposition(kind: 'inline' | 'attachment', name: string | null): string {
  const base = (name ?? 'attachment').split(/[\\/]/).pop() ?? 'attachment';
  const clean = printable(base).slice(0, 200) || 'attachment';
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(clean)}`;
}

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | undefined;

/** A single `bytes=` range; several ranges or a malformed header mean the whole file (RFC 9110 allows ignoring). */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null) return undefined;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  let start: number;
  let end: number;
  if (a === '') {
    // A suffix: the last N bytes.
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) return undefined;
  }
  if (start >= size || !Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return 'unsatisfiable';
  return { start, end };
}

const MediaQuery = ROUTES['GET /api/media/:id'].query;
const ThumbParams = ROUTES['GET /api/media/:id/thumb/:width'].params;

/** What one response sends: a stored blob (by hash), or bytes made for this request. */
type Body = { sha256: string; size: number } | { bytes: Buffer };

/**
 * Sends media with the headers every media answer has (see the header): the type given (already
 * one of the safe ones), its disposition, the hash as ETag, and single byte ranges of stored blobs.
 */
async function sendMedia(request: FastifyRequest, reply: FastifyReply, vault: Vault, body: Body, type: string, contentDisposition: string): Promise<FastifyReply> {
  reply.header('Content-Security-Policy', MEDIA_CSP);
  reply.header('Content-Type', type);
  reply.header('Content-Disposition', contentDisposition);
  if ('bytes' in body) {
    // Made for this request only (not cached, see vault/media/derived-media.ts): no ETag, no ranges.
    reply.header('Cache-Control', 'private, no-store');
    reply.header('Content-Length', body.bytes.length);
    return request.method === 'HEAD' ? reply.send() : reply.send(body.bytes);
  }
  const { sha256, size } = body;
  reply.header('Accept-Ranges', 'bytes');
  reply.header('ETag', `"${sha256}"`);
  reply.header('Cache-Control', 'private, max-age=31536000, immutable');
  if (request.headers['if-none-match'] === `"${sha256}"`) return reply.status(304).send();
  const ifRange = request.headers['if-range'];
  const range = ifRange === undefined || ifRange === `"${sha256}"` ? parseRange(request.headers.range, size) : undefined;
  if (range === 'unsatisfiable') {
    reply.header('Content-Range', `bytes */${size}`);
    return reply.status(416).send();
  }
  if (range === undefined) {
    reply.header('Content-Length', size);
    if (request.method === 'HEAD') return reply.send();
    return reply.send(mediaStream(vault, body));
  }
  reply.status(206);
  reply.header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  reply.header('Content-Length', range.end - range.start + 1);
  if (request.method === 'HEAD') return reply.send();
  return reply.send(mediaStream(vault, body, range));
}

/** The original's name with the extension of what it was converted to (IMG_1.heic -> IMG_1.jpg). */
function derivedName(name: string | null, type: string): string | null {
  if (name === null) return null;
  const ext = { 'image/jpeg': '.jpg', 'image/webp': '.webp', 'video/mp4': '.mp4', 'audio/mp4': '.m4a' }[type];
  return ext === undefined ? name : name.replace(/\.[A-Za-z0-9]{1,5}$/, '') + ext;
}

/** A conversion's answer as a response; a file that could not be converted is a 422 saying so. */
async function sendAnswer(request: FastifyRequest, reply: FastifyReply, vault: Vault, part: MediaPart, answer: MediaAnswer): Promise<FastifyReply> {
  switch (answer.kind) {
    case 'original':
      return sendMedia(request, reply, vault, part, answer.contentType, disposition('inline', part.name));
    case 'derived':
      return sendMedia(request, reply, vault, answer, answer.contentType, disposition('inline', derivedName(part.name, answer.contentType)));
    case 'bytes':
      return sendMedia(request, reply, vault, answer, answer.contentType, disposition('inline', derivedName(part.name, answer.contentType)));
    case 'failed':
      throw new ApiError(422, 'not_convertible', `This file could not be converted for the browser (${answer.message}); download the original.`);
    case 'none':
      throw new ApiError(404, 'not_found', 'This attachment has no thumbnail: only images and videos have one.');
  }
}

export function mediaRoutes(app: FastifyInstance, options: DerivedMediaOptions = {}): void {
  // One per archive, made at its first media request (it holds the archive's conversion queue).
  const derivedByVault = new Map<Vault, DerivedMedia>();
  const derivedOf = (vault: Vault): DerivedMedia => {
    let d = derivedByVault.get(vault);
    if (d === undefined) {
      d = new DerivedMedia(vault, options);
      derivedByVault.set(vault, d);
    }
    return d;
  };
  app.addHook('onClose', async () => {
    for (const d of derivedByVault.values()) await d.close();
  });

  // Never compressed: images, video and audio are compressed already, and Range requests need the stored bytes (app.ts).
  app.get('/api/media/:id', { compress: false }, async (request, reply: FastifyReply) => {
    const { id } = IdParam.parse(request.params);
    const { download } = MediaQuery.parse(request.query);
    const { vault } = archiveOf(request);
    const part = await mediaPart(vault, id);
    const type = inlineType(part.contentType);
    const forceDownload = download !== undefined && download !== '0' && download !== 'false';
    return sendMedia(request, reply, vault, part, type ?? 'application/octet-stream', disposition(type === undefined || forceDownload ? 'attachment' : 'inline', part.name));
  });

  // What a browser can show of the part: the original when it can as it is, else a conversion (made on first view, cached).
  app.get('/api/media/:id/view', { compress: false }, async (request, reply: FastifyReply) => {
    const { id } = IdParam.parse(request.params);
    const { vault } = archiveOf(request);
    const part = await mediaPart(vault, id);
    return sendAnswer(request, reply, vault, part, await derivedOf(vault).get(part, 'view'));
  });

  // A WebP thumbnail of an image or a video's first frame, this many pixels wide at most.
  app.get('/api/media/:id/thumb/:width', { compress: false }, async (request, reply: FastifyReply) => {
    const { id, width } = ThumbParams.parse(request.params);
    const { vault } = archiveOf(request);
    const part = await mediaPart(vault, id);
    return sendAnswer(request, reply, vault, part, await derivedOf(vault).get(part, `thumb-${width}`));
  });
}
