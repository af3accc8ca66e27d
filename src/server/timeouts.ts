/**
 * Time limits on what clients send, so slow clients cannot hold connections open for ever:
 *
 * - headers: Node's `headersTimeout` (set in app.ts), answered 408 by errors.ts clientError;
 * - the body of every request: it must have arrived `requestTimeoutMs` after the request began,
 *   else 408 and the connection is closed. An upload route lifts that limit with
 *   `allowSlowBody()` once the uploader has authenticated: a multi-GB backup over a phone line
 *   may take hours. An anonymous client never gets past this limit;
 * - silence: a connection without a byte either way for `idleTimeoutMs` is closed (Fastify's
 *   connectionTimeout, set in app.ts): an upload that stalls is aborted, one that keeps
 *   moving, however slowly, goes on.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

const deadlines = new WeakMap<IncomingMessage, NodeJS.Timeout>();

export function installBodyDeadline(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const raw = request.raw;
    // Complete already (no body, or all of it arrived with the headers): nothing to wait for.
    if (raw.complete) {
      done();
      return;
    }
    const timer = setTimeout(() => {
      timedOut(request, reply, timeoutMs);
    }, timeoutMs);
    deadlines.set(raw, timer);
    const clear = (): void => {
      clearTimeout(timer);
    };
    raw.once('end', clear);
    raw.once('close', clear);
    done();
  });
}

/** Lifts the body deadline of `request`: for authenticated uploads, bounded by the idle timeout. */
export function allowSlowBody(request: FastifyRequest): void {
  const timer = deadlines.get(request.raw);
  if (timer !== undefined) clearTimeout(timer);
}

function timedOut(request: FastifyRequest, reply: FastifyReply, timeoutMs: number): void {
  const socket = request.raw.socket;
  if (reply.sent || reply.raw.headersSent) {
    // Answered already, but the client is still trickling a body in: stop listening.
    socket.destroy();
    return;
  }
  reply.raw.once('finish', () => socket.destroy());
  void reply
    .status(408)
    .header('Connection', 'close')
    .send(errorBody('request_timeout', `the request did not arrive within ${timeoutMs / 1000} s; nothing was done. Try again on a better connection`));
}
