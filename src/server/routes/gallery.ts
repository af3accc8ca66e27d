/**
 * The gallery (issue 25): every stored attachment of the archive a page at a time, the count per
 * month, and one conversation's media as a ZIP streamed while it is written. No SQL here: the
 * queries are vault/queries/gallery.ts and vault/export/media-zip.ts.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GalleryMonthsQuery, GalleryQuery, IdParam, type ResponseOf } from '../../api-contract/index.js';
import { conversationMediaZip } from '../../vault/export/media-zip.js';
import { galleryMonths, galleryPage } from '../../vault/queries/gallery.js';
import { archiveOf } from '../auth/archive-scope.js';
import { startAt } from './archive.js';
import { disposition } from './media.js';

export function galleryRoutes(app: FastifyInstance): void {
  app.get('/api/gallery', async (request): Promise<ResponseOf<'GET /api/gallery'>> => {
    const q = GalleryQuery.parse(request.query);
    return galleryPage(archiveOf(request).vault, startAt(q), q);
  });

  app.get('/api/gallery/months', async (request): Promise<ResponseOf<'GET /api/gallery/months'>> => galleryMonths(archiveOf(request).vault, GalleryMonthsQuery.parse(request.query)));

  // Media are compressed already and the ZIP stores them as they are: no second compression on the way.
  app.get('/api/conversations/:id/media.zip', { compress: false }, async (request, reply: FastifyReply) => {
    const { id } = IdParam.parse(request.params);
    const zip = await conversationMediaZip(archiveOf(request).vault, id);
    reply.header('Content-Type', 'application/zip');
    reply.header('Content-Disposition', disposition('attachment', zip.fileName));
    reply.header('Cache-Control', 'private, no-store');
    return reply.send(zip.stream);
  });
}
