// Streaming FlatGeobuf writer with a packed Hilbert R-tree. The flatgeobuf package can only
// serialize a whole in-memory collection without index, so features are spilled to a temporary
// file as they come, sorted by Hilbert value at the end (within parts, see `partitionBy`), and
// copied behind the tree.
// Output is written under a temporary name and renamed: a failed build leaves nothing half-written.
import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as flatbuffers from 'flatbuffers';
import { Header } from 'flatgeobuf/lib/mjs/flat-geobuf/header.js';
import { Column } from 'flatgeobuf/lib/mjs/flat-geobuf/column.js';
import { Crs } from 'flatgeobuf/lib/mjs/flat-geobuf/crs.js';
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import { parseGeometry } from 'flatgeobuf/lib/mjs/geojson/geometry.js';
import type { HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import type { ColumnMeta } from 'flatgeobuf/lib/mjs/column-meta.js';
import type { Geometry } from 'geojson';
import { MAGIC, NO_BOX_KEY, levelBounds } from './format.js';
import { hilbert } from './hilbert.js';
import { writeIdIndex } from './id-index.js';
import { FeatureEncoder } from './encode.js';

export { ColumnType };

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  title?: string;
  description?: string;
  nullable?: boolean;
}

export interface WriterOptions {
  /** Layer name (GDAL shows it as the layer name). */
  name: string;
  title?: string;
  description?: string;
  geometryType: 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon' | null;
  columns: ColumnSpec[];
  /** EPSG code of the coordinates; 4326 (lon, lat order as FlatGeobuf stores it). */
  epsg?: number;
  /** Write `<path>.ids`, a sorted id → feature index sidecar for lookups by id. */
  ids?: boolean;
  indexNodeSize?: number;
  /** Features stored in parts by these properties (in this order), Hilbert-sorted within each part. */
  partitionBy?: StoragePart[];
}

/** A property whose values split a file into parts (null values last, in either order). */
export interface StoragePart { property: string; descending?: boolean }

export interface FinishOptions {
  /** JSON-serialisable metadata stored in the header (read back by the provider's stats). */
  metadata?: Record<string, unknown>;
}

const FLUSH_BYTES = 8 * 1024 * 1024;

class GrowableFloat64 {
  data = new Float64Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
}

export class FlatGeobufWriter {
  private spillPath: string;
  private spillFd: number;
  private pending = Buffer.allocUnsafe(FLUSH_BYTES * 2);
  private pendingBytes = 0;
  private encoder: FeatureEncoder;
  private spillSize = 0;
  private offsets = new GrowableFloat64();
  private boxes = new GrowableFloat64();
  private ids: string[] = [];
  /** Part of each feature (an index into `parts`), when partitioned. */
  private partOf = new GrowableFloat64();
  private parts = new Map<string, { key: unknown[]; id: number }>();
  private header: HeaderMeta;
  private finished = false;

  constructor(private path: string, private options: WriterOptions) {
    this.spillPath = `${path}.${process.pid}.spill`;
    this.spillFd = openSync(this.spillPath, 'w+');
    this.header = {
      geometryType: options.geometryType ? GeometryType[options.geometryType] : GeometryType.Unknown,
      columns: columnMetas(options.columns),
      envelope: null, featuresCount: 0, indexNodeSize: 0, crs: null, title: null, description: null, metadata: null,
    };
    this.encoder = new FeatureEncoder(this.header.columns!);
  }

  get count(): number { return this.offsets.length; }

  private extent = [Infinity, Infinity, -Infinity, -Infinity];
  private grow(box: number[]): void {
    const e = this.extent;
    if (box[0] < e[0]) e[0] = box[0];
    if (box[1] < e[1]) e[1] = box[1];
    if (box[2] > e[2]) e[2] = box[2];
    if (box[3] > e[3]) e[3] = box[3];
  }

