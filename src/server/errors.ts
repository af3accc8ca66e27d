/**
 * One error shape for the whole API (`{ error: { code, message } }`), and which vault errors mean
 * which HTTP status. Unknown errors are logged and shown as a generic 500 with an id to find them
 * in the log, so internals never leak. Router errors (bad URL escapes, a too-long path segment)
 * and errors Node answers before Fastify sees a request (slow or oversized headers, a malformed
 * request line) get the same shape and the security headers.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { APP_CSP, SECURITY_HEADERS } from './security-headers.js';
import { ZodError } from 'zod';
import { zodMessage } from './zod-messages.js';
import { WeakPasswordError } from '../vault/auth/passwords.js';
import { UserError } from '../vault/auth/users.js';
import { JobNotFoundError, JobStateError } from '../vault/jobs/index.js';
import { ConversationNotFoundError } from '../vault/queries/conversations.js';
import { BadCursorError } from '../vault/queries/cursor.js';
import { ConverterBusyError } from '../vault/media/conversion-queue.js';
import { ToolMissingError } from '../vault/media/programs.js';
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
  /** `id`: on a 500 only, the key to the server log's entry for it. */
  error: { code: string; message: string; id?: string };
}

export function errorBody(code: string, message: string, id?: string): ErrorBody {
  return { error: id === undefined ? { code, message } : { code, message, id } };
}

function classify(e: unknown): ApiError | undefined {
  if (e instanceof ApiError) return e;
  if (e instanceof ZodError) {
    return new ApiError(400, 'bad_request', zodMessage(e));
  }
  // The original stays downloadable: the web app offers it with this message.
  if (e instanceof ToolMissingError) return new ApiError(503, 'converter_missing', e.message);
  if (e instanceof ConverterBusyError) return new ApiError(503, 'busy', e.message);
  if (e instanceof BadCursorError) return new ApiError(400, 'bad_cursor', e.message);
  if (e instanceof JobStateError) return new ApiError(409, 'conflict', e.message);
  if (e instanceof WeakPasswordError || e instanceof UserError) return new ApiError(400, 'bad_request', e.message);
  if (e instanceof ConversationNotFoundError || e instanceof MessageNotFoundError || e instanceof MediaNotFoundError || e instanceof JobNotFoundError)
    return new ApiError(404, 'not_found', e.message);
  const fe = e as Partial<FastifyError>;
  // Fastify's own client errors (bad JSON, unsupported media type, body too large, 429 ...).
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.statusCode === 429 ? 'rate_limited' : fe.statusCode === 415 ? 'unsupported_media_type' : 'bad_request';
    return new ApiError(fe.statusCode, code, frameworkMessage(fe));
  }
  return undefined;
}

/** Fastify's own refusals as sentences that say what to do; its texts name its internals (content-type parsers...). */
function frameworkMessage(fe: Partial<FastifyError>): string {
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The request body is not valid JSON: send a JSON object.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is empty: send a JSON object (or no Content-Type header).';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'This kind of request body is not accepted here: send JSON (Content-Type: application/json).';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    default:
      return fe.message ?? 'The request is not valid.';
  }
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = classify(error);
  if (known !== undefined) return reply.status(known.status).send(errorBody(known.code, known.message));
  const id = randomBytes(6).toString('hex');
  request.log.error({ err: error, errorId: id }, 'request failed');
  return reply.status(500).send(errorBody('internal', `the server failed to handle this request; its log has the details under error id ${id}`, id));
}

/**
 * Fastify's `frameworkErrors`: the router refused the URL before any hook ran (FST_ERR_BAD_URL:
 * a malformed %-escape; FST_ERR_MAX_PARAM_LENGTH: a path segment over maxParamLength, 414).
 * No onSend hook runs for these, so the security headers are set here.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
  void reply.header('Content-Security-Policy', APP_CSP).header('Cache-Control', 'no-store');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') void reply.status(414).send(errorBody('uri_too_long', 'a part of this URL is too long'));
  else if (error.code === 'FST_ERR_BAD_URL') void reply.status(400).send(errorBody('bad_url', 'this URL has a malformed %-escape'));
  else void errorHandler(error, request, reply);
}

/** What Node's HTTP parser refused, by error code: status, code, message. */
function clientProblem(code: string | undefined): [number, string, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'request_timeout', 'The request headers did not arrive in time: check the connection and try again.'];
  if (code === 'HPE_HEADER_OVERFLOW')
    return [431, 'headers_too_large', "The request's address or headers are too large (often too many cookies): shorten the address, or clear this site's cookies and sign in again."];
  return [400, 'bad_request', 'The server could not read this request (malformed HTTP): try again, or use another client.'];
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser failed on a connection (headers too slow or
 * too large, a malformed request line). There is no request to reply to, so the answer is written
 * to the socket by hand, in the API's shape with the security headers, and the socket closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = clientProblem(error.code);
  if (socket.writable) {
    const body = JSON.stringify(errorBody(code, message));
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': APP_CSP,
      'Cache-Control': 'no-store',
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\n${head}\r\n${body}`);
  }
  socket.destroy();
}
