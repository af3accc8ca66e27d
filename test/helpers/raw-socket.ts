/**
 * A raw TCP client for attacks an HTTP client library would not make: headers or bodies sent a
 * byte at a time, connections held open, requests from a chosen local address.
 */
import net from 'node:net';

export interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with the milliseconds from connect to close once the server (or we) closed it. */
  closed: Promise<number>;
  isClosed(): boolean;
}

export function rawConnect(port: number, options: { localAddress?: string } = {}): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }) });
    let text = '';
    let done = false;
    const start = Date.now();
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
    });
    // A reset by the server is one way of being closed.
    socket.on('error', () => undefined);
    const closed = new Promise<number>((r) => {
      socket.on('close', () => {
        done = true;
        r(Date.now() - start);
      });
    });
    socket.once('connect', () => {
      resolve({ socket, received: () => text, closed, isClosed: () => done });
    });
    socket.once('error', reject);
  });
}

/** Writes `text` a piece at a time, `everyMs` apart, until it is all sent or the socket closes. */
export async function trickle(socket: net.Socket, text: string | Buffer, pieceBytes: number, everyMs: number): Promise<void> {
  const data = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < data.length && !socket.destroyed; i += pieceBytes) {
    socket.write(data.subarray(i, i + pieceBytes));
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The status code of the first response in `text`, or undefined. */
export function statusOf(text: string): number | undefined {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** The JSON body of the (single) response in `text`. */
export function bodyOf(text: string): unknown {
  const at = text.indexOf('\r\n\r\n');
  return JSON.parse(text.slice(at + 4)) as unknown;
}
