// Fast decoder of a FlatGeobuf feature's properties: finds the properties vector through the
// flatbuffer vtable directly (no wrapper objects), reads little-endian values from the bytes, and
// stops as soon as every wanted column has been read. Filters over whole files run on this.
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import type { ColumnMeta } from 'flatgeobuf/lib/mjs/column-meta.js';

// Byte size of fixed-width column types by ColumnType; 0 = length-prefixed (string, json, binary).
const FIXED_SIZE = new Uint8Array(16);
for (const [type, size] of [[ColumnType.Bool, 1], [ColumnType.Byte, 1], [ColumnType.UByte, 1], [ColumnType.Short, 2], [ColumnType.UShort, 2],
  [ColumnType.Int, 4], [ColumnType.UInt, 4], [ColumnType.Float, 4], [ColumnType.Long, 8], [ColumnType.ULong, 8], [ColumnType.Double, 8]]) FIXED_SIZE[type] = size;

const decoder = new TextDecoder();

export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

/** Absolute position of the object field `id` (0-based) of the flatbuffer table at `table`, or -1. */
function field(b: Uint8Array, table: number, id: number): number {
  const vtable = table - (u32(b, table) | 0);
  const at = 4 + 2 * id;
  if ((b[vtable] | (b[vtable + 1] << 8)) <= at) return -1;
  const offset = b[vtable + at] | (b[vtable + at + 1] << 8);
  if (offset === 0) return -1;
  return table + offset + u32(b, table + offset);
}

/** [start, end) of the properties byte vector (Feature field 1) of the size-prefixed feature at `position`, or null. */
export function propertiesRange(b: Uint8Array, position: number): [number, number] | null {
  const vector = propertiesVector(b, position);
  return vector < 0 ? null : [vector + 4, vector + 4 + u32(b, vector)];
}

/** The properties vector's position (its u32 length, then its bytes), or -1: propertiesRange without an array per feature. */
export function propertiesVector(b: Uint8Array, position: number): number {
  const root = position + 4;
  return field(b, root + u32(b, root), 1);
}

const f64 = new DataView(new ArrayBuffer(8));
/** Little-endian fixed-width bytes at `o` in a scratch view (no allocation). */
export function fixed(b: Uint8Array, o: number, n: number): DataView {
  for (let k = 0; k < n; k++) f64.setUint8(k, b[o + k]);
  return f64;
}

/** [x, y] of a Point feature read straight from the flatbuffer (Feature field 0 geometry → Geometry field 1 xy). */
export function pointXY(b: Uint8Array, position: number): [number, number] | null {
  const xy = pointVector(b, position);
  return xy < 0 ? null : [fixed(b, xy, 8).getFloat64(0, true), fixed(b, xy + 8, 8).getFloat64(0, true)];
}

/** Position of a Point feature's x then y (two little-endian f64), or -1: pointXY without an array per feature. */
export function pointVector(b: Uint8Array, position: number): number {
  const root = position + 4;
  const geometry = field(b, root + u32(b, root), 0);
  if (geometry < 0) return -1;
  const vector = field(b, geometry, 1);
  return vector < 0 || u32(b, vector) < 2 ? -1 : vector + 4;
}

function text(b: Uint8Array, start: number, end: number): string {
  // Short ASCII strings (codes, most Hub'Eau fields) are cheaper without TextDecoder.
  if (end - start < 32) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c > 127) return decoder.decode(b.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(b.subarray(start, end));
}

export class PropertyDecoder {
  private types: Uint8Array;
  private names: string[];
  private wanted: Uint8Array;
  private wantedCount: number;
  private json: Uint8Array;
  private makeBlank: () => Record<string, unknown>;

  constructor(columns: ColumnMeta[], wanted?: Iterable<string>, jsonColumns?: Set<string>) {
    this.types = Uint8Array.from(columns.map((c) => c.type));
    this.names = columns.map((c) => c.name);
    const set = wanted ? new Set(wanted) : null;
    this.wanted = Uint8Array.from(columns.map((c) => (set === null || set.has(c.name) ? 1 : 0)));
    this.wantedCount = this.wanted.reduce((a, b) => a + b, 0);
    this.json = Uint8Array.from(columns.map((c) => (c.type === ColumnType.Json || jsonColumns?.has(c.name) ? 1 : 0)));
    // A literal with every wanted key gives all objects one hidden class (fast property access);
    // keys are JSON-quoted, so column names cannot inject code.
    const keys = this.names.filter((_, i) => this.wanted[i]).map((n) => `${JSON.stringify(n)}: null`);
    this.makeBlank = new Function(`return () => ({ ${keys.join(', ')} });`)() as () => Record<string, unknown>;
  }

  /** Empty properties object: every wanted column null (present even when absent from the feature). */
  blank(): Record<string, unknown> {
    return this.makeBlank();
  }

  decode(b: Uint8Array, position: number): Record<string, unknown> {
    const out = this.blank();
    const vector = propertiesVector(b, position);
    if (vector < 0) return out;
    let o = vector + 4;
    const end = o + u32(b, vector);
    let found = 0;
    while (o < end && found < this.wantedCount) {
      const i = b[o] | (b[o + 1] << 8);
      o += 2;
      const type = this.types[i];
      const size = FIXED_SIZE[type];
      if (!this.wanted[i]) {
        o += size || 4 + u32(b, o);
        continue;
      }
      found++;
      let value: unknown;
      switch (type) {
        case ColumnType.Bool: value = b[o] !== 0; break;
        case ColumnType.Byte: value = (b[o] << 24) >> 24; break;
        case ColumnType.UByte: value = b[o]; break;
        case ColumnType.Short: value = ((b[o] | (b[o + 1] << 8)) << 16) >> 16; break;
        case ColumnType.UShort: value = b[o] | (b[o + 1] << 8); break;
        case ColumnType.Int: value = u32(b, o) | 0; break;
        case ColumnType.UInt: value = u32(b, o); break;
        default: {
          if (size) {
            const view = fixed(b, o, size);
            value = type === ColumnType.Float ? view.getFloat32(0, true) : type === ColumnType.Double ? view.getFloat64(0, true)
              : type === ColumnType.Long ? Number(view.getBigInt64(0, true)) : Number(view.getBigUint64(0, true));
          } else {
            const length = u32(b, o);
            const start = o + 4;
            if (type === ColumnType.Binary) value = b.slice(start, start + length);
            else {
              const s = text(b, start, start + length);
              value = this.json[i] ? JSON.parse(s) : s;
            }
            o = start + length;
            this.set(out, i, value);
            continue;
          }
        }
      }
      o += size;
      this.set(out, i, value);
    }
    return out;
  }

  /** The value of the only wanted column (null when absent): decode() without an object per feature. */
  only(b: Uint8Array, position: number): unknown {
    if (this.wantedCount > 1) throw new Error('only() decodes one wanted column');
    const vector = propertiesVector(b, position);
    if (vector < 0) return null;
    let o = vector + 4;
    const end = o + u32(b, vector);
    while (o < end) {
      const i = b[o] | (b[o + 1] << 8);
      o += 2;
      const type = this.types[i];
      const size = FIXED_SIZE[type];
      if (this.wanted[i]) {
        // Ids are strings (codes); any other type goes through decode().
        if (type === ColumnType.String && !this.json[i]) return text(b, o + 4, o + 4 + u32(b, o));
        return this.decode(b, position)[this.names[i]];
      }
      o += size || 4 + u32(b, o);
    }
    return null;
  }

  private set(out: Record<string, unknown>, i: number, value: unknown): void {
    out[this.names[i]] = value;
  }
}
