// Mapbox Vector Tile 2.1 writer for geojson-vt's tile features, on pbf's PbfWriter. It replaces
// vt-pbf's writer, whose value dictionary (an object keyed by "type:value" strings) took most of the
// encoding time of attribute-rich tiles: here strings are looked up in a Map (after the key's last
// value), small integers in an array, and other numbers are written without looking up.
import { PbfWriter } from 'pbf';

/**
 * Tags of a data row without copying them: its attributes (none when lean) then its id as `id`.
 * Copying 20 attributes of 10,000 stacked rows into fresh objects cost more than writing them.
 */
export class RowTags {
  constructor(readonly id: unknown, readonly properties: Readonly<Record<string, unknown>> | null) {}
}

/** MVT values are string/number/boolean: nulls dropped, objects and arrays as JSON. */
export function tagValue(v: unknown): string | number | boolean | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : undefined;
    case 'bigint':
      return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    case 'object':
      if (v === null) return undefined;
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
      return JSON.stringify(v);
    default:
      return undefined;
  }
}

export type Tags = Record<string, unknown> | RowTags;

/** A geojson-vt tile feature: 1 point (geometry: points), 2 line, 3 polygon (geometry: rings). */
export interface VtFeature {
  type: 1 | 2 | 3;
  geometry: number[][] | number[][][];
  tags: Tags | null;
  id?: unknown;
}

export interface MvtLayer {
  name: string;
  features: readonly VtFeature[];
  /** Tags of feature i instead of features[i].tags (several rows drawn with one clipped shape). */
  tags?: readonly (Tags | null)[];
}

type Value = string | number | boolean;
/** Integers below this are kept once in a layer's values. */
const SMALL = 1 << 16;

class Dictionary {
  keys: string[] = [];
  private keyIndex = new Map<string, number>();
  values: Value[] = [];
  private strings = new Map<string, number>();
  private small: number[] = [];
  private booleans: [number, number] = [-1, -1];

  key(k: string): number {
    let i = this.keyIndex.get(k);
    if (i === undefined) { i = this.keys.length; this.keys.push(k); this.keyIndex.set(k, i); }
    return i;
  }

  /** Per key, the last value seen and its index: stacked rows repeat most of their values (names, codes). */
  private lastValue: unknown[] = [];
  private lastIndex: number[] = [];

  /** Index of value v of key k (an index of key()). */
  valueOf(k: number, v: Value): number {
    // Equal strings compare by content, without hashing (a string fresh from a worker message has no hash yet).
    if (this.lastValue[k] === v) return this.lastIndex[k];
    const i = this.value(v);
    this.lastValue[k] = v;
    this.lastIndex[k] = i;
    return i;
  }

  value(v: Value): number {
    if (typeof v === 'string') return this.indexIn(this.strings, v);
    if (typeof v === 'number') {
      // Small integers (years, counts, codes) repeat: one entry each. Other numbers (volumes) hardly ever
      // do, and a dictionary of them cost more than the few bytes a repeat takes (the spec allows repeats).
      if (Number.isInteger(v) && v >= 0 && v < SMALL) return (this.small[v] ??= this.push(v));
      return this.push(v);
    }
    const slot = v ? 1 : 0;
    if (this.booleans[slot] < 0) { this.booleans[slot] = this.values.length; this.values.push(v); }
    return this.booleans[slot];
  }

  private push(v: Value): number {
    this.values.push(v);
    return this.values.length - 1;
  }

  private indexIn<T extends string | number>(map: Map<T, number>, v: T): number {
    let i = map.get(v);
    if (i === undefined) { i = this.values.length; this.values.push(v); map.set(v, i); }
    return i;
  }
}

const command = (id: number, count: number) => (count << 3) | (id & 0x7);
const zigzag = (n: number) => (n << 1) ^ (n >> 31);

function writeTag(key: string, value: unknown, dict: Dictionary, out: number[]): void {
  const v = tagValue(value);
  if (v === undefined) return;
  const k = dict.key(key);
  out.push(k, dict.valueOf(k, v));
}

function writeTags(tags: Tags, dict: Dictionary, out: number[]): void {
  if (tags instanceof RowTags) {
    const properties = tags.properties;
    if (properties) for (const key in properties) if (key !== 'id') writeTag(key, properties[key], dict, out);
    writeTag('id', tags.id, dict, out);
    return;
  }
  for (const key in tags) {
    let value = tags[key];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') value = JSON.stringify(value);
    const k = dict.key(key);
    out.push(k, dict.valueOf(k, value as Value));
  }
}

