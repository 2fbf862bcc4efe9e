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
const scratch = new DataView(new ArrayBuffer(8));

function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

/** [start, end) of the properties byte vector of the size-prefixed feature at `position`, or null. */
export function propertiesRange(b: Uint8Array, position: number): [number, number] | null {
  const root = position + 4;
  const table = root + u32(b, root);
  const vtable = table - (u32(b, table) | 0);
  const vtableSize = b[vtable] | (b[vtable + 1] << 8);
  if (vtableSize <= 6) return null;
  const field = b[vtable + 6] | (b[vtable + 7] << 8); // field 1 = properties
  if (field === 0) return null;
  const vector = table + field + u32(b, table + field);
  const length = u32(b, vector);
  return [vector + 4, vector + 4 + length];
}

const f64 = new DataView(new ArrayBuffer(8));
function double(b: Uint8Array, o: number): number {
  for (let k = 0; k < 8; k++) f64.setUint8(k, b[o + k]);
  return f64.getFloat64(0, true);
}

/** [x, y] of a Point feature read straight from the flatbuffer (field 0 geometry → field 1 xy). */
export function pointXY(b: Uint8Array, position: number): [number, number] | null {
  const root = position + 4;
  const table = root + u32(b, root);
  const vtable = table - (u32(b, table) | 0);
  const vtableSize = b[vtable] | (b[vtable + 1] << 8);
  if (vtableSize <= 4) return null;
  const field = b[vtable + 4] | (b[vtable + 5] << 8);
  if (field === 0) return null;
  const geometry = table + field + u32(b, table + field);
  const gvtable = geometry - (u32(b, geometry) | 0);
  const gvtableSize = b[gvtable] | (b[gvtable + 1] << 8);
  if (gvtableSize <= 6) return null;
  const xyField = b[gvtable + 6] | (b[gvtable + 7] << 8);
  if (xyField === 0) return null;
  const vector = geometry + xyField + u32(b, geometry + xyField);
  if (u32(b, vector) < 2) return null;
  return [double(b, vector + 4), double(b, vector + 12)];
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
    const range = propertiesRange(b, position);
    if (!range) return out;
    let o = range[0];
    const end = range[1];
    let found = 0;
    while (o < end && found < this.wantedCount) {
      const i = b[o] | (b[o + 1] << 8);
      o += 2;
      const type = this.types[i];
      const fixed = FIXED_SIZE[type];
      if (!this.wanted[i]) {
        o += fixed || 4 + u32(b, o);
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
          if (fixed) {
            for (let k = 0; k < fixed; k++) scratch.setUint8(k, b[o + k]);
            value = type === ColumnType.Float ? scratch.getFloat32(0, true) : type === ColumnType.Double ? scratch.getFloat64(0, true)
              : type === ColumnType.Long ? Number(scratch.getBigInt64(0, true)) : Number(scratch.getBigUint64(0, true));
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
      o += fixed;
      this.set(out, i, value);
    }
    return out;
  }

  private set(out: Record<string, unknown>, i: number, value: unknown): void {
    out[this.names[i]] = value;
  }
}
