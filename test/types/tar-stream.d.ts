/**
 * The part of tar-stream 2.x (a devDependency: the oracle of test/formats/androidbackup/tar.test.ts)
 * those tests use; the package ships no types.
 */
declare module 'tar-stream' {
  import type { Readable, Writable } from 'node:stream';

  export interface Headers {
    name: string;
    size?: number;
    type?: string;
    mtime?: Date;
    mode?: number;
    pax?: Record<string, string>;
  }

  export interface Extract extends Writable {
    on(event: 'entry', listener: (header: Headers, stream: Readable, next: () => void) => void): this;
    on(event: 'finish' | 'close', listener: () => void): this;
    on(event: 'error', listener: (e: Error) => void): this;
  }

  export interface Pack extends Readable {
    entry(header: Headers, buffer?: Buffer | string, callback?: (err?: Error | null) => void): Writable;
    finalize(): void;
  }

  export function extract(opts?: { allowUnknownFormat?: boolean }): Extract;
  export function pack(): Pack;
}
