/**
 * The built single-page app (`dist/web`, from Vite) with a fallback to index.html for client-side
 * routes. /api paths never fall back: an unknown API path is a JSON 404.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.js';

export async function staticApp(app: FastifyInstance, webRoot: string | undefined): Promise<void> {
  const index = webRoot === undefined ? undefined : path.join(webRoot, 'index.html');
  const built = webRoot !== undefined && index !== undefined && fs.existsSync(index);
  if (built) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: false,
      // Our own Cache-Control below, not send's default max-age=0.
      cacheControl: false,
      setHeaders: (res, file) => {
        // Vite names assets by content hash, so they never change; index.html always may.
        res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const p = request.url.split('?')[0] ?? '';
    if (p === '/api' || p.startsWith('/api/')) return reply.status(404).send(errorBody('not_found', `no API route ${request.method} ${p}`));
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply.status(404).send(errorBody('not_found', 'not found'));
    if (!built) return reply.status(404).type('text/plain').send('The web app is not built: run `npm run build` (it writes dist/web).\n');
    reply.header('Cache-Control', 'no-cache');
    return reply.type('text/html; charset=utf-8').sendFile('index.html');
  });
}