/** Command-encoded geometry (MVT 4.3): MoveTo/LineTo with zig-zag deltas, ClosePath for rings. */
function writeGeometry(f: VtFeature, out: number[]): void {
  const rings = (f.type === 1 ? [f.geometry] : f.geometry) as number[][][];
  let x = 0;
  let y = 0;
  for (const ring of rings) {
    const points = f.type === 3 ? ring.length - 1 : ring.length; // a ring's closing point is ClosePath
    if (points <= 0) continue;
    out.push(command(1, f.type === 1 ? points : 1));
    for (let i = 0; i < points; i++) {
      if (i === 1 && f.type !== 1) out.push(command(2, points - 1));
      const dx = ring[i][0] - x;
      const dy = ring[i][1] - y;
      out.push(zigzag(dx), zigzag(dy));
      x += dx;
      y += dy;
    }
    if (f.type === 3) out.push(command(7, 1));
  }
}

function writePacked(values: number[], pbf: PbfWriter): void {
  for (const v of values) pbf.writeVarint(v);
}

/** Packed varints as bytes (values are 32-bit unsigned: commands and zig-zag deltas). */
function packVarints(values: readonly number[]): Uint8Array {
  let n = 0;
  for (const x of values) { const v = x >>> 0; n += v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5; }
  const out = new Uint8Array(n);
  let at = 0;
  for (let v of values) {
    v >>>= 0;
    while (v > 0x7f) { out[at++] = (v & 0x7f) | 0x80; v >>>= 7; }
    out[at++] = v;
  }
  return out;
}

function writeValue(value: Value, pbf: PbfWriter): void {
  if (typeof value === 'string') pbf.writeStringField(1, value);
  else if (typeof value === 'boolean') pbf.writeBooleanField(7, value);
  else if (value % 1 !== 0) pbf.writeDoubleField(3, value);
  else if (value < 0) pbf.writeSVarintField(6, value);
  else pbf.writeVarintField(5, value);
}

/** Thrown inside writeLayer when the layer will not fit its budget (caught by writeMvt). */
class OverBudget extends Error {}

/** Features written between two budget checks. */
const CHECK_EVERY = 256;
/** A layer is given up early once its first part, extrapolated, exceeds the budget by this factor. */
const EXTRAPOLATION_MARGIN = 1.5;

function writeLayer(layer: MvtLayer & { extent: number; budget: number }, pbf: PbfWriter): void {
  const start = pbf.pos;
  const n = layer.features.length;
  pbf.writeVarintField(15, 2);
  pbf.writeStringField(1, layer.name);
  pbf.writeVarintField(5, layer.extent);
  const dict = new Dictionary();
  const tags: number[] = [];
  const geometry: number[] = [];
  // Rows drawn with one clipped shape come one after another (encode.ts): its commands are encoded once.
  let shape: VtFeature | undefined;
  let shapeBytes: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < layer.features.length; i++) {
    const feature = layer.features[i];
    const featureTags = layer.tags ? layer.tags[i] : feature.tags;
    tags.length = 0;
    if (featureTags) writeTags(featureTags, dict, tags);
    if (feature !== shape) {
      geometry.length = 0;
      writeGeometry(feature, geometry);
      shapeBytes = packVarints(geometry);
      shape = feature;
    }
    pbf.writeMessage(2, (_: unknown, p: PbfWriter) => {
      if (typeof feature.id === 'number' && Number.isSafeInteger(feature.id) && feature.id >= 0) p.writeVarintField(1, feature.id);
      if (tags.length) p.writeMessage(2, writePacked, tags);
      p.writeVarintField(3, feature.type);
      p.writeBytesField(4, shapeBytes);
    }, null);
    if ((i + 1) % CHECK_EVERY === 0 && i + 1 < n) {
      // A tile over its budget is thrown away and made again leaner (encode.ts): once an eighth of a large
      // layer shows where it is heading, writing the rest would only be discarded.
      const written = pbf.pos - start;
      if (written > layer.budget) throw new OverBudget();
      if ((i + 1) * 8 >= n && (written * n) / (i + 1) > EXTRAPOLATION_MARGIN * layer.budget) throw new OverBudget();
    }
  }
  for (const key of dict.keys) pbf.writeStringField(3, key);
  for (const value of dict.values) pbf.writeMessage(4, writeValue, value);
}

/**
 * One MVT holding these layers (layer order kept; a layer without features is still written).
 * With a budget (bytes), null when the tile would exceed it: writing stops as soon as that is
 * certain, or likely by extrapolation from the first eighth of a layer's features (x1.5).
 */
export function writeMvt(layers: MvtLayer[], extent: number): Uint8Array;
export function writeMvt(layers: MvtLayer[], extent: number, budget: number): Uint8Array | null;
export function writeMvt(layers: MvtLayer[], extent: number, budget = Infinity): Uint8Array | null {
  const pbf = new PbfWriter();
  try {
    for (const layer of layers) pbf.writeMessage(3, writeLayer, { ...layer, extent, budget });
  } catch (err) {
    if (err instanceof OverBudget) return null;
    throw err;
  }
  const out = pbf.finish();
  return out.length > budget ? null : out;
}
