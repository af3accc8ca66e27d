/**
 * One error shape for the whole API (`{ error: { code, message } }`), and which vault errors mean
 * which HTTP status. Unknown errors are logged and shown as a generic 500 so internals never leak.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { WeakPasswordError } from '../vault/auth/passwords.js';
import { UserError } from '../vault/auth/users.js';
import { JobNotFoundError } from '../vault/jobs/index.js';
import { ConversationNotFoundError } from '../vault/queries/conversations.js';
import { BadCursorError } from '../vault/queries/cursor.js';
import { MediaNotFoundError } from '../vault/queries/media.js';
import { MessageNotFoundError } from '../vault/queries/thread.js';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

function classify(e: unknown): ApiError | undefined {
  if (e instanceof ApiError) return e;
  if (e instanceof ZodError) {
    const issue = e.issues[0];
    const where = issue === undefined ? '' : `${issue.path.join('.')}: `;
    return new ApiError(400, 'bad_request', `${where}${issue?.message ?? 'invalid request'}`);
  }
  if (e instanceof BadCursorError) return new ApiError(400, 'bad_cursor', e.message);
  if (e instanceof WeakPasswordError || e instanceof UserError) return new ApiError(400, 'bad_request', e.message);
  if (e instanceof ConversationNotFoundError || e instanceof MessageNotFoundError || e instanceof MediaNotFoundError || e instanceof JobNotFoundError)
    return new ApiError(404, 'not_found', e.message);
  const fe = e as Partial<FastifyError>;
  // Fastify's own client errors (bad JSON, unsupported media type, body too large, 429 ...).
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.statusCode === 429 ? 'rate_limited' : fe.statusCode === 415 ? 'unsupported_media_type' : 'bad_request';
    return new ApiError(fe.statusCode, code, fe.message ?? 'bad request');
  }
  return undefined;
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = classify(error);
  if (known !== undefined) return reply.status(known.status).send(errorBody(known.code, known.message));
  request.log.error({ err: error }, 'request failed');
  return reply.status(500).send(errorBody('internal', 'the server failed to handle this request; see its log'));
}
