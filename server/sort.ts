// sortby: keeps only the best offset+limit features in a binary heap while scanning, so memory is
// bounded by the page asked for, not by the size of the result.
import type { Feature } from './types.js';

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
