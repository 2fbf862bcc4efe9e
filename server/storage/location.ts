// Where data lives: a local directory, an http(s) base URL, or s3://bucket/prefix.
import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

export type Location =
  | { kind: 'file'; path: string }
  | { kind: 'http'; url: string }
  | { kind: 's3'; bucket: string; key: string };

export function isRemote(location: string): boolean {
  return /^(https?|s3):\/\//i.test(location);
}

export function parseLocation(location: string): Location {
  if (/^https?:\/\//i.test(location)) return { kind: 'http', url: location };
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(location);
  if (s3) return { kind: 's3', bucket: s3[1], key: s3[2] };
  return { kind: 'file', path: resolve(location) };
}

/** `base` + relative path `rel` (always with `/` for URLs and keys). */
export function joinLocation(base: string, rel: string): string {
  if (/^https?:\/\//i.test(rel)) return rel;
  if (isRemote(base)) return `${base.replace(/\/+$/, '')}/${rel.replace(/^\/+/, '')}`;
  return join(base, rel);
}

/** For logs: the location without any user:password a URL may carry. */
export function describeLocation(location: string): string {
  return location.replace(/\/\/[^/@]*@/, '//');
}

let client: S3Client | null = null;

/**
 * One S3 client for the process: the SDK's standard credential chain (environment, shared files,
 * SSO, instance or container roles); AWS_ENDPOINT_URL(_S3) for an S3-compatible store, which then
 * gets path-style addressing (AWS_S3_FORCE_PATH_STYLE=false turns it off).
 */
export function s3Client(): S3Client {
  if (client) return client;
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const pathStyle = process.env.AWS_S3_FORCE_PATH_STYLE ? process.env.AWS_S3_FORCE_PATH_STYLE === 'true' : Boolean(endpoint);
  // The deadline of each request is ours (limits.ts): the SDK's own retries stay within it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  client = new S3Client({
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint, forcePathStyle: pathStyle, maxAttempts: 2,
    // Whole-file SHA-256 sums live in our manifest; the SDK's default trailing CRC (aws-chunked
    // uploads) is not understood by every S3-compatible store, so checksums only where required.
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return client;
}

/** Forgets the client (tests changing AWS_ENDPOINT_URL between servers). */
export function resetS3Client(): void {
  client?.destroy();
  client = null;
}
