// Reads of features by position (sorted feature indices): the offsets of a window of positions come
// from one read of the R-tree's leaves, then neighbours close in bytes share one read ("run"). How
// close is the source's call: a local file reads through gaps up to 32 KB (each read costs ~20 µs of
// the event loop, more than copying that many bytes), a remote store through gaps that cost less than
// a round trip. The next run is read while one is decoded.
import type { RangeSource } from '../range-client.js';
import { NODE_ITEM_BYTES, type FileLayout } from './format.js';

/** One read: the features at indices[first..first+count) lie in `bytes` at starts[k], ends[k] (relative). */
export interface Run {
  first: number;
  count: number;
  bytes: Uint8Array;
  starts: Float64Array;
  ends: Float64Array;
}

export interface RunOptions {
  /** A gap in bytes up to which two features are read together. */
  gapBytes: number;
  /** Largest run in bytes (a feature larger than this is read alone). */
  maxRunBytes: number;
  /** Most features per run (a batch of the caller). */
  maxRunFeatures: number;
  /** Runs read ahead of the one handed out. */
  readAhead: number;
}

/** Positions per leaf read: 4,096 leaves are 160 KB of index. */
const LEAF_WINDOW = 4096;

// One run read ahead: a page that stops early (a limit met) wastes at most one read.
export const LOCAL_RUNS: RunOptions = { gapBytes: 32 * 1024, maxRunBytes: 1024 * 1024, maxRunFeatures: 1024, readAhead: 1 };
// Remote: a request costs a round trip, but every byte is paid for (egress): gaps of 64 KB, runs of 1 MB.
export const REMOTE_RUNS: RunOptions = { gapBytes: 64 * 1024, maxRunBytes: 1024 * 1024, maxRunFeatures: 1024, readAhead: 1 };

interface Planned { first: number; count: number; start: number; end: number; starts: Float64Array; ends: Float64Array }

/**
 * Byte spans of the features at indices (sorted, within the file), window by window of leaves, grouped
 * into runs. `index` reads the R-tree (usually through a block cache); offsets are bounds-checked.
 */
async function* plan(index: RangeSource, layout: FileLayout, featuresBytes: number, indices: Uint32Array, options: RunOptions): AsyncGenerator<Planned> {
  const count = layout.header.featuresCount;
  const leafStart = layout.levelBounds[0][0];
  let i = 0;
  while (i < indices.length) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] - indices[i] < LEAF_WINDOW) j++;
    const from = indices[i];
    const last = Math.min(indices[j] + 1, count - 1);
    if (indices[j] >= count) throw new Error(`feature ${indices[j]} outside 0-${count - 1}`);
    const length = (last - from + 1) * NODE_ITEM_BYTES;
    const leaves = await index.read(layout.indexOffset + (leafStart + from) * NODE_ITEM_BYTES, length);
    if (leaves.length !== length) throw new Error(`truncated index (leaves ${from}-${last})`);
    const view = new DataView(leaves.buffer, leaves.byteOffset, leaves.byteLength);
    const offsetOf = (feature: number) => (feature >= count ? featuresBytes : Number(view.getBigUint64((feature - from) * NODE_ITEM_BYTES + 32, true)));
    const starts = new Float64Array(j - i + 1);
    const ends = new Float64Array(j - i + 1);
    for (let k = i; k <= j; k++) {
      const start = offsetOf(indices[k]);
      const end = offsetOf(indices[k] + 1);
      // Bounds check: offsets grow and stay inside the features section, or the index is garbage.
      if (!(start < end && end <= featuresBytes) || (k > i && indices[k] !== indices[k - 1] && start < ends[k - i - 1])) {
        throw new Error(`corrupt index or truncated file (feature ${indices[k]} at offset ${start}-${end}, features section of ${featuresBytes} bytes)`);
      }
      starts[k - i] = start;
      ends[k - i] = end;
    }
    // Runs of this window.
    let a = 0;
    while (a <= j - i) {
      let b = a;
      while (b + 1 <= j - i && b + 1 - a < options.maxRunFeatures && starts[b + 1] - ends[b] <= options.gapBytes && ends[b + 1] - starts[a] <= options.maxRunBytes) b++;
      yield { first: i + a, count: b - a + 1, start: starts[a], end: ends[b], starts: starts.subarray(a, b + 1), ends: ends.subarray(a, b + 1) };
      a = b + 1;
    }
    i = j + 1;
  }
}

/**
 * The runs of `indices`, in order, each with its bytes. `data` reads the features section (offsets are
 * relative to `featuresOffset`), `index` the R-tree. Stopping early leaves at most readAhead reads unused.
 */
export async function* readRuns(data: RangeSource, index: RangeSource, layout: FileLayout, indices: Uint32Array, options: RunOptions): AsyncGenerator<Run> {
  const featuresBytes = data.size - layout.featuresOffset;
  const planned = plan(index, layout, featuresBytes, indices, options);
  const pending: Promise<Run>[] = [];
  const read = async (p: Planned): Promise<Run> => {
    const bytes = await data.read(layout.featuresOffset + p.start, p.end - p.start);
    if (bytes.length !== p.end - p.start) throw new Error(`truncated file: ${p.end - p.start} feature bytes asked at ${p.start}, ${bytes.length} read`);
    const base = p.start;
    return { first: p.first, count: p.count, bytes, starts: p.starts.map((s) => s - base), ends: p.ends.map((e) => e - base) };
  };
  // A failed read ahead is reported when its turn comes, not as an unhandled rejection.
  const queue = (p: Planned) => { const r = read(p); r.catch(() => {}); pending.push(r); };
  try {
    for await (const p of planned) {
      queue(p);
      if (pending.length > options.readAhead) yield await pending.shift()!;
    }
    while (pending.length) yield await pending.shift()!;
  } finally {
    pending.length = 0;
  }
}
