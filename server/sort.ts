// sortby: the sort order of a query is computed once (sort keys only decoded) and kept as file
// positions; a result too large to order whole keeps only the best offset+limit features in a
// binary heap while scanning, so memory is bounded by the page asked for.
import type { Feature } from './types.js';
import { LRUCache } from 'lru-cache';

export interface SortKey { property: string; descending: boolean }

export function compareBy(keys: SortKey[]): (a: Feature, b: Feature) => number {
  return (a, b) => {
    for (const { property, descending } of keys) {
      const x = a.properties[property];
      const y = b.properties[property];
      // Nulls last whatever the direction (as SQL's NULLS LAST).
      if (x === y) continue;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const c = x < y ? -1 : x > y ? 1 : 0;
      if (c !== 0) return descending ? -c : c;
    }
    return a.index - b.index; // stable: file order breaks ties
  };
}

/** The first `k` features of `source` in `compare` order, and how many were seen. */
export async function topK(source: AsyncIterable<Feature>, k: number, compare: (a: Feature, b: Feature) => number): Promise<{ top: Feature[]; count: number }> {
  // Max-heap on compare: the root is the worst of the kept features.
  const heap: Feature[] = [];
  const worse = (i: number, j: number) => compare(heap[i], heap[j]) > 0;
  const swap = (i: number, j: number) => { const t = heap[i]; heap[i] = heap[j]; heap[j] = t; };
  const up = (i: number) => { while (i > 0) { const p = (i - 1) >> 1; if (!worse(i, p)) break; swap(i, p); i = p; } };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && worse(l, m)) m = l;
      if (r < heap.length && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  let count = 0;
  for await (const feature of source) {
    count++;
    if (k === 0) continue;
    if (heap.length < k) { heap.push(feature); up(heap.length - 1); }
    else if (compare(feature, heap[0]) < 0) { heap[0] = feature; down(0); }
  }
  return { top: heap.sort(compare), count };
}

/** A sorted result as file positions: any page of it is `limit` reads, whatever its offset. */
export interface SortedOrder { order: Uint32Array; count: number }

/** Sources a sort order can be computed from, and pages read back from it. */
export interface SortSource {
  /** The matching features, only the sort keys' properties decoded (they are all the sort reads). */
  scan(properties: string[]): AsyncIterable<Feature[]>;
  /** Features at file positions, ascending. */
  readAt(indices: Uint32Array): AsyncIterable<Feature>;
}

/** Results larger than this are not ordered whole (one synchronous sort would hold the event loop). */
export const MAX_ORDERED = 250_000;

/**
 * Sort orders of recent queries (key: collection, data version, filters, sortby), so a client paging
 * through a sorted result, or many clients asking for the same sort, pay for one scan and one sort.
 * Bounded in bytes (4 per feature); concurrent requests for one order share its computation.
 */
export class SortOrders {
  private cache: LRUCache<string, SortedOrder>;
  private pending = new Map<string, Promise<SortedOrder | null>>();
  constructor(maxBytes = 64 * 1024 * 1024, private maxOrdered = MAX_ORDERED) {
    this.cache = new LRUCache({ maxSize: Math.max(1, maxBytes), sizeCalculation: (v) => v.order.byteLength + 64 });
  }

  /** The order, or null when the result is too large to order whole (then the caller keeps a bounded heap). */
  async order(key: string, source: SortSource, keys: SortKey[]): Promise<SortedOrder | null> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = computeOrder(source, keys, this.maxOrdered).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
      void pending.then((order) => { if (order) this.cache.set(key, order); }, () => undefined);
    }
    return pending;
  }

  /** Features of positions offset..offset+limit of the order, in the order's sequence. */
  static async *page(source: SortSource, order: SortedOrder, offset: number, limit: number): AsyncGenerator<Feature> {
    const slice = order.order.subarray(Math.min(offset, order.count), Math.min(offset + limit, order.count));
    if (slice.length === 0) return;
    const byPosition = new Map<number, Feature>();
    for await (const feature of source.readAt(Uint32Array.from(slice).sort())) byPosition.set(feature.index, feature);
    for (const index of slice) {
      const feature = byPosition.get(index);
      if (feature) yield feature;
    }
  }
}

async function computeOrder(source: SortSource, keys: SortKey[], maxOrdered: number): Promise<SortedOrder | null> {
  const entries: Feature[] = [];
  for await (const batch of source.scan(keys.map((k) => k.property))) {
    for (const f of batch) entries.push({ id: '', index: f.index, geometry: null, properties: f.properties });
    if (entries.length > maxOrdered) return null;
  }
  entries.sort(compareBy(keys));
  return { order: Uint32Array.from(entries, (f) => f.index), count: entries.length };
}
