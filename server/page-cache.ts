// Recently served bodies, whole: a GeoJSON page asked again (QGIS re-reading pages as the user pans
// back, several users on the same view, a web map reloading) or a tile costs one lookup and one
// write. Keys hold the data version, so a new build or ingest never serves an old body. Bounded by
// bytes (lru-cache); each body keeps its compressed variants, made once (see compression.ts).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { EncodedBody, identityEtag } from './compression.js';
import { opsStats, type CacheCounter } from './ops/stats.js';

export interface BodyCacheOptions {
  /** Bytes held at most (0: nothing is kept). */
  maxBytes: number;
  /** Entries older than this are dropped (ms). */
  maxAgeMs?: number;
  /** The largest single body, as a share of maxBytes (one page must not evict most others). */
  maxShare?: number;
  /** Hits and misses counted under this name in the metrics (`page`, `tile`). */
  name?: string;
}

// Variants (brotli and gzip) add ~10–25 % to a JSON body; bookkeeping makes empty tiles cost too.
const costOf = (key: string, body: EncodedBody) => Math.ceil(body.identity.length * 1.25) + key.length * 2 + 96;

export class BodyCache {
  private lru: LRUCache<string, EncodedBody> | null;
  private stats: CacheCounter | undefined;

  constructor(options: BodyCacheOptions) {
    this.stats = options.name ? opsStats.cache(options.name) : undefined;
    this.lru = options.maxBytes > 0
      ? new LRUCache<string, EncodedBody>({
        maxSize: options.maxBytes,
        maxEntrySize: Math.floor(options.maxBytes * (options.maxShare ?? 1)),
        sizeCalculation: (body, key) => costOf(key, body),
        ttl: options.maxAgeMs,
      })
      : null;
  }

  get(key: string): EncodedBody | undefined {
    const hit = this.lru?.get(key);
    this.stats?.record(hit !== undefined);
    return hit;
  }

  /**
   * Keeps a body (too large ones are not kept) and returns it, ready to send; `response` holds a
   * status and headers to send again when they are not the route's defaults (200).
   */
  set(key: string, body: Buffer | Uint8Array | EncodedBody, response?: EncodedBody['response']): EncodedBody {
    const encoded = body instanceof EncodedBody ? body : new EncodedBody(Buffer.from(body.buffer, body.byteOffset, body.length));
    if (response) encoded.response = response;
    this.lru?.set(key, encoded);
    return encoded;
  }

  get size(): { entries: number; bytes: number } { return { entries: this.lru?.size ?? 0, bytes: this.lru?.calculatedSize ?? 0 }; }
}

/** GeoJSON pages and features: 64 MiB and 5 minutes by default, one page at most an eighth of it. */
export class PageCache extends BodyCache {
  constructor(maxBytes = 64 * 1024 * 1024, maxAgeMs = 5 * 60_000) {
    super({ maxBytes, maxAgeMs, maxShare: 1 / 8, name: 'page' });
  }

  /** Weak: the body's timeStamp differs when a page is rendered again. */
  static etagOf(key: string): string {
    return `W/"${createHash('sha1').update(key).digest('base64url')}"`;
  }
}

/**
 * RFC 9110 weak comparison against a list of entity tags (or `*`). The encoding suffix is ignored:
 * a client holding the brotli variant has the same representation as the gzip one.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = identityEtag(etag.replace(/^W\//, ''));
  return ifNoneMatch.split(',').some((t) => { const tag = t.trim(); return tag === '*' || identityEtag(tag.replace(/^W\//, '')) === bare; });
}
