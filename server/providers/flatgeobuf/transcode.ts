// GeoJSON text of a feature written straight from its FlatGeobuf bytes, without building a
// properties object: the hot path of items pages. Output matches featureJson(): columns in file
// order, absent ones null, doubles keep a decimal point, JSON columns copied as they are.
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import type { ColumnMeta } from 'flatgeobuf/lib/mjs/column-meta.js';
import { fixed, propertiesRange, u32 } from './properties.js';

const decoder = new TextDecoder();
export function number(value: number, decimal: boolean): string {
  if (!Number.isFinite(value)) return 'null';
  return decimal && Number.isInteger(value) && Math.abs(value) < 1e21 ? `${value}.0` : String(value);
}

/** A JSON string literal of UTF-8 bytes; plain ASCII (most Hub'Eau values) skips escaping. */
export function jsonString(b: Uint8Array, start: number, end: number): string {
  let plain = true;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) { plain = false; break; }
  }
  if (plain) return `"${String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[])}"`;
  return JSON.stringify(decoder.decode(b.subarray(start, end)));
}

export class GeoJsonTranscoder {
  private keys: string[];
  private types: Uint8Array;

  constructor(columns: ColumnMeta[]) {
    this.keys = columns.map((c, i) => `${i === 0 ? '' : ','}${JSON.stringify(c.name)}:`);
    this.types = Uint8Array.from(columns.map((c) => c.type));
  }

  /** `{"type":"Feature","id":…,"geometry":…,"properties":{…}}` */
  feature(b: Uint8Array, position: number, id: string, geometryJson: string): string {
    return `{"type":"Feature","id":${JSON.stringify(id)},"geometry":${geometryJson},"properties":${this.properties(b, position)}}`;
  }

  properties(b: Uint8Array, position: number): string {
    const range = propertiesRange(b, position);
    let out = '{';
    let o = range ? range[0] : 0;
    const end = range ? range[1] : 0;
    let next = o < end ? b[o] | (b[o + 1] << 8) : -1;
    for (let i = 0; i < this.keys.length; i++) {
      out += this.keys[i];
      if (i !== next) { out += 'null'; continue; }
      o += 2;
      switch (this.types[i]) {
        case ColumnType.Bool: out += b[o] ? 'true' : 'false'; o += 1; break;
        case ColumnType.Byte: out += (b[o] << 24) >> 24; o += 1; break;
        case ColumnType.UByte: out += b[o]; o += 1; break;
        case ColumnType.Short: out += ((b[o] | (b[o + 1] << 8)) << 16) >> 16; o += 2; break;
        case ColumnType.UShort: out += b[o] | (b[o + 1] << 8); o += 2; break;
        case ColumnType.Int: out += u32(b, o) | 0; o += 4; break;
        case ColumnType.UInt: out += u32(b, o); o += 4; break;
        case ColumnType.Float: out += number(fixed(b, o, 4).getFloat32(0, true), true); o += 4; break;
        case ColumnType.Double: out += number(fixed(b, o, 8).getFloat64(0, true), true); o += 8; break;
        case ColumnType.Long: out += String(fixed(b, o, 8).getBigInt64(0, true)); o += 8; break;
        case ColumnType.ULong: out += String(fixed(b, o, 8).getBigUint64(0, true)); o += 8; break;
        case ColumnType.Json: {
          const length = u32(b, o);
          // Re-serialised: a foreign file's JSON text must not break the document.
          let text = 'null';
          try { text = JSON.stringify(JSON.parse(decoder.decode(b.subarray(o + 4, o + 4 + length)))); } catch { /* invalid: null */ }
          out += text;
          o += 4 + length;
          break;
        }
        case ColumnType.Binary: {
          const length = u32(b, o);
          out += JSON.stringify(Buffer.from(b.subarray(o + 4, o + 4 + length)).toString('base64'));
          o += 4 + length;
          break;
        }
        default: {
          const length = u32(b, o);
          out += jsonString(b, o + 4, o + 4 + length);
          o += 4 + length;
        }
      }
      next = o < end ? b[o] | (b[o + 1] << 8) : -1;
    }
    return out + '}';
  }
}
