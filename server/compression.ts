// Content-Encoding: zstd (where the runtime's zlib has it: Node ≥ 22.15, not Node 20), brotli and gzip
// negotiated from Accept-Encoding. Streamed answers (pages rendered for the first time, exports,
// documents, HTML) go through the `compression` middleware, or for zstd, which it does not know, through
// streamZstd below; answers kept in a cache (GeoJSON pages, features, tiles) are compressed once per
// encoding, off the event loop, and sent as they are stored.
import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';
import Negotiator from 'negotiator';
import onHeaders from 'on-headers';
import type { Transform } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type ContentEncoding = 'zstd' | 'br' | 'gzip' | 'identity';

/** A zstd compressor: a stream for answers rendered once, a buffer for answers a cache keeps. */
export interface ZstdCodec {
  stream(): Transform;
  compress(data: Buffer): Promise<Buffer>;
}

type ZstdZlib = typeof zlib & {
  createZstdCompress?: (options: { params: Record<number, number> }) => Transform;
  zstdCompress?: (data: Buffer, options: { params: Record<number, number>; pledgedSrcSize?: number }, cb: (err: Error | null, out: Buffer) => void) => void;
  constants: { ZSTD_c_compressionLevel?: number };
};

/** The runtime's zstd, or null (Node 20): zstd is then never offered. */
export function nativeZstd(z: ZstdZlib = zlib as ZstdZlib): ZstdCodec | null {
  const { createZstdCompress, zstdCompress } = z;
  const level = z.constants.ZSTD_c_compressionLevel;
  if (typeof createZstdCompress !== 'function' || typeof zstdCompress !== 'function' || level === undefined) return null;
  const once = promisify(zstdCompress.bind(z));
  return {
    // Level 3 (zstd's default) streams about as fast as gzip 1 and smaller; 9 for what is made once.
    stream: () => createZstdCompress.call(z, { params: { [level]: 3 } }),
    compress: (data) => once(data, { params: { [level]: 9 }, pledgedSrcSize: data.length }),
  };
}

let zstd = nativeZstd();

/** Replaces the zstd codec (tests, on a runtime without one); returns what puts the previous one back. */
export function useZstd(codec: ZstdCodec | null): () => void {
  const previous = zstd;
  zstd = codec;
  return () => { zstd = previous; };
}

export const zstdOffered = (): boolean => zstd !== null;

/** Media types worth compressing: text, JSON, XML and vector tiles (FlatGeobuf is binary but compresses 2–3×). */
const COMPRESSIBLE = /^(text\/|application\/(json|geo\+json|geo\+json-seq|schema\+json|vnd\.oai\.openapi\+json|problem\+json|javascript|xml|gml\+xml|vnd\.ogc\.fg\+xml|vnd\.mapbox-vector-tile|x-protobuf|flatgeobuf)|image\/svg\+xml)/i;

export function compressible(type: string | undefined): boolean {
  return !!type && COMPRESSIBLE.test(type);
}

/** The encoding this server sends for a request: zstd (where offered) first, brotli, then gzip, else none. */
export function preferredEncoding(req: Request): ContentEncoding {
  // negotiator ≥ 1 takes the server's preference among equal q-values (its types lag behind).
  const negotiator = new Negotiator(req) as unknown as { encoding(available: string[], options: { preferred: string[] }): string | undefined };
  const preferred = zstd ? ['zstd', 'br', 'gzip'] : ['br', 'gzip'];
  const chosen = negotiator.encoding([...preferred, 'identity'], { preferred });
  return (chosen as ContentEncoding | undefined) ?? 'identity';
}

