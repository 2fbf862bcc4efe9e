// Whole-object operations on a data location (local directory, http(s) base, s3://bucket/prefix):
// read the small manifest, check a file's size and checksum, and publish files (local and S3).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describeLocation, joinLocation, parseLocation, s3Client } from './location.js';
import { StorageUnavailable, underDeadline } from './limits.js';

export interface ObjectStore {
  readonly location: string;
  /** The object's text, or null when it does not exist. */
  readText(key: string): Promise<string | null>;
  /** Size in bytes, or null when missing. */
  size(key: string): Promise<number | null>;
  /** SHA-256 (hex) of the whole object, read as a stream. */
  sha256(key: string): Promise<string>;
  /** Writes a local file or text under key, atomically for readers (temp + rename, or one PUT). */
  putFile(key: string, path: string): Promise<void>;
  putText(key: string, text: string, contentType?: string): Promise<void>;
  readonly writable: boolean;
}

function missing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

async function hashStream(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

/** Hashing a whole file takes longer than one range read: a deadline per started 64 MiB. */
function hashDeadlineFactor(size: number | null): number {
  return Math.max(1, Math.ceil((size ?? 0) / (64 * 1024 * 1024)));
}

class LocalStore implements ObjectStore {
  readonly writable = true;
  constructor(readonly location: string) {}
  private path(key: string) { return join(this.location, key); }
  async readText(key: string) { return existsSync(this.path(key)) ? readFileSync(this.path(key), 'utf8') : null; }
  async size(key: string) { try { return statSync(this.path(key)).size; } catch { return null; } }
  sha256(key: string) { return hashStream(createReadStream(this.path(key))); }
  async putFile(key: string, path: string) {
    const target = this.path(key);
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    copyFileSync(path, tmp);
    renameSync(tmp, target);
  }
  async putText(key: string, text: string) {
    const target = this.path(key);
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, target);
  }
}

class HttpStore implements ObjectStore {
  readonly writable = false;
  constructor(readonly location: string) {}
  private url(key: string) { return joinLocation(this.location, key); }
  readText(key: string) {
    const url = this.url(key);
    return underDeadline('http', describeLocation(url), async (signal) => {
      // The manifest must be fresh: ask caches in between to revalidate.
      const response = await fetch(url, { signal, headers: { 'Cache-Control': 'no-cache' } });
      if (response.status === 404) { await response.body?.cancel(); return null; }
      if (!response.ok) { await response.body?.cancel(); throw new StorageUnavailable(describeLocation(url), `HTTP ${response.status}`); }
      return response.text();
    }, (text) => text?.length ?? 0);
  }
  size(key: string) {
    const url = this.url(key);
    return underDeadline('http', describeLocation(url), async (signal) => {
      const response = await fetch(url, { signal, headers: { Range: 'bytes=0-0' } });
      await response.body?.cancel();
      if (response.status === 404) return null;
      if (response.status !== 206) throw new StorageUnavailable(describeLocation(url), `pas de lecture par plage (HTTP ${response.status})`);
      const total = Number((response.headers.get('content-range') ?? '').split('/')[1]);
      return Number.isFinite(total) ? total : null;
    }, () => 0);
  }
  async sha256(key: string) {
    const url = this.url(key);
    const factor = hashDeadlineFactor(await this.size(key));
    return underDeadline('http', describeLocation(url), async (signal) => {
      const response = await fetch(url, { signal });
      if (!response.ok || !response.body) throw new StorageUnavailable(describeLocation(url), `HTTP ${response.status}`);
      return hashStream(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>));
    }, () => 0, factor);
  }
  async putFile(): Promise<void> { throw new Error(`${describeLocation(this.location)}: an http(s) location is read-only; publish to a directory or s3:// and serve that over HTTP`); }
  async putText(): Promise<void> { return this.putFile(); }
}

class S3Store implements ObjectStore {
  readonly writable = true;
  private bucket: string;
  private prefix: string;
  constructor(readonly location: string) {
    const parsed = parseLocation(location);
    if (parsed.kind !== 's3') throw new Error(`not an s3:// location: ${location}`);
    this.bucket = parsed.bucket;
    this.prefix = parsed.key.replace(/\/+$/, '');
  }
  private key(key: string) { return this.prefix ? `${this.prefix}/${key}` : key; }
  private name(key: string) { return `s3://${this.bucket}/${this.key(key)}`; }
  readText(key: string) {
    return underDeadline('s3', this.name(key), async (abortSignal) => {
      try {
        const answer = await s3Client().send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }), { abortSignal });
        return await answer.Body!.transformToString('utf8');
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
    }, (text) => text?.length ?? 0);
  }
  size(key: string) {
    return underDeadline('s3', this.name(key), async (abortSignal) => {
      try {
        return (await s3Client().send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(key) }), { abortSignal })).ContentLength ?? null;
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
    }, () => 0);
  }
  async sha256(key: string) {
    const factor = hashDeadlineFactor(await this.size(key));
    return underDeadline('s3', this.name(key), async (abortSignal) => {
      const answer = await s3Client().send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }), { abortSignal });
      return hashStream(answer.Body as AsyncIterable<Uint8Array>);
    }, () => 0, factor);
  }
  async putFile(key: string, path: string) {
    await s3Client().send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(key), Body: createReadStream(path), ContentLength: statSync(path).size }));
  }
  async putText(key: string, text: string, contentType = 'application/json') {
    // One PUT replaces the object whole: readers see the old or the new manifest, never half.
    await s3Client().send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(key), Body: text, ContentType: contentType, CacheControl: 'no-cache' }));
  }
}

export function openStore(location: string): ObjectStore {
  const parsed = parseLocation(location);
  if (parsed.kind === 'http') return new HttpStore(location);
  if (parsed.kind === 's3') return new S3Store(location);
  return new LocalStore(parsed.path);
}
