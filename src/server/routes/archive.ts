/**
 * Reading the archive: conversations, a thread's messages, search, calls, statistics, backups.
 * Each route parses its input and hands it to a vault query; no SQL here.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listBackupRuns } from '../../vault/queries/backups.js';
import { CALL_TYPES, listCalls } from '../../vault/queries/calls.js';
import { activity, monthly, summary, topContacts } from '../../vault/queries/charts.js';
import { LONG_GAP_MONTHS, longGaps } from '../../vault/queries/month-gaps.js';
import { getConversation, listConversations } from '../../vault/queries/conversations.js';
import { search } from '../../vault/queries/search.js';
import { threadPage, type ThreadPosition } from '../../vault/queries/thread.js';
import type { Vault } from '../../vault/vault.js';
import { ApiError } from '../errors.js';
import { IdParam, optionalInt, optionalString, Paging, queryText } from '../params.js';

const ConversationQuery = Paging.extend({ q: optionalString });
const ThreadQuery = z.object({ before: optionalString, after: optionalString, around: optionalInt, date: optionalInt, limit: optionalInt });
const SearchQuery = Paging.extend({
  q: queryText,
  contact: optionalString,
  from: optionalInt,
  to: optionalInt,
  kind: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['sms', 'mms', 'call']).optional()),
  direction: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['in', 'out']).optional()),
});
const CallQuery = Paging.extend({
  contact: optionalString,
  type: z.preprocess((v) => (v === '' ? undefined : v), z.enum(CALL_TYPES).optional()),
  from: optionalInt,
  to: optionalInt,
});
const TopQuery = z.object({ by: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['messages', 'calls']).default('messages')), limit: optionalInt });

function position(q: z.infer<typeof ThreadQuery>): ThreadPosition {
  const given = [q.before, q.after, q.around, q.date].filter((v) => v !== undefined).length;
  if (given > 1) throw new ApiError(400, 'bad_request', 'give at most one of before, after, around and date');
  if (q.before !== undefined) return { kind: 'before', cursor: q.before };
  if (q.after !== undefined) return { kind: 'after', cursor: q.after };
  if (q.around !== undefined) return { kind: 'around', messageId: q.around };
  if (q.date !== undefined) return { kind: 'date', ms: q.date };
  return { kind: 'newest' };
}

export function archiveRoutes(app: FastifyInstance, vault: Vault): void {
  app.get('/api/conversations', async (request) => listConversations(vault, ConversationQuery.parse(request.query)));

  app.get('/api/conversations/:id', async (request) => {
    const c = await getConversation(vault, IdParam.parse(request.params).id);
    return { id: c.id, title: c.title, members: c.members, isGroup: c.isGroup, messageCount: c.messageCount, firstDate: c.firstDate, lastDate: c.lastDate };
  });

  app.get('/api/conversations/:id/messages', async (request) => {
    const { id } = IdParam.parse(request.params);
    const q = ThreadQuery.parse(request.query);
    return threadPage(vault, id, position(q), { limit: q.limit });
  });

  app.get('/api/search', async (request) => search(vault, SearchQuery.parse(request.query)));

  app.get('/api/calls', async (request) => listCalls(vault, CallQuery.parse(request.query)));

  app.get('/api/stats/summary', async () => summary(vault));
  app.get('/api/stats/monthly', async () => {
    const months = await monthly(vault);
    return { months, gaps: longGaps(months), longGapMonths: LONG_GAP_MONTHS };
  });
  app.get('/api/stats/top-contacts', async (request) => {
    const q = TopQuery.parse(request.query);
    return { items: await topContacts(vault, q.by, q.limit) };
  });
  app.get('/api/stats/activity', async () => ({ cells: await activity(vault) }));

  app.get('/api/backups', async (request) => listBackupRuns(vault, Paging.parse(request.query)));
}
