/**
 * Reading the archive: conversations, a thread's messages, search, calls, the timeline, statistics, backups.
 * Each route parses its input with the API contract's schema and hands it to a vault query; no SQL here.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import {
  CallQuery,
  ConversationQuery,
  IdParam,
  Paging,
  SearchQuery,
  ThreadQuery,
  TimelineQuery,
  TopQuery,
  type ResponseOf,
} from '../../api-contract/index.js';
import { listBackupRuns } from '../../vault/backups.js';
import { listCalls } from '../../vault/queries/calls.js';
import { activity, monthly, summary, topContacts } from '../../vault/queries/charts.js';
import { LONG_GAP_MONTHS, longGaps } from '../../vault/queries/month-gaps.js';
import { getConversation, listConversations } from '../../vault/queries/conversations.js';
import { search } from '../../vault/queries/search.js';
import { threadPage, type ThreadPosition } from '../../vault/queries/thread.js';
import { timelinePage, type TimelinePosition } from '../../vault/queries/timeline.js';
import { archiveOf } from '../auth/archive-scope.js';
import { ApiError } from '../errors.js';

/** Where a two-way page starts: at most one of before, after and date (and `also`, which `names` lists for the error). */
export function startAt(q: { before?: string; after?: string; date?: number }, also: unknown[] = [], names = 'before, after and date'): TimelinePosition {
  const given = [q.before, q.after, q.date, ...also].filter((v) => v !== undefined).length;
  if (given > 1) throw new ApiError(400, 'bad_request', `Give at most one of ${names}: each says where the page starts.`);
  if (q.before !== undefined) return { kind: 'before', cursor: q.before };
  if (q.after !== undefined) return { kind: 'after', cursor: q.after };
  if (q.date !== undefined) return { kind: 'date', ms: q.date };
  return { kind: 'newest' };
}

function position(q: z.infer<typeof ThreadQuery>): ThreadPosition {
  const start = startAt(q, [q.around], 'before, after, around and date');
  return q.around === undefined ? start : { kind: 'around', messageId: q.around };
}

export function archiveRoutes(app: FastifyInstance): void {
  app.get('/api/conversations', async (request): Promise<ResponseOf<'GET /api/conversations'>> => listConversations(archiveOf(request).vault, ConversationQuery.parse(request.query)));

  app.get('/api/conversations/:id', async (request): Promise<ResponseOf<'GET /api/conversations/:id'>> => {
    const c = await getConversation(archiveOf(request).vault, IdParam.parse(request.params).id);
    return { id: c.id, title: c.title, members: c.members, isGroup: c.isGroup, messageCount: c.messageCount, firstDate: c.firstDate, lastDate: c.lastDate };
  });

  app.get('/api/conversations/:id/messages', async (request): Promise<ResponseOf<'GET /api/conversations/:id/messages'>> => {
    const { id } = IdParam.parse(request.params);
    const q = ThreadQuery.parse(request.query);
    return threadPage(archiveOf(request).vault, id, position(q), { limit: q.limit });
  });

  app.get('/api/search', async (request): Promise<ResponseOf<'GET /api/search'>> => search(archiveOf(request).vault, SearchQuery.parse(request.query)));

  app.get('/api/calls', async (request): Promise<ResponseOf<'GET /api/calls'>> => listCalls(archiveOf(request).vault, CallQuery.parse(request.query)));

  app.get('/api/timeline', async (request): Promise<ResponseOf<'GET /api/timeline'>> => {
    const q = TimelineQuery.parse(request.query);
    return timelinePage(archiveOf(request).vault, startAt(q), q);
  });

  app.get('/api/stats/summary', async (request): Promise<ResponseOf<'GET /api/stats/summary'>> => summary(archiveOf(request).vault));
  app.get('/api/stats/monthly', async (request): Promise<ResponseOf<'GET /api/stats/monthly'>> => {
    const months = await monthly(archiveOf(request).vault);
    return { months, gaps: longGaps(months), longGapMonths: LONG_GAP_MONTHS };
  });
  app.get('/api/stats/top-contacts', async (request): Promise<ResponseOf<'GET /api/stats/top-contacts'>> => {
    const q = TopQuery.parse(request.query);
    return { items: await topContacts(archiveOf(request).vault, q.by, q.limit) };
  });
  app.get('/api/stats/activity', async (request): Promise<ResponseOf<'GET /api/stats/activity'>> => ({ cells: await activity(archiveOf(request).vault) }));

  app.get('/api/backups', async (request): Promise<ResponseOf<'GET /api/backups'>> => {
    const page = await listBackupRuns(archiveOf(request).vault, Paging.parse(request.query));
    // Where the server read the file (an upload's spool path) is the server's business; the name is the user's.
    return { items: page.items.map(({ path: _path, ...run }) => run), nextCursor: page.nextCursor };
  });
}
