import { describe, expect, it } from 'vitest';
import { ObjectKeys } from '../../../src/blobs/s3/object-keys.js';
import { parseS3Url, S3ConfigError, s3Location } from '../../../src/blobs/s3/s3-location.js';

const H = 'ab'.repeat(32);

describe('s3://bucket/prefix', () => {
  it('names a bucket and a prefix without outer slashes', () => {
    expect(parseS3Url('s3://media-bucket')).toEqual({ bucket: 'media-bucket', prefix: '' });
    expect(parseS3Url('s3://media-bucket/')).toEqual({ bucket: 'media-bucket', prefix: '' });
    expect(parseS3Url('s3://media.bucket/textvault/acme/')).toEqual({ bucket: 'media.bucket', prefix: 'textvault/acme' });
  });

  it('refuses what S3 would refuse or what would write outside the prefix, saying how to write it', () => {
    expect(() => parseS3Url('https://bucket/x')).toThrow(/s3:\/\/BUCKET/);
    expect(() => parseS3Url('s3://ab')).toThrow(S3ConfigError);
    expect(() => parseS3Url('s3://Media')).toThrow(/lowercase/);
    expect(() => parseS3Url('s3://bucket/a//b')).toThrow(/a\/b\/c/);
    expect(() => parseS3Url('s3://bucket/a/../b')).toThrow(S3ConfigError);
  });
});

describe('S3 settings', () => {
  it('come from the standard AWS environment variables', () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:7480',
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'AKIA1',
      AWS_SECRET_ACCESS_KEY: 'secret',
    };
    expect(s3Location('s3://bucket/p', { spoolDir: '/spool' }, env)).toEqual({
      backend: 's3',
      bucket: 'bucket',
      prefix: 'p',
      endpoint: 'http://127.0.0.1:7480',
      region: 'eu-central-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIA1', secretAccessKey: 'secret' },
      spoolDir: '/spool',
    });
    // The S3-specific endpoint variable wins; AWS_DEFAULT_REGION stands in for AWS_REGION; a session token is kept.
    const loc = s3Location('s3://bucket', { spoolDir: '/s' }, {
      AWS_ENDPOINT_URL: 'http://a:1',
      AWS_ENDPOINT_URL_S3: 'http://b:2',
      AWS_DEFAULT_REGION: 'us-west-2',
      AWS_ACCESS_KEY_ID: 'k',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_SESSION_TOKEN: 't',
    });
    expect(loc).toMatchObject({ endpoint: 'http://b:2', region: 'us-west-2', credentials: { accessKeyId: 'k', secretAccessKey: 's', sessionToken: 't' } });
  });

  it('on AWS itself: no endpoint, virtual-hosted addressing, the SDK credential chain when no keys are set', () => {
    expect(s3Location('s3://bucket', { spoolDir: '/s' }, {})).toMatchObject({ endpoint: undefined, region: 'us-east-1', forcePathStyle: false, credentials: undefined });
  });

  it('explicit configuration wins over the environment', () => {
    const env = { AWS_ENDPOINT_URL: 'http://env:1', AWS_REGION: 'env-region', AWS_ACCESS_KEY_ID: 'envkey', AWS_SECRET_ACCESS_KEY: 'envsecret' };
    const loc = s3Location('s3://bucket', { spoolDir: '/s', endpoint: 'https://conf', region: 'conf-region', forcePathStyle: false, credentials: { accessKeyId: 'c', secretAccessKey: 'cs' } }, env);
    expect(loc).toMatchObject({ endpoint: 'https://conf', region: 'conf-region', forcePathStyle: false, credentials: { accessKeyId: 'c', secretAccessKey: 'cs' } });
  });

  it('refuses half a key pair and an endpoint that is not an http(s) URL', () => {
    expect(() => s3Location('s3://bucket', { spoolDir: '/s' }, { AWS_ACCESS_KEY_ID: 'k' })).toThrow(/set both/);
    expect(() => s3Location('s3://bucket', { spoolDir: '/s' }, { AWS_ENDPOINT_URL: 'localhost:7480' })).toThrow(/http/);
    expect(() => s3Location('s3://bucket', { spoolDir: '/s' }, { AWS_ENDPOINT_URL: 'not a url' })).toThrow(/not a URL/);
  });
});

describe('object keys', () => {
  it('lay blobs out as prefix/ab/cd/<sha256> and temp uploads under prefix/tmp/', () => {
    const keys = new ObjectKeys('t/v');
    expect(keys.blob(H)).toBe(`t/v/ab/ab/${H}`);
    expect(keys.tmp('x')).toBe('t/v/tmp/x');
    expect(new ObjectKeys('').blob(H)).toBe(`ab/ab/${H}`);
    expect(keys.blobOf(`t/v/ab/ab/${H}`)).toBe(H);
    expect(keys.blobOf(`t/v/tmp/${H}`)).toBeUndefined();
    expect(keys.blobOf(`t/v/ab/cd/${H}`)).toBeUndefined();
    expect(keys.blobOf(`t/vx/ab/ab/${H}`)).toBeUndefined();
    expect(() => keys.blob('../../etc')).toThrow(/SHA-256/);
  });
});
