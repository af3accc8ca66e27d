/**
 * MMS media from the blob store.
 *
 * The stored content type comes from the backup, i.e. from whoever sent the message, so it is
 * trusted only for plain images, video and audio. Anything that could run script in a browser
 * (HTML, SVG, XML, unknown types) goes out as an `application/octet-stream` download. Every
 * response carries nosniff and a sandboxing CSP. Single byte ranges are served for seeking in
 * audio and video; the bytes never change (the name is their hash), so the ETag is the hash.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { mediaPart, mediaStream } from '../../vault/queries/media.js';
import type { Vault } from '../../vault/vault.js';
import { IdParam, ROUTES } from '../../api-contract/index.js';
import { printable } from '../params.js';
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

export function mediaRoutes(app: FastifyInstance, vault: Vault): void {
  // Never compressed: images, video and audio are compressed already, and Range requests need the stored bytes (app.ts).
  app.get('/api/media/:id', { compress: false }, async (request, reply: FastifyReply) => {
    const { id } = IdParam.parse(request.params);
    const { download } = MediaQuery.parse(request.query);
    const part = await mediaPart(vault, id);
    const type = inlineType(part.contentType);
    const forceDownload = download !== undefined && download !== '0' && download !== 'false';
    reply.header('Content-Security-Policy', MEDIA_CSP);
    reply.header('Content-Type', type ?? 'application/octet-stream');
    reply.header('Content-Disposition', disposition(type === undefined || forceDownload ? 'attachment' : 'inline', part.name));
    reply.header('Accept-Ranges', 'bytes');
    reply.header('ETag', `"${part.sha256}"`);
    reply.header('Cache-Control', 'private, max-age=31536000, immutable');
    if (request.headers['if-none-match'] === `"${part.sha256}"`) return reply.status(304).send();
    const ifRange = request.headers['if-range'];
    const range = ifRange === undefined || ifRange === `"${part.sha256}"` ? parseRange(request.headers.range, part.size) : undefined;
    if (range === 'unsatisfiable') {
      reply.header('Content-Range', `bytes */${part.size}`);
      return reply.status(416).send();
    }
    if (range === undefined) {
      reply.header('Content-Length', part.size);
      if (request.method === 'HEAD') return reply.send();
      return reply.send(mediaStream(vault, part));
    }
    reply.status(206);
    reply.header('Content-Range', `bytes ${range.start}-${range.end}/${part.size}`);
    reply.header('Content-Length', range.end - range.start + 1);
    if (request.method === 'HEAD') return reply.send();
    return reply.send(mediaStream(vault, part, range));
  });
}
