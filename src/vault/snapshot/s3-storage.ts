/**
 * Snapshots in an S3-compatible bucket (`textvault snapshot --to s3://bucket/prefix`): the same
 * layout as a folder (storage.ts) under the prefix, with the endpoint, region and keys from the
 * standard AWS environment variables (blobs/s3/s3-location.ts). The bucket must exist.
 *
 * A PUT is whole or absent and durable once S3 answers it, so objects need no temp names and
 * flush() has nothing to do. The lock is an object of its own holding who took it and when; S3
 * has no exclusive create every server honours, so two writers starting in the same moment are
 * caught by reading the lock back, and a lock older than LOCK_STALE_MS (a writer that died) is
 * taken over.
 */
import os from 'node:os';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { s3Client } from '../../blobs/s3/s3-client.js';
import { s3Location } from '../../blobs/s3/s3-location.js';
import { processAlive } from '../lock.js';
import { SnapshotBusyError, SnapshotError } from './errors.js';
import { HEADER_FILE, manifestKey, objectKey, type SnapshotStorage, type StorageLock } from './storage.js';

/** A lock this old is a writer that died (a snapshot of a large vault takes minutes, not hours). */
const LOCK_STALE_MS = 12 * 60 * 60 * 1000;
const OBJECT_NAME = /^[0-9a-f]{64}$/;

interface LockBody {
  host: string;
  pid: number;
  at: number;
  token: string;
}

export class S3SnapshotStorage implements SnapshotStorage {
  readonly localWorkDir = undefined;

