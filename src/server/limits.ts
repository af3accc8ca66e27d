/**
 * How long a client may take and how many connections it may hold (docs/security.md, "Limits").
 * Read from the vault's settings when the server starts (`textvault config set server.…`);
 * `serve` options override them (tests use short ones).
 */
import { parseByteSize, parseCount, parseHostNames, parseTimeout } from '../vault/config.js';
import type { Vault } from '../vault/vault.js';
import { DEFAULT_INGEST_MAX_BYTES } from './routes/ingest.js';

export interface ServerLimits {
  /**
   * Headers and body of a request must have arrived this long after it began. Uploads are
   * exempt once authenticated: they may take hours and are bounded by `idleTimeoutMs` instead.
   */
  requestTimeoutMs: number;
  /** A connection that sends and takes no byte for this long is closed (a stalled upload is aborted). */
  idleTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Open connections at once; more are closed as they arrive. */
  maxConnections: number;
  /** Open connections from one address (IPv6: one /64); 0 = no limit. */
  maxConnectionsPerAddress: number;
  /** Host names accepted in the Host header besides localhost and IP literals (host-check.ts). */
  hosts: string[];
}

export const DEFAULT_LIMITS: Omit<ServerLimits, 'hosts'> = {
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 10_000,
  maxConnections: 500,
  maxConnectionsPerAddress: 32,
};

/**
 * The vault's settings over the defaults. Behind a reverse proxy (`trustProxy`) every connection
 * comes from the proxy's address, so the per-address cap is off unless set explicitly: limit
 * connections per client at the proxy instead (docs/security.md).
 */
export async function serverLimits(vault: Vault, trustProxy: boolean): Promise<ServerLimits> {
  const get = (key: string): Promise<string | undefined> => vault.config.get(key);
  const timeout = async (key: string, fallback: number): Promise<number> => {
    const v = await get(key);
    return v === undefined ? fallback : parseTimeout(v, 1000);
  };
  const count = async (key: string, fallback: number, min: number): Promise<number> => {
    const v = await get(key);
    return v === undefined ? fallback : parseCount(v, min);
  };
  const hosts = await get('server.hosts');
  return {
    requestTimeoutMs: await timeout('server.request-timeout', DEFAULT_LIMITS.requestTimeoutMs),
    idleTimeoutMs: await timeout('server.idle-timeout', DEFAULT_LIMITS.idleTimeoutMs),
    keepAliveTimeoutMs: DEFAULT_LIMITS.keepAliveTimeoutMs,
    maxConnections: await count('server.max-connections', DEFAULT_LIMITS.maxConnections, 1),
    maxConnectionsPerAddress: await count('server.max-connections-per-address', trustProxy ? 0 : DEFAULT_LIMITS.maxConnectionsPerAddress, 0),
    hosts: hosts === undefined ? [] : parseHostNames(hosts),
  };
}

/** `uploads.max-size`, else `ingest.max-size`, else 8 GiB: the largest file POST /api/uploads takes. */
export async function uploadMaxBytes(vault: Vault): Promise<number> {
  const v = (await vault.config.get('uploads.max-size')) ?? (await vault.config.get('ingest.max-size'));
  return v === undefined ? DEFAULT_INGEST_MAX_BYTES : parseByteSize(v);
}