  add(properties: Record<string, unknown>, geometry: Geometry | null, id?: string): void {
    if (this.finished) throw new Error('writer already finished');
    const parsed = geometry ? parseGeometry(geometry as any) : null;
    const bytes = this.encoder.encode(properties, parsed);
    // No geometry: an inverted box, which no search rectangle intersects and no node bound widens.
    const box = parsed ? envelope(parsed.xy, parsed.parts) : [Infinity, Infinity, -Infinity, -Infinity];
    if (parsed) this.grow(box);
    this.boxes.push(box[0]); this.boxes.push(box[1]); this.boxes.push(box[2]); this.boxes.push(box[3]);
    this.offsets.push(this.spillSize + this.pendingBytes);
    if (this.options.ids) this.ids.push(id ?? String(this.count - 1));
    if (this.options.partitionBy?.length) this.partOf.push(this.partId(properties));
    if (this.pendingBytes + bytes.length > this.pending.length) this.flushSpill();
    if (bytes.length > this.pending.length) this.pending = Buffer.allocUnsafe(bytes.length * 2);
    this.pending.set(bytes, this.pendingBytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flushSpill();
  }

  private partId(properties: Record<string, unknown>): number {
    const key = this.options.partitionBy!.map(({ property }) => properties[property] ?? null);
    const text = JSON.stringify(key);
    let part = this.parts.get(text);
    if (!part) { part = { key, id: this.parts.size }; this.parts.set(text, part); }
    return part.id;
  }

  /** The Hilbert order made stable by part: parts in their declared order, each still Hilbert-sorted. */
  private partitioned(order: Uint32Array): Uint32Array {
    const by = this.options.partitionBy;
    if (!by?.length || this.parts.size < 2) return order;
    const compare = (a: unknown[], b: unknown[]) => {
      for (let k = 0; k < by.length; k++) {
        const [x, y] = [a[k], b[k]];
        if (x === y) continue;
        if (x === null) return 1;
        if (y === null) return -1;
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
        if (c !== 0) return by[k].descending ? -c : c;
      }
      return 0;
    };
    const sorted = [...this.parts.values()].sort((a, b) => compare(a.key, b.key));
    const rank = new Uint32Array(this.parts.size);
    sorted.forEach((part, r) => { rank[part.id] = r; });
    // Counting sort by rank: stable, so the Hilbert order holds within each part.
    const start = new Float64Array(sorted.length + 1);
    for (let i = 0; i < order.length; i++) start[rank[this.partOf.data[i]] + 1]++;
    for (let r = 0; r < sorted.length; r++) start[r + 1] += start[r];
    const out = new Uint32Array(order.length);
    for (const feature of order) out[start[rank[this.partOf.data[feature]]]++] = feature;
    return out;
  }

  private flushSpill(): void {
    if (this.pendingBytes === 0) return;
    writeSync(this.spillFd, this.pending, 0, this.pendingBytes, this.spillSize);
    this.spillSize += this.pendingBytes;
    this.pendingBytes = 0;
  }

  /** Sorts, writes header + tree + features to `<path>.tmp`, then renames it to `path`. */
  finish(finishOptions: FinishOptions = {}): { count: number; bytes: number } {
    this.flushSpill();
    this.finished = true;
    const n = this.count;
    const nodeSize = n > 0 && this.options.geometryType ? (this.options.indexNodeSize ?? 16) : 0;
    const boxes = this.boxes.data;
    const extent = this.extent;
    const order = this.partitioned(nodeSize ? hilbertOrder(boxes, n, extent) : Uint32Array.from({ length: n }, (_, i) => i));
    // Where the features without a box are (the end of each part): a search may then take the leaves
    // under a node inside its rectangle without reading them (format.ts, searchIndex).
    const metadata = nodeSize ? { ...finishOptions.metadata, [NO_BOX_KEY]: noBoxRanges(order, boxes) } : finishOptions.metadata;
    const sizes = new Float64Array(n);
    for (let i = 0; i < n; i++) sizes[i] = (i + 1 < n ? this.offsets.data[i + 1] : this.spillSize) - this.offsets.data[i];

    const tmp = `${this.path}.tmp`;
    const out = openSync(tmp, 'w');
    let position = 0;
    const write = (bytes: Uint8Array) => { writeSync(out, bytes, 0, bytes.length, position); position += bytes.length; };
    try {
      write(MAGIC);
      // Features without geometry take no part in the extent: a file of none has no envelope.
      write(this.buildHeader(n, nodeSize, extent[0] <= extent[2] ? extent : null, metadata));
      if (nodeSize) write(buildTree(order, boxes, sizes, nodeSize));
      copyFeatures(this.spillFd, order, this.offsets.data, sizes, write);
      closeSync(out);
      if (this.options.ids) writeIdIndex(`${this.path}.ids`, this.ids, order);
      renameSync(tmp, this.path);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    } finally {
      this.cleanup();
    }
    return { count: n, bytes: position };
  }

  abort(): void {
    this.finished = true;
    this.cleanup();
  }

  private cleanup(): void {
    try { closeSync(this.spillFd); } catch { /* already closed */ }
    rmSync(this.spillPath, { force: true });
    this.ids = [];
    this.parts.clear();
    this.partOf = new GrowableFloat64();
  }

  private buildHeader(count: number, nodeSize: number, extent: number[] | null, metadata?: Record<string, unknown>): Uint8Array {
    return buildHeader({ ...this.options, columns: this.header.columns!, featuresCount: count, indexNodeSize: nodeSize, extent, metadata });
  }
}

export function columnMetas(columns: ColumnSpec[]): ColumnMeta[] {
  return columns.map((c) => ({
    name: c.name, type: c.type, title: c.title ?? null, description: c.description ?? null,
    width: -1, precision: -1, scale: -1, nullable: c.nullable ?? true, unique: false, primary_key: false,
  }));
}

export interface HeaderOptions {
  name: string;
  title?: string;
  description?: string;
  geometryType: WriterOptions['geometryType'];
  columns: ColumnMeta[];
  epsg?: number;
  /** 0 = unknown (a streamed file), read until the end. */
  featuresCount: number;
  /** 0 = no spatial index. */
  indexNodeSize: number;
  extent: number[] | null;
  metadata?: Record<string, unknown>;
}

/** The size-prefixed header table (the magic bytes go before it). Shared by files and streamed exports. */
export function buildHeader(options: HeaderOptions): Uint8Array {
  const builder = new flatbuffers.Builder(1024);
  // Features must start 8-aligned: readers view their coordinates as Float64Arrays in place.
  builder.prep(8, 0);
  const columns = options.columns.map((c) => {
    const name = builder.createString(c.name);
    const title = c.title ? builder.createString(c.title) : 0;
    const description = c.description ? builder.createString(c.description) : 0;
    Column.startColumn(builder);
    Column.addName(builder, name);
    Column.addType(builder, c.type);
    if (title) Column.addTitle(builder, title);
    if (description) Column.addDescription(builder, description);
    Column.addNullable(builder, c.nullable);
    return Column.endColumn(builder);
  });
  const columnsVector = Header.createColumnsVector(builder, columns);
  const name = builder.createString(options.name);
  const title = options.title ? builder.createString(options.title) : 0;
  const description = options.description ? builder.createString(options.description) : 0;
  const metadataString = options.metadata ? builder.createString(JSON.stringify(options.metadata)) : 0;
  const envelopeVector = options.extent ? Header.createEnvelopeVector(builder, options.extent) : 0;
  let crs = 0;
  if (options.geometryType) {
    Crs.startCrs(builder);
    Crs.addCode(builder, options.epsg ?? 4326);
    crs = Crs.endCrs(builder);
  }
  Header.startHeader(builder);
  Header.addName(builder, name);
  if (envelopeVector) Header.addEnvelope(builder, envelopeVector);
  Header.addGeometryType(builder, options.geometryType ? GeometryType[options.geometryType] : GeometryType.Unknown);
  Header.addColumns(builder, columnsVector);
  Header.addFeaturesCount(builder, BigInt(options.featuresCount));
  Header.addIndexNodeSize(builder, options.indexNodeSize);
  if (crs) Header.addCrs(builder, crs);
  if (title) Header.addTitle(builder, title);
  if (description) Header.addDescription(builder, description);
  if (metadataString) Header.addMetadata(builder, metadataString);
  builder.finishSizePrefixed(Header.endHeader(builder));
  return builder.asUint8Array();
}

function envelope(xy: number[], parts: { xy: number[]; parts: any[] }[]): number[] {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (coords: number[], children: { xy: number[]; parts: any[] }[]) => {
    for (let i = 0; i < coords.length; i += 2) {
      if (coords[i] < box[0]) box[0] = coords[i];
      if (coords[i + 1] < box[1]) box[1] = coords[i + 1];
      if (coords[i] > box[2]) box[2] = coords[i];
      if (coords[i + 1] > box[3]) box[3] = coords[i + 1];
    }
    for (const part of children ?? []) visit(part.xy, part.parts);
  };
  visit(xy, parts);
  return box;
}

const clamp16 = (v: number) => (v > 0 ? (v < 0xffff ? v : 0xffff) : 0);

/** Features with geometry in Hilbert order, then those without (inverted box), in their order. */
function hilbertOrder(boxes: Float64Array, n: number, extent: number[]): Uint32Array {
  if (!(extent[0] <= extent[2])) extent = [0, 0, 0, 0];
  const width = extent[2] - extent[0] || 1;
  const height = extent[3] - extent[1] || 1;
  // Key = hilbert value (high 32 bits) | original index: one native numeric sort, stable by index.
  const keys = new BigUint64Array(n);
  const boxless: number[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!(boxes[i * 4] <= boxes[i * 4 + 2])) { boxless.push(i); continue; }
    const x = clamp16(Math.floor((0xffff * ((boxes[i * 4] + boxes[i * 4 + 2]) / 2 - extent[0])) / width));
    const y = clamp16(Math.floor((0xffff * ((boxes[i * 4 + 1] + boxes[i * 4 + 3]) / 2 - extent[1])) / height));
    keys[k++] = (BigInt(hilbert(x, y)) << 32n) | BigInt(i);
  }
  const sorted = keys.subarray(0, k).sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < k; i++) order[i] = Number(sorted[i] & 0xffffffffn);
  order.set(boxless, k);
  return order;
}

