// Recently served GeoJSON pages, whole: a page asked again (QGIS re-reading pages as the user pans
// back, several users on the same view, a web map reloading) costs one lookup and one write. Keys
// hold the data version, so a new build or ingest never serves an old page. Bounded by bytes.
import { createHash } from 'node:crypto';

export interface CachedPage {
  body: Buffer;
  at: number;
  /** Status and headers to send again, when not the defaults of the route (200). */
  status?: number;
  headers?: Record<string, string>;
}

export class PageCache {
  private entries = new Map<string, CachedPage>();
  private bytes = 0;

  constructor(private maxBytes = 64 * 1024 * 1024, private maxAgeMs = 5 * 60_000) {}

  /** Weak: the body's timeStamp differs when a page is rendered again. */
  static etagOf(key: string): string {
    return `W/"${createHash('sha1').update(key).digest('base64url')}"`;
  }

  get(key: string): CachedPage | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (Date.now() - hit.at > this.maxAgeMs) { this.bytes -= hit.body.length + key.length; return undefined; }
    this.entries.set(key, hit); // most recent last
    return hit;
  }

  set(key: string, page: CachedPage): void {
    const cost = page.body.length + key.length;
    if (this.maxBytes <= 0 || cost > this.maxBytes / 8) return; // one page never evicts most others
    const old = this.entries.get(key);
    if (old) { this.entries.delete(key); this.bytes -= old.body.length + key.length; }
    this.entries.set(key, page);
    this.bytes += cost;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.body.length + k.length;
    }
  }

  get size(): { entries: number; bytes: number } { return { entries: this.entries.size, bytes: this.bytes }; }
}

/** RFC 9110 weak comparison against a list of entity tags (or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => { const tag = t.trim(); return tag === '*' || tag.replace(/^W\//, '') === bare; });
}
