/**
 * At most N open connections per client address: one client holding thousands of slow
 * connections must not use up the server's file descriptors and lock everyone else out.
 * Counted at the socket, before a byte of a request is read. An IPv6 client counts by its /64
 * (anyone with IPv6 has a whole /64 to pick addresses from); IPv4-mapped addresses as IPv4.
 */
import { isIPv6 } from 'node:net';
import type { Server } from 'node:http';

/** The address a connection counts against. */
export function addressKey(remote: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!isIPv6(remote)) return remote;
  return `${expandIPv6(remote).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, as lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  const plain = address.split('%')[0] ?? address;
  const [head = '', tail] = plain.split('::');
  const part = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const zeros = Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...zeros, ...right].map((g) => (g.includes('.') ? g : Number.parseInt(g, 16).toString(16)));
}

/** Destroys each new connection beyond `max` from one address (0: no limit). */
export function limitConnectionsPerAddress(server: Server, max: number): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const key = addressKey(socket.remoteAddress ?? '');
    const n = open.get(key) ?? 0;
    if (n >= max) {
      socket.destroy();
      return;
    }
    open.set(key, n + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}