function noBoxRanges(order: Uint32Array, boxes: Float64Array): [number, number][] {
  const ranges: [number, number][] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (boxes[i * 4] <= boxes[i * 4 + 2]) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === k) last[1] = k + 1; else ranges.push([k, k + 1]);
  }
  return ranges;
}

function buildTree(order: Uint32Array, boxes: Float64Array, sizes: Float64Array, nodeSize: number): Uint8Array {
  const n = order.length;
  const { bounds, numNodes } = levelBounds(n, nodeSize);
  const tree = new Float64Array(numNodes * 5);
  const view = new DataView(tree.buffer);
  const leafStart = bounds[0][0];
  let featureOffset = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const at = (leafStart + k) * 5;
    tree[at] = boxes[i * 4]; tree[at + 1] = boxes[i * 4 + 1]; tree[at + 2] = boxes[i * 4 + 2]; tree[at + 3] = boxes[i * 4 + 3];
    view.setBigUint64((at + 4) * 8, BigInt(featureOffset), true);
    featureOffset += sizes[i];
  }
  // Parents: each node covers up to nodeSize consecutive children of the level below.
  for (let level = 0; level < bounds.length - 1; level++) {
    const [childStart, childEnd] = bounds[level];
    let parent = bounds[level + 1][0];
    for (let first = childStart; first < childEnd; first += nodeSize, parent++) {
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (let c = first; c < Math.min(first + nodeSize, childEnd); c++) {
        minX = Math.min(minX, tree[c * 5]); minY = Math.min(minY, tree[c * 5 + 1]);
        maxX = Math.max(maxX, tree[c * 5 + 2]); maxY = Math.max(maxY, tree[c * 5 + 3]);
      }
      const at = parent * 5;
      tree[at] = minX; tree[at + 1] = minY; tree[at + 2] = maxX; tree[at + 3] = maxY;
      view.setBigUint64((at + 4) * 8, BigInt(first), true);
    }
  }
  return new Uint8Array(tree.buffer);
}

function copyFeatures(spillFd: number, order: Uint32Array, offsets: Float64Array, sizes: Float64Array, write: (b: Uint8Array) => void): void {
  let out = Buffer.allocUnsafe(FLUSH_BYTES * 2);
  let used = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const size = sizes[i];
    if (used + size > out.length) {
      write(out.subarray(0, used));
      used = 0;
      if (size > out.length) out = Buffer.allocUnsafe(size * 2);
    }
    readSync(spillFd, out, used, size, offsets[i]);
    used += size;
  }
  if (used) write(out.subarray(0, used));
}
