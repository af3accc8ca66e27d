/**
 * Opens an authenticated imapflow connection and turns its failures into errors a user can act
 * on: a wrong password, a certificate that does not verify, a server that is not there.
 * TLS is the default; STARTTLS or plain text only when asked for (local servers), and a
 * certificate is only ever left unchecked with `insecure`.
 */
import { ImapFlow } from 'imapflow';
import type { ImapSecurity, ImapTarget } from './target.js';

export interface ConnectOptions {
  password: string;
  security?: ImapSecurity;
  /** Accept a certificate that does not verify (self-signed, wrong name, expired). */
  insecure?: boolean;
  /** Extra trusted certificates (PEM), e.g. a local server's own. */
  ca?: string[];
}

export class ImapError extends Error {
  override readonly name = 'ImapError';
  constructor(
    message: string,
    readonly kind: 'auth' | 'tls' | 'connect' | 'folder' | 'protocol',
  ) {
    super(message);
  }
}

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

function describeTarget(t: ImapTarget, port: number): string {
  return `${t.user}@${t.host}:${port}`;
}

/** An error imapflow raised (a command the server refused, a connection that closed), not ours or the disk's. */
export function isImapFlowError(e: unknown): e is Error {
  if (!(e instanceof Error) || e instanceof ImapError) return false;
  const x = e as { responseStatus?: unknown; executedCommand?: unknown; rejectedFrom?: unknown; code?: unknown };
  return x.responseStatus !== undefined || x.executedCommand !== undefined || x.rejectedFrom !== undefined || x.code === 'NoConnection' || x.code === 'EConnectionClosed';
}

export function defaultPort(security: ImapSecurity): number {
  return security === 'tls' ? 993 : 143;
}

export async function connectImap(t: ImapTarget, options: ConnectOptions): Promise<ImapFlow> {
  const security = options.security ?? 'tls';
  const port = t.port ?? defaultPort(security);
  const client = new ImapFlow({
    host: t.host,
    port,
    secure: security === 'tls',
    doSTARTTLS: security === 'starttls' ? true : security === 'plain' ? false : undefined,
    auth: { user: t.user, pass: options.password },
    tls: { rejectUnauthorized: options.insecure !== true, ...(options.ca ? { ca: options.ca } : {}), servername: t.host },
    logger: false,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
  });
  // A dropped connection surfaces through the command that was running; do not crash on the event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    client.close();
    throw explain(e, t, port, security);
  }
  return client;
}

export function explain(e: unknown, t: ImapTarget, port: number, security: ImapSecurity): ImapError {
  const where = describeTarget(t, port);
  const err = e as { code?: string; authenticationFailed?: boolean; tlsFailed?: boolean; message?: string; _err?: { code?: string; message?: string }; responseText?: string };
  const code = err.code ?? err._err?.code ?? '';
  const inner = err._err?.code ?? '';
  if (err.authenticationFailed === true || code === 'AUTHENTICATIONFAILED') {
    return new ImapError(
      `${where}: the server refused the user name or password${err.responseText ? ` (${err.responseText})` : ''}. Check them; Gmail needs an app password (Google account > Security > App passwords)`,
      'auth',
    );
  }
  if (CERT_CODES.has(code) || CERT_CODES.has(inner) || /certificate|self[- ]signed/i.test(err.message ?? '')) {
    return new ImapError(
      `${where}: the server's TLS certificate does not verify (${inner || code || err.message}). If this is your own server with a self-signed certificate, trust it with NODE_EXTRA_CA_CERTS=cert.pem, or accept it for this run with --insecure`,
      'tls',
    );
  }
  if (err.tlsFailed === true || code === 'EPROTO' || /wrong version number|SSL routines/i.test(err.message ?? '')) {
    return new ImapError(
      `${where}: TLS failed (${err.message ?? code}). ${security === 'tls' ? 'If the server only offers STARTTLS on this port, use --imap-security starttls' : 'Check the port'}`,
      'tls',
    );
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'CONNECT_TIMEOUT' || code === 'GREETING_TIMEOUT') {
    return new ImapError(`${where}: cannot reach the IMAP server (${code}). Check the host name and port`, 'connect');
  }
  return new ImapError(`${where}: IMAP error: ${err.message ?? String(e)}`, 'protocol');
}
