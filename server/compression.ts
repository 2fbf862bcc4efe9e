// Content-Encoding: brotli and gzip negotiated from Accept-Encoding (Node 20 has no zstd).
// Streamed answers (pages rendered for the first time, exports, documents, HTML) go through the
// `compression` middleware; answers kept in a cache (GeoJSON pages, features, tiles) are compressed
// once per encoding, off the event loop, and sent as they are stored.
import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';
import Negotiator from 'negotiator';
import onHeaders from 'on-headers';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type ContentEncoding = 'br' | 'gzip' | 'identity';

/** Media types worth compressing: text, JSON, XML and vector tiles (FlatGeobuf is binary but compresses 2–3×). */
const COMPRESSIBLE = /^(text\/|application\/(json|geo\+json|geo\+json-seq|schema\+json|vnd\.oai\.openapi\+json|problem\+json|javascript|xml|gml\+xml|vnd\.ogc\.fg\+xml|vnd\.mapbox-vector-tile|x-protobuf|flatgeobuf)|image\/svg\+xml)/i;

export function compressible(type: string | undefined): boolean {
  return !!type && COMPRESSIBLE.test(type);
}

/** The encoding this server sends for a request: brotli first, then gzip, else none. */
export function preferredEncoding(req: Request): ContentEncoding {
  // negotiator ≥ 1 takes the server's preference among equal q-values (its types lag behind).
  const negotiator = new Negotiator(req) as unknown as { encoding(available: string[], options: { preferred: string[] }): string | undefined };
  const chosen = negotiator.encoding(['br', 'gzip', 'identity'], { preferred: ['br', 'gzip'] });
  return (chosen as ContentEncoding | undefined) ?? 'identity';
}

/** A representation's ETag per encoding: `W/"x"` → `W/"x-br"` (RFC 9110: codings are distinct representations). */
export function encodedEtag(etag: string, encoding: ContentEncoding): string {
  return encoding === 'identity' ? etag : etag.replace(/"$/, `-${encoding}"`);
}

/** The ETag without its encoding suffix: a 304 holds whatever coding the client cached. */
export function identityEtag(tag: string): string {
  return tag.replace(/-(br|gzip|deflate)"$/, '"');
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
      if ((encoding === 'br' || encoding === 'gzip') && typeof etag === 'string' && !/-(br|gzip)"$/.test(etag)) {
        res.setHeader('ETag', encodedEtag(etag, encoding));
      }
    });
    compress(req, res, next);
  };
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
      variant = (encoding === 'br'
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
