// Byte-range access to a file, an http(s) URL or an S3 object, behind one interface, with a bounded
// block cache. Every read has a deadline (storage/limits.ts) and is counted.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { asDataFileError, DataFileError } from './data-error.js';
import { opsStats } from '../ops/stats.js';
import { describeLocation, parseLocation, s3Client } from '../storage/location.js';
import { StorageUnavailable, underDeadline } from '../storage/limits.js';

export interface RangeSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Changes when the underlying file changes (mtime+size or ETag). */
  readonly version: string;
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export class FileRangeSource implements RangeSource {
  private constructor(private handle: FileHandle, readonly size: number, readonly version: string, private path: string) {}

  static async open(path: string): Promise<FileRangeSource> {
    const info = await stat(path);
    const handle = await open(path, 'r');
    return new FileRangeSource(handle, info.size, `${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}`, path);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length);
    return underDeadline('file', 'fichier local', async () => {
      const buffer = Buffer.allocUnsafe(Math.max(0, end - offset));
      let done = 0;
      while (done < buffer.length) {
        let bytesRead: number;
        // A local read error (EIO, EBADF) is this file's: its collection answers 503, the file is logged.
        try { ({ bytesRead } = await this.handle.read(buffer, done, buffer.length - done, offset + done)); } catch (error) { throw asDataFileError(this.path, error); }
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      // Bounds check: the file shrank since it was opened (cut in place); never hand out fewer bytes.
      if (done < buffer.length) throw new DataFileError(this.path, `file ends at byte ${offset + done}, expected ${this.size} bytes (truncated since opened)`);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, done);
    }, (bytes) => bytes.length);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export class HttpRangeSource implements RangeSource {
  private constructor(private url: string, readonly size: number, readonly version: string, private headers: Record<string, string>) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<HttpRangeSource> {
    const name = describeLocation(url);
    // A one-byte range answers both "are ranges supported" and the total size (Content-Range).
    const { total, version } = await underDeadline('http', name, async (signal) => {
      const response = await fetch(url, { headers: { ...headers, Range: 'bytes=0-0' }, signal });
      if (response.status !== 206) {
        await response.body?.cancel();
        throw new StorageUnavailable(name, `pas de lecture par plage (HTTP ${response.status})`);
      }
      const range = response.headers.get('content-range') ?? '';
      const total = Number(range.split('/')[1]);
      await response.arrayBuffer();
      if (!Number.isFinite(total)) throw new StorageUnavailable(name, 'pas de taille totale dans Content-Range');
      return { total, version: response.headers.get('etag') ?? response.headers.get('last-modified') ?? String(total) };
    }, () => 1);
    return new HttpRangeSource(url, total, version, headers);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length) - 1;
    if (end < offset) return new Uint8Array(0);
    const name = describeLocation(this.url);
    return underDeadline('http', name, async (signal) => {
      const response = await fetch(this.url, { headers: { ...this.headers, Range: `bytes=${offset}-${end}` }, signal });
      if (response.status !== 206 && response.status !== 200) {
        await response.body?.cancel();
        throw new StorageUnavailable(name, `plage ${offset}-${end} : HTTP ${response.status}`);
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      // A server that ignores Range sends the whole file: keep only the slice asked for.
      return response.status === 200 ? bytes.subarray(offset, end + 1) : bytes;
    }, (bytes) => bytes.length);
  }

  async close(): Promise<void> {}
}

/** An S3 object (s3://bucket/key) read with ranged GetObject requests; never downloaded whole. */
export class S3RangeSource implements RangeSource {
  private constructor(private bucket: string, private key: string, readonly size: number, readonly version: string) {}

  static async open(bucket: string, key: string): Promise<S3RangeSource> {
    const name = `s3://${bucket}/${key}`;
    const head = await underDeadline('s3', name, (abortSignal) => s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal }), () => 0);
    if (head.ContentLength === undefined) throw new StorageUnavailable(name, 'taille inconnue');
    return new S3RangeSource(bucket, key, head.ContentLength, head.ETag ?? String(head.ContentLength));
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length) - 1;
    if (end < offset) return new Uint8Array(0);
    return underDeadline('s3', `s3://${this.bucket}/${this.key}`, async (abortSignal) => {
      const answer = await s3Client().send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: `bytes=${offset}-${end}` }), { abortSignal });
      const bytes = await answer.Body!.transformToByteArray();
      // A store that ignores Range sends the whole object: keep only the slice asked for.
      return answer.ContentRange ? bytes : bytes.subarray(offset, end + 1);
    }, (bytes) => bytes.length);
  }

  async close(): Promise<void> {}
}

export function openRangeSource(location: string): Promise<RangeSource> {
  const parsed = parseLocation(location);
  if (parsed.kind === 'http') return HttpRangeSource.open(parsed.url);
  if (parsed.kind === 's3') return S3RangeSource.open(parsed.bucket, parsed.key);
  return FileRangeSource.open(location);
}

/**
 * Fixed-size block cache with LRU eviction: header and index blocks stay hot while the
 * memory used stays bounded whatever the file size. Large reads bypass it so that one
 * export does not evict the index.
 */
const blockStats = opsStats.cache('block');

export class CachedRangeSource implements RangeSource {
  private blocks = new Map<number, Promise<Uint8Array>>();

  constructor(
    private inner: RangeSource,
    private blockSize = 64 * 1024,
    private maxBlocks = 512,
    private bypassAbove = 256 * 1024,
  ) {}

  get size(): number { return this.inner.size; }
  get version(): string { return this.inner.version; }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (length > this.bypassAbove) return this.inner.read(offset, length);
    const end = Math.min(this.size, offset + length);
    if (end <= offset) return new Uint8Array(0);
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((end - 1) / this.blockSize);
    if (first === last) {
      const block = await this.block(first);
      const start = offset - first * this.blockSize;
      return block.subarray(start, start + (end - offset));
    }
    const out = new Uint8Array(end - offset);
    const parts = await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => this.block(first + i)));
    let written = 0;
    parts.forEach((block, i) => {
      const blockStart = (first + i) * this.blockSize;
      const from = Math.max(offset, blockStart) - blockStart;
      const to = Math.min(end, blockStart + block.length) - blockStart;
      out.set(block.subarray(from, to), written);
      written += to - from;
    });
    return out;
  }

  private block(n: number): Promise<Uint8Array> {
    let entry = this.blocks.get(n);
    blockStats.record(entry !== undefined);
    if (entry) {
      // Refresh recency: Map keeps insertion order.
      this.blocks.delete(n);
      this.blocks.set(n, entry);
      return entry;
    }
    entry = this.inner.read(n * this.blockSize, this.blockSize).then((bytes) => bytes.slice());
    entry.catch(() => this.blocks.delete(n));
    this.blocks.set(n, entry);
    if (this.blocks.size > this.maxBlocks) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
    return entry;
  }

  close(): Promise<void> {
    this.blocks.clear();
    return this.inner.close();
  }
}
