import type { ApiErrorBody } from './types';

/** An API answer other than 2xx, with the server's code and message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: () => void = () => undefined;

/** The session's CSRF token, sent on every state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function csrfHeader(): Record<string, string> {
  return csrfToken === null ? {} : { 'X-CSRF-Token': csrfToken };
}

/** What to do when any request answers 401 (the app sends the user to the login page). */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Routes that answer 401 as part of their normal use, where a redirect would be wrong. */
const NO_REDIRECT = new Set(['/api/login', '/api/setup', '/api/session']);

export function noticeStatus(path: string, status: number): void {
  if (status === 401 && !NO_REDIRECT.has(path.split('?')[0] ?? path)) onUnauthenticated();
}

/**
 * A sentence for an answer that carried no API error (a proxy's error page, a status Node sent
 * itself): a bare "431 Request Header Fields Too Large" tells a user nothing they can act on.
 */
export function statusMessage(status: number): string {
  if (status === 401) return 'You are signed out: sign in again.';
  if (status === 403) return 'You are not allowed to do this: sign in again, or ask the owner.';
  if (status === 404) return 'The server does not know this address: reload the page.';
  if (status === 408) return 'The request took too long to arrive: check the connection and try again.';
  if (status === 413) return "The file is larger than the server accepts: raise the server's upload limit, or split the backup.";
  if (status === 414 || status === 431) return "The request was too large for the server (often too many cookies): clear this site's cookies and sign in again.";
  if (status === 429) return 'Too many requests: wait a minute and try again.';
  if (status === 502 || status === 503 || status === 504) return 'The Textvault server cannot be reached (it may be restarting): try again in a minute.';
  if (status >= 500) return 'The server failed to handle this request: try again, and check its log if it keeps failing.';
  return `The server refused this request (HTTP ${status}): reload the page and try again.`;
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = statusMessage(res.status);
  try {
    const body = (await res.json()) as Partial<ApiErrorBody>;
    if (body.error) {
      code = body.error.code;
      message = body.error.message || message;
    }
  } catch {
    // Not JSON (a proxy's error page): keep the status line.
  }
  return new ApiError(res.status, code, message);
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') Object.assign(headers, csrfHeader());
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? null : JSON.stringify(body),
  });
  noticeStatus(path, res.status);
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export function apiGet<T>(path: string): Promise<T> {
  return request<T>('GET', path);
}

export function apiPost<T>(path: string, body?: unknown): Promise<T> {
  return request<T>('POST', path, body ?? {});
}

export function apiPatch<T>(path: string, body: unknown): Promise<T> {
  return request<T>('PATCH', path, body);
}

/** `body` for the deletes that ask for a confirmation (removing an account takes its name again). */
export async function apiDelete<T = unknown>(path: string, body?: unknown): Promise<T> {
  return request<T>('DELETE', path, body);
}

/** Builds `path?k=v&...`, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