/** A representation's ETag per encoding: `W/"x"` → `W/"x-br"` (RFC 9110: codings are distinct representations). */
export function encodedEtag(etag: string, encoding: ContentEncoding): string {
  return encoding === 'identity' ? etag : etag.replace(/"$/, `-${encoding}"`);
}

/** The ETag without its encoding suffix: a 304 holds whatever coding the client cached. */
export function identityEtag(tag: string): string {
  return tag.replace(/-(zstd|br|gzip|deflate)"$/, '"');
}

/**
 * Streamed compression for everything not sent from a cache. Responses that already carry a
 * Content-Encoding (cached variants) pass untouched; an ETag gets the encoding's suffix.
 */
export function compressionMiddleware(): RequestHandler {
  // The fastest levels: a 1,000-feature page (350 KB–1 MB) shrinks 15–20× in 1–3 ms; higher levels
  // gain a few KB for ten times the CPU of a page rendered once.
  const compress = compression({
    filter: (_req, res) => compressible(String(res.getHeader('Content-Type') ?? '')),
    threshold: 1024,
    level: 1,
    brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } },
  });
  return (req, res, next) => {
    onHeaders(res, () => {
      const encoding = res.getHeader('Content-Encoding');
      const etag = res.getHeader('ETag');
      if ((encoding === 'zstd' || encoding === 'br' || encoding === 'gzip') && typeof etag === 'string' && !/-(zstd|br|gzip)"$/.test(etag)) {
        res.setHeader('ETag', encodedEtag(etag, encoding));
      }
    });
    if (zstd && preferredEncoding(req) === 'zstd') {
      streamZstd(req, res, zstd);
      next();
      return;
    }
    compress(req, res, next);
  };
}

type Chunk = string | Uint8Array;
const toBuffer = (chunk: Chunk, encoding?: BufferEncoding) => (typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);

/**
 * zstd for a streamed answer, as the `compression` middleware does brotli and gzip (same rules: a
 * compressible type, not HEAD, not already encoded, no `Cache-Control: no-transform`, 1 KB at least
 * when the length is known); writes go through the compressor, with back-pressure both ways.
 */
function streamZstd(req: Request, res: Response, codec: ZstdCodec): void {
  const write = res.write;
  const end = res.end;
  const on = res.on;
  let stream: Transform | null = null;
  let ended = false;
  let length: number | undefined;
  let drains: ((...args: unknown[]) => void)[] | null = [];
  const passDrains = () => { for (const l of drains ?? []) on.call(res, 'drain', l); drains = null; };

  res.write = function (this: Response, chunk: Chunk, encoding?: unknown, cb?: unknown) {
    if (ended) return false;
    if (!res.headersSent) res.writeHead(res.statusCode);
    if (stream) return stream.write(toBuffer(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : undefined));
    return (write as (...a: unknown[]) => boolean).call(res, chunk, encoding, cb);
  } as typeof res.write;
  res.end = function (this: Response, chunk?: unknown, encoding?: unknown, cb?: unknown) {
    if (ended) return res;
    if (!res.headersSent) {
      if (!res.getHeader('Content-Length') && (typeof chunk === 'string' || chunk instanceof Uint8Array)) {
        length = typeof chunk === 'string' ? Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : undefined) : chunk.length;
      }
      res.writeHead(res.statusCode);
    }
    if (!stream) return (end as (...a: unknown[]) => Response).call(res, chunk, encoding, cb);
    ended = true;
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) stream.end(toBuffer(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : undefined));
    else stream.end();
    return res;
  } as typeof res.end;
  res.on = function (this: Response, type: string, listener: (...args: unknown[]) => void) {
    if (type !== 'drain' || !drains) return on.call(res, type, listener);
    if (stream) stream.on('drain', listener);
    else drains.push(listener);
    return res;
  } as typeof res.on;
  // A client gone before the end: the compressor's native memory goes with it.
  on.call(res, 'close', () => { if (stream) { stream.destroy(); (stream as Transform & { close?: () => void }).close?.(); } });

  onHeaders(res, () => {
    if (!compressible(String(res.getHeader('Content-Type') ?? ''))
      || /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(String(res.getHeader('Cache-Control') ?? ''))) {
      passDrains();
      return;
    }
    res.vary('Accept-Encoding');
    const known = Number(res.getHeader('Content-Length'));
    if (known < 1024 || (length !== undefined && length < 1024) || req.method === 'HEAD' || res.destroyed
      || (res.getHeader('Content-Encoding') ?? 'identity') !== 'identity') {
      passDrains();
      return;
    }
    const s = codec.stream();
    stream = s;
    for (const l of drains ?? []) s.on('drain', l);
    drains = null;
    res.setHeader('Content-Encoding', 'zstd');
    res.removeHeader('Content-Length');
    s.on('data', (chunk: Buffer) => { if ((write as (c: Buffer) => boolean).call(res, chunk) === false) s.pause(); });
    s.on('end', () => (end as () => void).call(res));
    // A compressor failure ends this answer, not the process.
    s.on('error', (error) => res.destroy(error));
    on.call(res, 'drain', () => s.resume());
  });
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** A body and its encoded variants, each made once (in the thread pool) when first asked for. */
export class EncodedBody {
  private variants = new Map<ContentEncoding, Promise<Buffer>>();
  private encodedBytes = 0;
  /** Status and headers of the answer this body was sent with, when a cache must replay them. */
  response?: { status?: number; headers?: Record<string, string> };

  constructor(readonly identity: Buffer) {}

  get(encoding: ContentEncoding): Promise<Buffer> {
    if (encoding === 'identity') return Promise.resolve(this.identity);
    let variant = this.variants.get(encoding);
    if (!variant) {
      // Made once and sent many times: better levels (brotli 5 ≈ 35×, gzip 6), still ~20 ms a page.
      if (encoding === 'zstd' && !zstd) return Promise.reject(new Error('zstd is not offered by this runtime'));
      variant = (encoding === 'zstd'
        ? zstd!.compress(this.identity)
        : encoding === 'br'
        ? brotli(this.identity, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: this.identity.length } })
        : gzip(this.identity, { level: 6 })
      ).then((buffer) => { this.encodedBytes += buffer.length; return buffer; });
      this.variants.set(encoding, variant);
    }
    return variant;
  }

  /** Memory held: the body and every variant made so far. */
  get bytes(): number { return this.identity.length + this.encodedBytes; }
}

/**
 * Sends a cached body in the encoding the request prefers (small bodies as they are), with
 * Content-Length, Vary and the ETag of that encoding. Content-Type must already be set.
 */
export async function sendEncoded(req: Request, res: Response, body: EncodedBody): Promise<void> {
  res.vary('Accept-Encoding');
  const wanted = body.identity.length >= 1024 && compressible(String(res.getHeader('Content-Type') ?? '')) ? preferredEncoding(req) : 'identity';
  const bytes = await body.get(wanted);
  if (wanted !== 'identity') {
    res.setHeader('Content-Encoding', wanted);
    const etag = res.getHeader('ETag');
    if (typeof etag === 'string') res.setHeader('ETag', encodedEtag(etag, wanted));
  }
  res.setHeader('Content-Length', String(bytes.length));
  res.end(bytes);
}
