// FlatGeobuf layout, read side: header, packed Hilbert R-tree search, feature decoding.
// Header, feature tables and geometry come from the flatgeobuf package; the tree walk and the
// property decoder are ours so that reads go through our cached range source, in file order.
import * as flatbuffers from 'flatbuffers';
import type { Geometry } from 'geojson';
import { fromByteBuffer, type HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import { Feature as FgbFeature } from 'flatgeobuf/lib/mjs/flat-geobuf/feature.js';
import type { Geometry as FgbGeometry } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import { PropertyDecoder, pointXY, propertiesRange, u32 } from './properties.js';
import { fromGeometry } from 'flatgeobuf/lib/mjs/geojson/geometry.js';
import type { RangeSource } from '../range-client.js';
import type { Rect } from '../../types.js';

export const MAGIC = new Uint8Array([0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x00]);
export const NODE_ITEM_BYTES = 40;

export interface FileLayout {
  header: HeaderMeta;
  /** Byte offset of the index (0 length when the file has none). */
  indexOffset: number;
  indexLength: number;
  featuresOffset: number;
  levelBounds: [number, number][];
  numNodes: number;
  /**
   * The positions ([first, end) runs, ascending) of the features without a box, as our writer records
   * them in the header metadata; undefined when the file does not say (a search then reads every leaf it returns).
   */
  noBox?: [number, number][];
}

/** The header metadata key of FileLayout.noBox. */
export const NO_BOX_KEY = 'noBoxPositions';

/** The writer's record of the features without a box, if the metadata holds a well-formed one. */
export function noBoxOf(header: Pick<HeaderMeta, 'metadata' | 'featuresCount'>): [number, number][] | undefined {
  if (!header.metadata) return undefined;
  let ranges: unknown;
  try { ranges = (JSON.parse(header.metadata) as Record<string, unknown>)?.[NO_BOX_KEY]; } catch { return undefined; }
  if (!Array.isArray(ranges)) return undefined;
  let previous = 0;
  for (const range of ranges) {
    if (!Array.isArray(range) || range.length !== 2 || !Number.isSafeInteger(range[0]) || !Number.isSafeInteger(range[1])) return undefined;
    if (range[0] < previous || range[1] <= range[0] || range[1] > header.featuresCount) return undefined;
    previous = range[1];
  }
  return ranges as [number, number][];
}

export function levelBounds(numItems: number, nodeSize: number): { bounds: [number, number][]; numNodes: number } {
  if (nodeSize < 2 || numItems === 0) return { bounds: [], numNodes: 0 };
  const counts = [numItems];
  let n = numItems;
  let numNodes = n;
  do {
    n = Math.ceil(n / nodeSize);
    numNodes += n;
    counts.push(n);
  } while (n !== 1);
  // Level 0 (leaves) sits at the end of the tree, the root at node 0.
  const bounds: [number, number][] = [];
  let offset = numNodes;
  for (const count of counts) {
    offset -= count;
    bounds.push([offset, offset + count]);
  }
  return { bounds, numNodes };
}

export async function readLayout(source: RangeSource): Promise<FileLayout> {
  const head = await source.read(0, 12);
  if (head.length < 12) throw new Error(`not a FlatGeobuf file (${source.size} bytes, shorter than its magic bytes and header size)`);
  // "fgb", major version 3, "fgb", patch version: the major version and the second "fgb" are fixed.
  for (const i of [0, 1, 2, 3, 4, 5, 6]) {
    if (head[i] !== MAGIC[i]) throw new Error('not a FlatGeobuf file (bad magic bytes)');
  }
  const headerLength = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(8, true);
  if (headerLength < 8 || headerLength > 10 * 1024 * 1024) throw new Error('not a FlatGeobuf file (bad header size)');
  if (12 + headerLength > source.size) throw new Error(`truncated FlatGeobuf file: header of ${headerLength} bytes announced, file has ${source.size} bytes`);
  const headerBytes = await source.read(8, 4 + headerLength);
  let header: HeaderMeta;
  try {
    header = fromByteBuffer(new flatbuffers.ByteBuffer(headerBytes.slice()));
  } catch (error) {
    throw new Error(`corrupt FlatGeobuf header (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  checkHeader(header);
  const { bounds, numNodes } = levelBounds(header.featuresCount, header.indexNodeSize);
  const indexOffset = 12 + headerLength;
  const indexLength = numNodes * NODE_ITEM_BYTES;
  const featuresOffset = indexOffset + indexLength;
  if (featuresOffset > source.size) {
    throw new Error(`truncated FlatGeobuf file: header and index of ${header.featuresCount} features need ${featuresOffset} bytes, file has ${source.size}`);
  }
  return { header, indexOffset, indexLength, featuresOffset, levelBounds: bounds, numNodes, noBox: noBoxOf(header) };
}

/** Header sanity: values a writer cannot have produced mean garbage bytes, not data. */
function checkHeader(header: HeaderMeta): void {
  const bad = (what: string) => { throw new Error(`corrupt FlatGeobuf header (${what})`); };
  if (!Number.isSafeInteger(header.featuresCount) || header.featuresCount < 0) bad(`feature count ${header.featuresCount}`);
  if (!Number.isInteger(header.indexNodeSize) || header.indexNodeSize === 1 || header.indexNodeSize > 65535) bad(`index node size ${header.indexNodeSize}`);
  if (!(header.geometryType in GeometryType)) bad(`geometry type ${header.geometryType}`);
  if (header.envelope && header.envelope.some((v) => Number.isNaN(v))) bad('envelope');
  const names = new Set<string>();
  for (const column of header.columns ?? []) {
    if (!column.name || names.has(column.name)) bad(`column name « ${column.name} »`);
    names.add(column.name);
  }
}

function intersects(view: DataView, at: number, rect: Rect): boolean {
  return !(view.getFloat64(at, true) > rect.maxX || view.getFloat64(at + 8, true) > rect.maxY ||
    view.getFloat64(at + 16, true) < rect.minX || view.getFloat64(at + 24, true) < rect.minY);
}

/** Leaf boxes of a search, 4 numbers (minX, minY, maxX, maxY) per hit, when the caller asks for them. */
export type LeafBoxes = number[];

/**
 * Indices (file order) of the features whose envelope intersects rect. Walks the tree level by
 * level reading each level's needed node ranges, coalesced, through the cached source. A node whose
 * box lies inside rect is not descended (unless the leaf boxes are asked, or the file does not say
 * where its features without a box are): in a packed tree its leaves are one run of positions, known
 * without reading them (a city's box at scale 10: ~30,000 hits from a few hundred nodes instead of
 * 1.2 MB of leaves).
 */
export async function searchIndex(source: RangeSource, layout: FileLayout, rect: Rect, boxes?: LeafBoxes): Promise<Uint32Array> {
  const runs: [number, number][] = []; // [first, end) of leaf positions
  const leafStart = layout.levelBounds[0]?.[0] ?? 0;
  let total = 0;
  const add = (first: number, end: number) => {
    const last = runs[runs.length - 1];
    if (last && last[1] === first) last[1] = end; else runs.push([first, end]);
    total += end - first;
  };
  const noBox = layout.noBox;
  // A run under a node inside rect, less the features without a box (a node's box does not say it has some).
  const inside = (first: number, end: number) => {
    for (const [a, b] of noBox!) {
      if (b <= first) continue;
      if (a >= end) break;
      if (a > first) add(first, a);
      first = Math.max(first, b);
      if (first >= end) return;
    }
    add(first, end);
  };
  await walkIndex(source, layout, rect, 0, (view, at, pos) => {
    add(pos - leafStart, pos - leafStart + 1);
    boxes?.push(view.getFloat64(at, true), view.getFloat64(at + 8, true), view.getFloat64(at + 16, true), view.getFloat64(at + 24, true));
  }, boxes || !noBox ? undefined : inside);
  // Runs of inner nodes come before the leaves of the levels below: put them back in file order.
  runs.sort((a, b) => a[0] - b[0]);
  const out = new Uint32Array(total);
  let k = 0;
  for (const [first, end] of runs) for (let p = first; p < end; p++) out[k++] = p;
  return out;
}

/**
 * An upper bound of searchIndex's hits, from the level above the leaves (one node in nodeSize read):
 * whether a search is worth it, for the R-tree's own view of where features are dense.
 */
export async function estimateHits(source: RangeSource, layout: FileLayout, rect: Rect): Promise<number> {
  if (layout.levelBounds.length < 2) return layout.header.featuresCount;
  let nodes = 0;
  await walkIndex(source, layout, rect, 1, () => { nodes++; });
  return nodes * layout.header.indexNodeSize;
}

/**
 * Walks the tree from the root down to `stop` (0: leaves), calling `found` on each intersecting node there,
 * and `inside` (when given) with the leaf run [first, end) of each node inside rect, not descended.
 */
async function walkIndex(source: RangeSource, layout: FileLayout, rect: Rect, stop: number, found: (view: DataView, at: number, pos: number) => void,
  inside?: (first: number, end: number) => void): Promise<void> {
  const bounds = layout.levelBounds;
  const nodeSize = layout.header.indexNodeSize;
  if (bounds.length === 0) return;
  const leafCount = bounds[0][1] - bounds[0][0];
  let ranges: [number, number][] = [[0, 1]];
  for (let level = bounds.length - 1; level >= stop; level--) {
    const last = level === stop;
    const next: number[] = [];
    // Leaves under one node of this level, in a packed tree (node j's children are j·nodeSize… of the level below).
    const span = inside && !last ? nodeSize ** level : 0;
    for (const [start, end] of ranges) {
      const bytes = await source.read(layout.indexOffset + start * NODE_ITEM_BYTES, (end - start) * NODE_ITEM_BYTES);
      if (bytes.length !== (end - start) * NODE_ITEM_BYTES) throw new Error(`truncated index (nodes ${start}-${end})`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let pos = start; pos < end; pos++) {
        const at = (pos - start) * NODE_ITEM_BYTES;
        if (!intersects(view, at, rect)) continue;
        if (last) { found(view, at, pos); continue; }
        const child = Number(view.getBigUint64(at + 32, true));
        // A child outside the level below is garbage in the tree, not a node to read.
        if (child < bounds[level - 1][0] || child >= bounds[level - 1][1]) throw new Error(`corrupt index (node ${pos} points to ${child})`);
        const j = pos - bounds[level][0];
        // Only where the tree is packed as the format says (the child is where it must be) is the run known.
        if (span && contained(view, at, rect) && child === bounds[level - 1][0] + j * nodeSize) {
          inside!(j * span, Math.min((j + 1) * span, leafCount));
          continue;
        }
        next.push(child);
      }
    }
    if (last) return;
    const childEnd = bounds[level - 1][1];
    ranges = coalesce(next.map((first) => [first, Math.min(first + nodeSize, childEnd)] as [number, number]));
    if (ranges.length === 0) return;
  }
}

function contained(view: DataView, at: number, rect: Rect): boolean {
  return view.getFloat64(at, true) >= rect.minX && view.getFloat64(at + 8, true) >= rect.minY &&
    view.getFloat64(at + 16, true) <= rect.maxX && view.getFloat64(at + 24, true) <= rect.maxY;
}

/**
 * The positions (sorted) whose leaf box intersects rect (and passes keep): the R-tree search turned
 * around, for a few positions known by other means (a selective column mask) in a large area. Leaves
 * are read in windows of at most 4,096, one read each.
 */
export async function positionsInBox(source: RangeSource, layout: FileLayout, positions: Uint32Array, rect: Rect,
  keep?: (minX: number, minY: number, maxX: number, maxY: number) => boolean): Promise<Uint32Array> {
  const leafStart = layout.levelBounds[0]?.[0] ?? 0;
  const out: number[] = [];
  let i = 0;
  while (i < positions.length) {
    let j = i;
    while (j + 1 < positions.length && positions[j + 1] - positions[i] < 4096) j++;
    const from = positions[i];
    const length = (positions[j] - from + 1) * NODE_ITEM_BYTES;
    const bytes = await source.read(layout.indexOffset + (leafStart + from) * NODE_ITEM_BYTES, length);
    if (bytes.length !== length) throw new Error(`truncated index (leaves ${from}-${positions[j]})`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let k = i; k <= j; k++) {
      const at = (positions[k] - from) * NODE_ITEM_BYTES;
      if (!intersects(view, at, rect)) continue;
      if (keep && !keep(view.getFloat64(at, true), view.getFloat64(at + 8, true), view.getFloat64(at + 16, true), view.getFloat64(at + 24, true))) continue;
      out.push(positions[k]);
    }
    i = j + 1;
  }
  return Uint32Array.from(out);
}

/** Merges sorted-or-not node ranges that touch or nearly touch (fewer, larger reads). */
function coalesce(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const range of ranges) {
    const last = out[out.length - 1];
    if (last && range[0] <= last[1] + 8) last[1] = Math.max(last[1], range[1]);
    else out.push([range[0], range[1]]);
  }
  return out;
}

/** Byte offsets (relative to the features section) of features [from, to], plus the end of `to`. */
export async function featureOffsets(source: RangeSource, layout: FileLayout, from: number, to: number): Promise<Float64Array> {
  const count = layout.header.featuresCount;
  if (from < 0 || to >= count || to < from) throw new Error(`features ${from}-${to} outside 0-${count - 1}`);
  const leafStart = layout.levelBounds[0][0];
  const last = Math.min(to + 1, count - 1);
  const length = (last - from + 1) * NODE_ITEM_BYTES;
  const bytes = await source.read(layout.indexOffset + (leafStart + from) * NODE_ITEM_BYTES, length);
  if (bytes.length !== length) throw new Error(`truncated index (leaves ${from}-${last})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(to - from + 2);
  for (let i = 0; i <= last - from; i++) out[i] = Number(view.getBigUint64(i * NODE_ITEM_BYTES + 32, true));
  if (to + 1 >= count) out[to - from + 1] = source.size - layout.featuresOffset;
  // Bounds check: offsets grow and stay inside the features section, or the index is garbage.
  const end = source.size - layout.featuresOffset;
  for (let i = 0; i < out.length; i++) {
    if (out[i] > end || (i > 0 && out[i] <= out[i - 1])) throw new Error(`corrupt index or truncated file (feature ${from + i} at offset ${out[i]}, features section of ${end} bytes)`);
  }
  return out;
}

/** Checks that the feature at `position` of `bytes` fills exactly `span` bytes (its size prefix agrees with the index). */
export function checkFeatureSpan(bytes: Uint8Array, position: number, span: number, index: number): void {
  if (position + 4 > bytes.length) throw new Error(`feature ${index} lies past the end of the file`);
  const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(position, true);
  if (size + 4 !== span || position + span > bytes.length) {
    throw new Error(`feature ${index}: size prefix ${size} disagrees with the index (${span - 4} bytes): corrupt or truncated file`);
  }
  checkFeatureTables(bytes, position, index);
}

/**
 * Cheap structural check of one size-prefixed feature: its root table, vtable and properties vector
 * lie inside its own bytes. Garbage inside a value cannot be told from data; garbage in the structure can.
 */
export function checkFeatureTables(bytes: Uint8Array, position: number, index: number): void {
  const end = position + 4 + u32(bytes, position);
  const root = position + 4;
  const table = root + u32(bytes, root);
  const vtable = table - (u32(bytes, table) | 0);
  const inside = (at: number, length: number) => at >= root && at + length <= end;
  let ok = end <= bytes.length && inside(table, 4) && inside(vtable, 4);
  if (ok) {
    const range = propertiesRange(bytes, position);
    ok = !range || (range[0] >= root && range[1] <= end);
  }
  if (!ok) throw new Error(`feature ${index}: tables outside its ${end - root} bytes (corrupt file)`);
}

export interface DecodeOptions {
  /** Names of columns to decode; all when undefined. */
  columns?: Set<string>;
  geometry: boolean;
  /** Columns stored as JSON text that hold arrays or objects. */
  jsonColumns?: Set<string>;
  /** Compiled once per header and column set. */
  decoder?: PropertyDecoder;
  /**
   * The previous feature's geometry: a feature whose geometry is the same (value for value) gets the
   * same object, decoded once. For consumers that only read geometries (tiles of stacked rows).
   */
  memo?: { fgb?: FgbGeometry; geometry?: Geometry | null };
}

/** Whether two FlatGeobuf geometries hold the same type, coordinates and structure. */
function sameGeometry(a: FgbGeometry, b: FgbGeometry): boolean {
  if (a.type() !== b.type() || a.partsLength() !== b.partsLength()) return false;
  // ends (vtable slot 4, u32), xy (6, f64), z (8, f64): compared in place, one memcmp each, no copies.
  if (!sameVector(a, b, 4, 4) || !sameVector(a, b, 6, 8) || !sameVector(a, b, 8, 8)) return false;
  for (let i = 0; i < a.partsLength(); i++) if (!sameGeometry(a.parts(i)!, b.parts(i)!)) return false;
  return true;
}

/** Byte equality of one vector field of two tables (identical bytes, identical values); absent equals absent. */
function sameVector(a: FgbGeometry, b: FgbGeometry, slot: number, width: number): boolean {
  const oa = a.bb!.__offset(a.bb_pos, slot);
  const ob = b.bb!.__offset(b.bb_pos, slot);
  if (!oa || !ob) return !oa && !ob;
  const n = a.bb!.__vector_len(a.bb_pos + oa) * width;
  if (n !== b.bb!.__vector_len(b.bb_pos + ob) * width) return false;
  const pa = a.bb!.__vector(a.bb_pos + oa);
  const pb = b.bb!.__vector(b.bb_pos + ob);
  return compareBytes.call(b.bb!.bytes(), a.bb!.bytes(), pa, pa + n, pb, pb + n) === 0;
}

/** Buffer's memcmp, which also takes plain Uint8Arrays (no Buffer view made per comparison). */
const compareBytes = Buffer.prototype.compare as (this: Uint8Array, target: Uint8Array, targetStart: number, targetEnd: number, sourceStart: number, sourceEnd: number) => number;

/** Decodes one size-prefixed feature at `position` of `bytes`. */
export function decodeFeature(
  bytes: Uint8Array,
  position: number,
  header: HeaderMeta,
  options: DecodeOptions,
): { geometry: Geometry | null; properties: Record<string, unknown> } {
  options.decoder ??= new PropertyDecoder(header.columns ?? [], options.columns, options.jsonColumns);
  let geometry: Geometry | null = null;
  if (options.geometry && header.geometryType === GeometryType.Point) {
    const xy = pointXY(bytes, position);
    if (xy) geometry = { type: 'Point', coordinates: xy };
  } else if (options.geometry) {
    const bb = new flatbuffers.ByteBuffer(bytes);
    bb.setPosition(position);
    const g = FgbFeature.getSizePrefixedRootAsFeature(bb).geometry();
    const memo = options.memo;
    if (g && memo?.fgb && memo.geometry !== undefined && sameGeometry(g, memo.fgb)) geometry = memo.geometry;
    else if (g) geometry = fromGeometry(g, header.geometryType) as Geometry;
    if (memo && g) { memo.fgb = g; memo.geometry = geometry; }
  }
  return { geometry, properties: options.decoder.decode(bytes, position) };
}
