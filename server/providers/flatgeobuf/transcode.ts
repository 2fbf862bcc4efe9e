// GeoJSON text of a feature written straight from its FlatGeobuf bytes, without building a
// properties object: the hot path of items pages. Output matches featureJson(): columns in file
// order, absent ones null, doubles keep a decimal point, JSON columns copied as they are.
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import type { ColumnMeta } from 'flatgeobuf/lib/mjs/column-meta.js';
import { fixed, propertiesRange, propertiesVector, u32 } from './properties.js';
import { isUtf8 } from 'node:buffer';
import type { JsonBytes } from '../../formats/json-bytes.js';

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

// Byte size of fixed-width column types by ColumnType.
const FIXED_SIZE = new Uint8Array(16);
for (const [type, size] of [[ColumnType.Byte, 1], [ColumnType.UByte, 1], [ColumnType.Short, 2], [ColumnType.UShort, 2], [ColumnType.Int, 4],
  [ColumnType.UInt, 4], [ColumnType.Float, 4], [ColumnType.Long, 8], [ColumnType.ULong, 8], [ColumnType.Double, 8]]) FIXED_SIZE[type] = size;

// What a string's byte needs: nothing (printable ASCII), a UTF-8 check (over 0x7e), or escaping.
const HIGH = 1;
const ESCAPE = 2;
const BYTE_KIND = new Uint8Array(256);
for (let c = 0; c < 256; c++) BYTE_KIND[c] = c < 0x20 || c === 0x22 || c === 0x5c ? ESCAPE : c > 0x7e ? HIGH : 0;

/** Text through the encoder at `at`, then room for the rest of the feature again; returns the new end. */
function slow(out: JsonBytes, at: number, text: string, room: number): number {
  out.used = at;
  out.text(text);
  out.reserve(room);
  return out.used;
}

/** ASCII text into `buf` at `at` (room reserved by the caller); returns the new end. */
function ascii(buf: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
  return at;
}
const FEATURE_ID = Buffer.from('{"type":"Feature","id":');
const GEOMETRY = Buffer.from(',"geometry":');
const POINT = Buffer.from('{"type":"Point","coordinates":[');
const PROPERTIES = Buffer.from(',"properties":');

export class GeoJsonTranscoder {
  private keys: string[];
  private keyBytes: Buffer[];
  private keysLength: number;
  private types: Uint8Array;

  constructor(columns: ColumnMeta[]) {
    this.keys = columns.map((c, i) => `${i === 0 ? '' : ','}${JSON.stringify(c.name)}:`);
    this.keyBytes = this.keys.map((k) => Buffer.from(k));
    this.keysLength = this.keyBytes.reduce((sum, k) => sum + k.length, 0);
    this.types = Uint8Array.from(columns.map((c) => c.type));
  }

  /**
   * The same text as feature(), written as bytes into `out`: string values are copied from the
   * file's UTF-8, nothing is built per value. `point`: a Point at (x, y), else `geometry` is written.
   */
  featureInto(out: JsonBytes, b: Uint8Array, position: number, id: string, point: boolean, x: number, y: number, geometry: unknown): void {
    out.bytes(FEATURE_ID);
    out.string(id);
    out.bytes(GEOMETRY);
    if (point) {
      out.bytes(POINT);
      out.ascii(`${x},${y}]}`);
    } else out.text(JSON.stringify(geometry));
    out.bytes(PROPERTIES);
    this.propertiesInto(out, b, position);
    out.ascii('}');
  }

