// FlatGeobuf layout, read side: header, packed Hilbert R-tree search, feature decoding.
// Header, feature tables and geometry come from the flatgeobuf package; the tree walk and the
// property decoder are ours so that reads go through our cached range source, in file order.
import * as flatbuffers from 'flatbuffers';
import type { Geometry } from 'geojson';
import { fromByteBuffer, type HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import { Feature as FgbFeature } from 'flatgeobuf/lib/mjs/flat-geobuf/feature.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import { PropertyDecoder, pointXY } from './properties.js';
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
  for (let i = 0; i < 3; i++) {
    if (head[i] !== MAGIC[i]) throw new Error('not a FlatGeobuf file (bad magic bytes)');
  }
  const headerLength = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(8, true);
  if (headerLength < 8 || headerLength > 10 * 1024 * 1024) throw new Error('not a FlatGeobuf file (bad header size)');
  const headerBytes = await source.read(8, 4 + headerLength);
  const header = fromByteBuffer(new flatbuffers.ByteBuffer(headerBytes.slice()));
  const { bounds, numNodes } = levelBounds(header.featuresCount, header.indexNodeSize);
  const indexOffset = 12 + headerLength;
  const indexLength = numNodes * NODE_ITEM_BYTES;
  return { header, indexOffset, indexLength, featuresOffset: indexOffset + indexLength, levelBounds: bounds, numNodes };
}

function intersects(view: DataView, at: number, rect: Rect): boolean {
  return !(view.getFloat64(at, true) > rect.maxX || view.getFloat64(at + 8, true) > rect.maxY ||
    view.getFloat64(at + 16, true) < rect.minX || view.getFloat64(at + 24, true) < rect.minY);
}

/**
 * Indices (file order) of the features whose envelope intersects rect. Walks the tree level by
 * level reading each level's needed node ranges, coalesced, through the cached source.
 */
export async function searchIndex(source: RangeSource, layout: FileLayout, rect: Rect): Promise<Uint32Array> {
  const bounds = layout.levelBounds;
  const nodeSize = layout.header.indexNodeSize;
  if (bounds.length === 0) return new Uint32Array(0);
  let ranges: [number, number][] = [[0, 1]];
  for (let level = bounds.length - 1; level >= 0; level--) {
    const isLeaf = level === 0;
    const next: number[] = [];
    for (const [start, end] of ranges) {
      const bytes = await source.read(layout.indexOffset + start * NODE_ITEM_BYTES, (end - start) * NODE_ITEM_BYTES);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let pos = start; pos < end; pos++) {
        const at = (pos - start) * NODE_ITEM_BYTES;
        if (!intersects(view, at, rect)) continue;
        if (isLeaf) next.push(pos - bounds[0][0]);
        else next.push(Number(view.getBigUint64(at + 32, true)));
      }
    }
    if (isLeaf) return Uint32Array.from(next);
    const childEnd = bounds[level - 1][1];
    ranges = coalesce(next.map((first) => [first, Math.min(first + nodeSize, childEnd)] as [number, number]));
    if (ranges.length === 0) return new Uint32Array(0);
  }
  return new Uint32Array(0);
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
  const leafStart = layout.levelBounds[0][0];
  const last = Math.min(to + 1, count - 1);
  const bytes = await source.read(layout.indexOffset + (leafStart + from) * NODE_ITEM_BYTES, (last - from + 1) * NODE_ITEM_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(to - from + 2);
  for (let i = 0; i <= last - from; i++) out[i] = Number(view.getBigUint64(i * NODE_ITEM_BYTES + 32, true));
  if (to + 1 >= count) out[to - from + 1] = source.size - layout.featuresOffset;
  return out;
}

export interface DecodeOptions {
  /** Names of columns to decode; all when undefined. */
  columns?: Set<string>;
  geometry: boolean;
  /** Columns stored as JSON text that hold arrays or objects. */
  jsonColumns?: Set<string>;
  /** Compiled once per header and column set. */
  decoder?: PropertyDecoder;
}

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
    if (g) geometry = fromGeometry(g, header.geometryType) as Geometry;
  }
  return { geometry, properties: options.decoder.decode(bytes, position) };
}
