/**
 * Every API route, once: what its request carries and what it answers. The server validates its
 * input with these schemas and its handlers are typed by the responses (so a drift fails tsc);
 * test/api-contract/contract.test.ts calls every registered route of the real server and parses
 * the answer, and fails on a route missing here.
 */
import { z } from 'zod';
import * as archive from './archive.js';
import * as auth from './auth.js';
import { IdParam, JobAccepted, NoParams, Paging } from './common.js';
import * as household from './household.js';
import * as jobs from './jobs.js';
import * as sources from './sources.js';

/** What a route answers: JSON of a schema, bytes (media, downloads), nothing (204), or a redirect (302, a Location). */
export type ResponseContract = z.ZodType | 'bytes' | 'empty' | 'redirect';

export interface RouteContract {
  params: z.ZodType;
  query?: z.ZodType;
  /** JSON body; 'bytes': the raw request body is the file. */
  body?: z.ZodType | 'bytes' | 'multipart';
  /** The success status when it is not 200. */
  status?: number;
  response: ResponseContract;
}

const MediaQuery = z.object({ download: z.string().optional() });

export const ROUTES = {
  'GET /api/health': { params: NoParams, response: auth.Health },
  'GET /api/setup': { params: NoParams, response: auth.SetupNeeded },
  'POST /api/setup': { params: NoParams, body: auth.Setup, status: 201, response: auth.Session },
  'POST /api/login': { params: NoParams, body: auth.Credentials, response: auth.Session },
  'POST /api/logout': { params: NoParams, status: 204, response: 'empty' },
  'GET /api/session': { params: NoParams, response: auth.Session },
  'GET /api/auth/methods': { params: NoParams, response: auth.AuthMethods },
  /** Single sign-on: to the provider (or back to /login?error= when it cannot start). */
  'GET /api/auth/oidc/start': { params: NoParams, status: 302, response: 'redirect' },
  /** Single sign-on: the provider's return; to / with a session, or to /login?error=. */
  'GET /api/auth/oidc/callback': { params: NoParams, query: auth.OidcCallbackQuery, status: 302, response: 'redirect' },

  'GET /api/archives': { params: NoParams, response: household.ArchiveList },
  'POST /api/archives/current': { params: NoParams, body: household.ChooseArchive, response: household.ArchiveInfo },
  'GET /api/shares': { params: NoParams, response: household.ShareList },
  'POST /api/shares': { params: NoParams, body: household.NewShare, status: 201, response: household.Share },
  'DELETE /api/shares/:id': { params: IdParam, status: 204, response: 'empty' },
  'GET /api/users': { params: NoParams, response: household.AccountList },
  'POST /api/users': { params: NoParams, body: household.NewAccount, status: 201, response: household.Account },
  'PATCH /api/users/:id': { params: IdParam, body: household.AccountChange, response: household.Account },
  'POST /api/users/:id/password': { params: IdParam, body: household.NewPassword, status: 204, response: 'empty' },
  'DELETE /api/users/:id': { params: IdParam, body: household.RemoveAccount, response: household.AccountRemoved },

  'GET /api/conversations': { params: NoParams, query: archive.ConversationQuery, response: archive.ConversationPage },
  'GET /api/conversations/:id': { params: IdParam, response: archive.Conversation },
  'GET /api/conversations/:id/messages': { params: IdParam, query: archive.ThreadQuery, response: archive.MessagePage },
  'GET /api/search': { params: NoParams, query: archive.SearchQuery, response: archive.SearchPage },
  'GET /api/calls': { params: NoParams, query: archive.CallQuery, response: archive.CallPage },
  'GET /api/timeline': { params: NoParams, query: archive.TimelineQuery, response: archive.TimelinePage },
  'GET /api/gallery': { params: NoParams, query: archive.GalleryQuery, response: archive.GalleryPage },
  'GET /api/gallery/months': { params: NoParams, query: archive.GalleryMonthsQuery, response: archive.GalleryMonths },
  /** Every original attachment of one conversation, as a ZIP streamed while it is written. */
  'GET /api/conversations/:id/media.zip': { params: IdParam, response: 'bytes' },
  'GET /api/stats/summary': { params: NoParams, response: archive.Summary },
  'GET /api/stats/monthly': { params: NoParams, response: archive.MonthlyStats },
  'GET /api/stats/top-contacts': { params: NoParams, query: archive.TopQuery, response: archive.TopContacts },
  'GET /api/stats/activity': { params: NoParams, response: archive.Activity },
  'GET /api/backups': { params: NoParams, query: Paging, response: archive.BackupRunPage },
  'GET /api/media/:id': { params: IdParam, query: MediaQuery, response: 'bytes' },
  'GET /api/media/:id/view': { params: IdParam, response: 'bytes' },
  'GET /api/media/:id/thumb/:width': { params: archive.ThumbParams, response: 'bytes' },

  'POST /api/uploads': { params: NoParams, query: jobs.UploadQuery, body: 'bytes', status: 202, response: JobAccepted },
  'POST /api/verify': { params: NoParams, status: 202, response: JobAccepted },
  'GET /api/jobs': { params: NoParams, query: Paging, response: jobs.JobPage },
  'GET /api/jobs/:id': { params: IdParam, response: jobs.Job },
  'POST /api/jobs/:id/cancel': { params: IdParam, response: jobs.Job },
  'POST /api/jobs/:id/retry': { params: IdParam, response: jobs.Job },
  'POST /api/jobs/:id/passphrase': { params: IdParam, body: jobs.JobPassphrase, response: jobs.Job },
  'POST /api/exports': { params: NoParams, body: jobs.NewExport, status: 202, response: JobAccepted },
  'GET /api/exports/:id/download': { params: IdParam, response: 'bytes' },
  'GET /api/formats': { params: NoParams, response: jobs.Formats },
  'GET /api/snapshots/status': { params: NoParams, response: jobs.SnapshotHealth },
  'POST /api/snapshots': { params: NoParams, status: 202, response: JobAccepted },

  'PUT /api/ingest/:filename': { params: jobs.IngestParams, body: 'bytes', status: 202, response: jobs.IngestAccepted },
  'POST /api/ingest': { params: NoParams, body: 'multipart', status: 202, response: jobs.IngestFormAccepted },
  'GET /api/ingest/jobs/:id': { params: IdParam, response: jobs.Job },

  'GET /api/status': { params: NoParams, response: sources.VaultStatus },
  'GET /api/alerts': { params: NoParams, response: sources.AlertList },
  'GET /api/sources': { params: NoParams, response: sources.SourceList },
  'POST /api/sources': { params: NoParams, body: sources.NewSource, status: 201, response: sources.Source },
  'GET /api/sources/allowed-folders': { params: NoParams, response: sources.AllowedFolders },
  'PATCH /api/sources/:id': { params: IdParam, body: sources.SourceChange, response: sources.Source },
  'DELETE /api/sources/:id': { params: IdParam, status: 204, response: 'empty' },
  'POST /api/sources/:id/run': { params: IdParam, status: 202, response: sources.RunStarted },
  'GET /api/tokens': { params: NoParams, response: sources.TokenList },
  'POST /api/tokens': { params: NoParams, body: sources.NewToken, status: 201, response: sources.NewApiToken },
  'DELETE /api/tokens/:id': { params: IdParam, status: 204, response: 'empty' },
} as const satisfies Record<string, RouteContract>;

export type RouteKey = keyof typeof ROUTES;

type JsonOf<R> = R extends z.ZodType ? z.infer<R> : R extends 'empty' ? undefined : never;
/** The JSON a route answers (what its handler must return). */
export type ResponseOf<K extends RouteKey> = JsonOf<(typeof ROUTES)[K]['response']>;