  /**
   * Writes straight into the output buffer, with room reserved once per feature: at most 4 output
   * bytes per input byte of the properties vector (a float's 4 bytes + column id print in ≤ 24
   * characters) and 4 per column (null), plus the keys. A value that needs the text path (escaped
   * string, JSON, binary) reserves its own room, then the room for the rest is reserved again.
   */
  propertiesInto(out: JsonBytes, b: Uint8Array, position: number): void {
    const vector = propertiesVector(b, position);
    let o = vector < 0 ? 0 : vector + 4;
    const end = vector < 0 ? 0 : o + u32(b, vector);
    const room = this.keysLength + 4 * this.keyBytes.length + 4 * (end - o) + 2;
    out.reserve(room);
    // Locals, not captured by any closure: the loops below stay register-fast.
    let buf = out.buffer;
    let at = out.used;
    let next = o < end ? b[o] | (b[o + 1] << 8) : -1;
    buf[at++] = 0x7b; // {
    for (let i = 0; i < this.keyBytes.length; i++) {
      const key = this.keyBytes[i];
      buf.set(key, at);
      at += key.length;
      if (i !== next) { buf[at++] = 0x6e; buf[at++] = 0x75; buf[at++] = 0x6c; buf[at++] = 0x6c; continue; } // null
      o += 2;
      const type = this.types[i];
      if (type === ColumnType.Bool) {
        at = ascii(buf, at, b[o] ? 'true' : 'false');
        o += 1;
      } else if (type === ColumnType.Json || type === ColumnType.Binary) {
        const length = u32(b, o);
        at = slow(out, at, this.value(type, b, o, length), room);
        buf = out.buffer;
        o += 4 + length;
      } else if (FIXED_SIZE[type]) {
        at = ascii(buf, at, this.scalar(type, b, o));
        o += FIXED_SIZE[type];
      } else { // String, DateTime: length-prefixed UTF-8
        const length = u32(b, o);
        const start = o + 4;
        o = start + length;
        // Copied as they are when nothing needs escaping and the bytes are valid UTF-8 (what
        // JSON.stringify of their decoding encodes to); else the text path.
        const mark = at;
        let seen = 0;
        buf[at++] = 0x22;
        for (let k = start; k < o; k++) {
          const c = b[k];
          const kind = BYTE_KIND[c];
          if (kind !== 0) { seen |= kind; if (kind === ESCAPE) break; }
          buf[at++] = c;
        }
        if (seen === 0 || (seen === HIGH && isUtf8(b.subarray(start, o)))) buf[at++] = 0x22;
        else {
          at = slow(out, mark, JSON.stringify(decoder.decode(b.subarray(start, o))), room);
          buf = out.buffer;
        }
      }
      next = o < end ? b[o] | (b[o + 1] << 8) : -1;
    }
    buf[at++] = 0x7d; // }
    out.used = at;
  }

  /** A fixed-width value's JSON text. */
  private scalar(type: number, b: Uint8Array, o: number): string {
    switch (type) {
      case ColumnType.Byte: return String((b[o] << 24) >> 24);
      case ColumnType.UByte: return String(b[o]);
      case ColumnType.Short: return String(((b[o] | (b[o + 1] << 8)) << 16) >> 16);
      case ColumnType.UShort: return String(b[o] | (b[o + 1] << 8));
      case ColumnType.Int: return String(u32(b, o) | 0);
      case ColumnType.UInt: return String(u32(b, o));
      case ColumnType.Float: return number(fixed(b, o, 4).getFloat32(0, true), true);
      case ColumnType.Double: return number(fixed(b, o, 8).getFloat64(0, true), true);
      case ColumnType.Long: return String(fixed(b, o, 8).getBigInt64(0, true));
      default: return String(fixed(b, o, 8).getBigUint64(0, true));
    }
  }

  private value(type: number, b: Uint8Array, o: number, length: number): string {
    if (type === ColumnType.Binary) return JSON.stringify(Buffer.from(b.subarray(o + 4, o + 4 + length)).toString('base64'));
    // Re-serialised: a foreign file's JSON text must not break the document.
    try { return JSON.stringify(JSON.parse(decoder.decode(b.subarray(o + 4, o + 4 + length)))); } catch { return 'null'; }
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
        case ColumnType.Json: case ColumnType.Binary: {
          const length = u32(b, o);
          out += this.value(this.types[i], b, o, length);
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