  private constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    /** '' or 'a/b/'. */
    private readonly root: string,
  ) {}

  static fromUrl(url: string, env: NodeJS.ProcessEnv = process.env): S3SnapshotStorage {
    // The spool folder is the media store's; snapshots write whole objects from memory.
    const location = s3Location(url, { spoolDir: os.tmpdir() }, env);
    return new S3SnapshotStorage(s3Client(location), location.bucket, location.prefix === '' ? '' : `${location.prefix}/`);
  }

  get location(): string {
    return `s3://${this.bucket}${this.root === '' ? '' : `/${this.root.slice(0, -1)}`}`;
  }

  describe(entry: string): string {
    return `s3://${this.bucket}/${this.root}${entry}`;
  }

  private key(entry: string): string {
    return `${this.root}${entry}`;
  }

  /** What a failed request means for the user: which bucket and what to check. */
  private failure(what: string, e: unknown): SnapshotError {
    const name = e instanceof Error ? e.name : 'Error';
    const detail = e instanceof Error ? e.message : String(e);
    if (name === 'NoSuchBucket') return new SnapshotError(`the bucket ${this.bucket} does not exist: create it first (or check AWS_ENDPOINT_URL), then snapshot to ${this.location} again`);
    if (name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch')
      return new SnapshotError(`${what}: ${this.location} refused the keys (${name}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`);
    return new SnapshotError(`${what}: ${detail} (${name})`);
  }

  private async get(entry: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(entry) }));
      if (out.Body === undefined) return Buffer.alloc(0);
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (e) {
      if (e instanceof Error && (e.name === 'NoSuchKey' || e.name === 'NotFound')) return undefined;
      throw this.failure(`cannot read ${this.describe(entry)}`, e);
    }
  }

  private async put(entry: string, bytes: Buffer): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(entry), Body: bytes, ContentLength: bytes.length }));
    } catch (e) {
      throw this.failure(`cannot write ${this.describe(entry)}`, e);
    }
  }

  private async remove(entry: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(entry) }));
    } catch (e) {
      throw this.failure(`cannot remove ${this.describe(entry)}`, e);
    }
  }

  /** The keys under `entryPrefix`, relative to it. */
  private async list(entryPrefix: string, limit?: number): Promise<string[]> {
    const prefix = this.key(entryPrefix);
    const out: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token, ...(limit === undefined ? {} : { MaxKeys: limit }) }));
        for (const o of page.Contents ?? []) if (o.Key !== undefined) out.push(o.Key.slice(prefix.length));
        token = page.IsTruncated === true && limit === undefined ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (e) {
      throw this.failure(`cannot list ${this.describe(entryPrefix)}`, e);
    }
    return out;
  }

  readHeader(): Promise<Buffer | undefined> {
    return this.get(HEADER_FILE);
  }

  async create(header: Buffer): Promise<void> {
    if ((await this.list('', 1)).length > 0)
      throw new SnapshotError(`${this.location} is not empty and holds no snapshots: give an empty bucket or a new prefix (s3://${this.bucket}/NEW-PREFIX) to keep snapshots in`);
    await this.put(HEADER_FILE, header);
  }

  async lock(): Promise<StorageLock> {
    const mine: LockBody = { host: os.hostname(), pid: process.pid, at: Date.now(), token: `${process.pid}-${Math.random().toString(36).slice(2)}` };
    const held = await this.get('lock');
    const other = held === undefined ? undefined : parseLock(held);
    if (other !== undefined) {
      const sameHost = other.host === mine.host;
      // On this machine a gone process is known at once; another machine's only by the lock's age.
      const gone = (sameHost && !processAlive(other.pid)) || Date.now() - other.at >= LOCK_STALE_MS;
      if (!gone && sameHost) throw new SnapshotBusyError(this.location, other.pid);
      if (!gone)
        throw new SnapshotError(
          `${this.location} is being written by process ${other.pid} on ${other.host} since ${new Date(other.at).toISOString()}: wait for it, or remove ${this.describe('lock')} if that process is gone`,
        );
    }
    await this.put('lock', Buffer.from(JSON.stringify(mine)));
    // Two writers that found no lock at the same moment: the later PUT wins, the other backs off.
    const back = await this.get('lock');
    if (back === undefined || parseLock(back)?.token !== mine.token) throw new SnapshotError(`${this.location} was locked by another writer at the same moment: run the snapshot again`);
    return { release: () => this.remove('lock') };
  }

  async hasObject(name: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(objectKey(checked(name))) }));
      return true;
    } catch (e) {
      if (e instanceof Error && (e.name === 'NotFound' || e.name === 'NoSuchKey')) return false;
      throw this.failure(`cannot look up ${this.describe(objectKey(name))}`, e);
    }
  }

  putObject(name: string, bytes: Buffer): Promise<void> {
    return this.put(objectKey(checked(name)), bytes);
  }

  getObject(name: string): Promise<Buffer | undefined> {
    return this.get(objectKey(checked(name)));
  }

  async objectNames(): Promise<string[]> {
    return (await this.list('objects/')).map((k) => k.split('/').at(-1) ?? '').filter((n) => OBJECT_NAME.test(n));
  }

  removeObject(name: string): Promise<void> {
    return this.remove(objectKey(checked(name)));
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  async manifestNames(): Promise<string[]> {
    return (await this.list('snapshots/')).filter((k) => !k.includes('/'));
  }

  putManifest(id: string, bytes: Buffer): Promise<void> {
    return this.put(manifestKey(id), bytes);
  }

  getManifest(id: string): Promise<Buffer | undefined> {
    return this.get(manifestKey(id));
  }

  removeManifest(id: string): Promise<void> {
    return this.remove(manifestKey(id));
  }
}

function checked(name: string): string {
  if (!OBJECT_NAME.test(name)) throw new SnapshotError(`not an object name: ${name}`);
  return name;
}

function parseLock(bytes: Buffer): LockBody | undefined {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as Partial<LockBody>;
    if (typeof v.host === 'string' && typeof v.pid === 'number' && typeof v.at === 'number' && typeof v.token === 'string') return v as LockBody;
  } catch {
    // A lock that is not ours to read: treated as stale below.
  }
  return undefined;
}
