// Scan hints of the FlatGeobuf provider (ScanOptions): index hits thinned by box and budget, and the
// column sidecar's masks of `where` conditions, kept per conditions object and by value.
import { LRUCache } from 'lru-cache';
import { OgcError } from '../../errors.js';
import type { ColumnsAnswer } from '../../query/columns.js';
import type { QueryConditions, ScanOptions } from '../../types.js';
import type { LeafBoxes } from './format.js';

/**
 * Index hits kept by a scan's hints (ScanOptions): boxes that fail keepBox are dropped; past `sample`,
 * runs of consecutive hits with the same box are kept at an even rate (about `sample` features in all).
 */
export function thin(hits: Uint32Array, boxes: LeafBoxes, keepBox?: ScanOptions['keepBox'], sample?: number): Uint32Array {
  let kept = hits;
  let keptBoxes = boxes;
  if (keepBox) {
    const out: number[] = [];
    const outBoxes: number[] = [];
    for (let i = 0; i < hits.length; i++) {
      const b = 4 * i;
      if (!keepBox(boxes[b], boxes[b + 1], boxes[b + 2], boxes[b + 3])) continue;
      out.push(hits[i]);
      outBoxes.push(boxes[b], boxes[b + 1], boxes[b + 2], boxes[b + 3]);
    }
    kept = Uint32Array.from(out);
    keptBoxes = outBoxes;
  }
  if (sample === undefined || kept.length <= sample) return kept;
  const rate = Math.max(0, sample) / kept.length;
  const out: number[] = [];
  let run = 0;
  for (let i = 0; i < kept.length;) {
    let j = i + 1;
    const b = 4 * i;
    while (j < kept.length && keptBoxes[4 * j] === keptBoxes[b] && keptBoxes[4 * j + 1] === keptBoxes[b + 1] && keptBoxes[4 * j + 2] === keptBoxes[b + 2] && keptBoxes[4 * j + 3] === keptBoxes[b + 3]) j++;
    // Run r is kept when the running quota r·rate crosses an integer: an even spread, no randomness.
    if (Math.floor((run + 1) * rate) > Math.floor(run * rate)) for (let k = i; k < j; k++) out.push(kept[k]);
    run++;
    i = j;
  }
  return Uint32Array.from(out);
}

/** The conditions as a string (their collection aside, one per provider), or undefined if they have none. */
function conditionsKey(where: QueryConditions): string | undefined {
  try {
    return JSON.stringify([where.datetime ?? null, where.equals ?? null, where.filter ?? null, where.filterCrs?.id ?? null]);
  } catch {
    return undefined; // not serialisable (a BigInt…): evaluated each time
  }
}

/** Masks of conditions (1: may match): one evaluation per conditions object, recent ones by value. */
export class ColumnMasks {
  // A tile reads a layer twice (lean, then whole) with one conditions object; every tile of a map
  // asks the same conditions (the latest year, one usage) with new objects.
  private byObject = new WeakMap<QueryConditions, Promise<Uint8Array | undefined>>();
  /** One byte per feature each: bounded in bytes. */
  private byValue = new LRUCache<string, Uint8Array>({ maxSize: 64 * 1024 * 1024, sizeCalculation: (m) => Math.max(1, m.length) });

  get(where: QueryConditions, evaluate: () => Promise<ColumnsAnswer | undefined>): Promise<Uint8Array | undefined> {
    let mask = this.byObject.get(where);
    if (mask) return mask;
    const key = conditionsKey(where);
    const known = key === undefined ? undefined : this.byValue.get(key);
    mask = known ? Promise.resolve(known) : evaluate().then((answer) => {
      if (answer && key !== undefined) this.byValue.set(key, answer.mask);
      return answer?.mask;
    }, (error: unknown) => {
      if (error instanceof OgcError) throw error;
      return undefined; // the predicate gives the answer (or the error) it always gave
    });
    this.byObject.set(where, mask);
    return mask;
  }
}
