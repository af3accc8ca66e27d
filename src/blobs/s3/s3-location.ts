/**
 * Where an S3 media store is: `s3://bucket/prefix` plus the endpoint, region and keys, from
 * explicit configuration or else the standard AWS environment variables. The result is plain data,
 * so an import's worker thread can be handed it and open the same store (media-store.ts).
 *
 * Environment (the names every AWS tool reads):
 * - AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL: the S3 endpoint of a non-AWS service (Ceph RGW,
 *   MinIO, Garage); unset means AWS itself. A custom endpoint is addressed path-style
 *   (http://host/bucket/key), which every S3-compatible server understands without DNS set-up.
 * - AWS_REGION, else AWS_DEFAULT_REGION: the signing region (default us-east-1; Ceph and MinIO
 *   accept any).
 * - AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN): the keys. When they are unset
 *   here, the SDK's own chain is used at run time (shared config files, instance roles).
 */

/** An S3 media store's location (the `s3` member of MediaStoreLocation). */
export interface S3MediaLocation {
  readonly backend: 's3';
  readonly bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket's root. */
  readonly prefix: string;
  /** undefined: AWS's own endpoint for the region. */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly forcePathStyle: boolean;
  /** undefined: the SDK's default credential chain (environment, shared files, instance role). */
  readonly credentials: S3Credentials | undefined;
  /** A local folder where blobs are spooled between an import's synchronous write and their upload. */
  readonly spoolDir: string;
}

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Settings given explicitly (a config file, the command line); each wins over its environment variable. */
export interface S3Config {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  credentials?: S3Credentials;
  spoolDir: string;
}

/** A media URL or S3 setting that cannot work; the message says what to change. */
export class S3ConfigError extends Error {
  override name = 'S3ConfigError';
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/some/prefix/` -> { bucket, prefix: 'some/prefix' }. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (match === null) throw new S3ConfigError(`media location ${JSON.stringify(url)} is not an S3 URL: write s3://BUCKET or s3://BUCKET/PREFIX`);
  const bucket = match[1] ?? '';
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new S3ConfigError(`${JSON.stringify(bucket)} is not a valid S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit`);
  }
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((part) => part === '' || part === '.' || part === '..') && prefix !== '') {
    throw new S3ConfigError(`S3 prefix ${JSON.stringify(prefix)} has an empty, '.' or '..' part: write it as a/b/c`);
  }
  return { bucket, prefix };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The location of `s3://bucket/prefix`, each setting from `config` or else from `env`. */
export function s3Location(url: string, config: S3Config, env: NodeJS.ProcessEnv = process.env): S3MediaLocation {
  const { bucket, prefix } = parseS3Url(url);
  const endpoint = nonEmpty(config.endpoint) ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  if (endpoint !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(endpoint);
    } catch (e) {
      throw new S3ConfigError(`S3 endpoint ${JSON.stringify(endpoint)} is not a URL: write e.g. https://s3.example.org or http://127.0.0.1:7480`, { cause: e });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new S3ConfigError(`S3 endpoint ${endpoint} must start with http:// or https://`);
  }
  const region = nonEmpty(config.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1';
  let credentials = config.credentials;
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (credentials === undefined && (accessKeyId !== undefined) !== (secretAccessKey !== undefined)) {
    throw new S3ConfigError('only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set: set both, or neither to use the AWS shared configuration');
  }
  if (credentials === undefined && accessKeyId !== undefined && secretAccessKey !== undefined) {
    const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
    credentials = sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken };
  }
  return {
    backend: 's3',
    bucket,
    prefix,
    endpoint,
    region,
    forcePathStyle: config.forcePathStyle ?? endpoint !== undefined,
    credentials,
    spoolDir: config.spoolDir,
  };
}
