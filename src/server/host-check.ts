/**
 * Answers only requests that name this server in their Host header. A DNS-rebinding page
 * (evil.example, re-pointed at 127.0.0.1 after it loaded) is same-origin with itself, so the
 * browser lets its script read our answers; its requests still say `Host: evil.example`, and
 * that is refused here, before any route, login and setup included.
 *
 * Accepted: localhost, any IP literal (a page can only be same-origin with an IP address by
 * having been loaded from that address: nothing to rebind), and the names the admin configured
 * (`server.hosts`, `serve --public-host`): the name users type when a reverse proxy is in front.
 */
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';
import { printable } from './params.js';

/** The host part of a Host header value, lower case, without port or IPv6 brackets. */
export function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(1, end);
  }
  const colon = h.lastIndexOf(':');
  const name = colon < 0 ? h : h.slice(0, colon);
  // A fully qualified name may end in a dot; it is the same host.
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

export function hostAllowed(host: string, names: ReadonlySet<string>): boolean {
  return host === 'localhost' || isIP(host) !== 0 || names.has(host);
}

/** Refuses (421) requests for any host but ours. `names`: configured host names, lower case. */
export function installHostCheck(app: FastifyInstance, names: readonly string[]): void {
  const allowed = new Set(names.map((n) => (n.endsWith('.') ? n.slice(0, -1) : n).toLowerCase()));
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    // Behind a trusted proxy, the host the user asked for (X-Forwarded-Host, else Host).
    const header = request.host;
    // No Host at all: only HTTP/1.0 clients omit it (Node refuses that for 1.1), never a browser.
    if (header === '') return;
    const host = hostOf(header);
    if (hostAllowed(host, allowed)) return;
    const shown = printable(host).slice(0, 100);
    return reply
      .status(421)
      .header('Connection', 'close')
      .send(
        errorBody(
          'unknown_host',
          `this server does not answer to the host name "${shown}". If that is its name (e.g. behind a reverse proxy), ` +
            `allow it: textvault config set server.hosts ${shown} (or serve --public-host ${shown}), then restart`,
        ),
      );
  });
}
