// Pages are written as bytes straight from FlatGeobuf (JsonBytes): they must be the very bytes the
// text paths wrote — the provider's json() and decoding + featureJson/JSON.stringify — on every
// column type, nulls, unicode, extreme and big numbers, point and non-point geometry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColumnType, FlatGeobufWriter } from '../../server/providers/flatgeobuf/writer.js';
import { FlatGeobufProvider } from '../../server/providers/flatgeobuf/provider.js';
import { JsonBytes, writesJsonBytes } from '../../server/formats/json-bytes.js';
import { featureJson, plainShaper } from '../../server/formats/geojson.js';
import type { Feature } from '../../server/types.js';

const COLUMNS = [
  { name: 'code', type: ColumnType.String },
  { name: 'byte', type: ColumnType.Byte }, { name: 'ubyte', type: ColumnType.UByte }, { name: 'bool', type: ColumnType.Bool },
  { name: 'short', type: ColumnType.Short }, { name: 'ushort', type: ColumnType.UShort },
  { name: 'int', type: ColumnType.Int }, { name: 'uint', type: ColumnType.UInt },
  { name: 'long', type: ColumnType.Long }, { name: 'ulong', type: ColumnType.ULong },
  { name: 'float', type: ColumnType.Float }, { name: 'double', type: ColumnType.Double },
  { name: 'text', type: ColumnType.String }, { name: 'json', type: ColumnType.Json }, { name: 'date', type: ColumnType.DateTime },
  { name: 'blob', type: ColumnType.Binary },
  { name: 'clé « é » "q"', type: ColumnType.String },
];
const DECIMALS = new Set(['float', 'double']);

const TEXTS = ['Saint-Étienne', "L'Haÿ-les-Roses", 'quote " and \\ backslash', 'tab\tnew\nline\u0001', '\u2028sep\u2029', 'emoji 💧🚰',
  '', 'x'.repeat(300), 'é'.repeat(100), '\u007f del', '中文', 'null'];
const EXTREMES: Record<string, unknown[]> = {
  byte: [-128, 127, 0], ubyte: [0, 255], bool: [true, false], short: [-32768, 32767], ushort: [0, 65535],
  int: [-2147483648, 2147483647, 0], uint: [0, 4294967295], long: [-9007199254740991, 9007199254740991, 0, -1],
  ulong: [0, 9007199254740991], float: [0.1, -3.4028234663852886e38, 1e-45, 16777216, 0, -0.5],
  double: [0, -0, 1e21, 1e-7, 1.7976931348623157e308, -5e-324, 1194388, 0.1 + 0.2, 123456789.125],
  json: [[1, 'a', null], { k: 'v', n: [1.5] }, 'str', 42, true],
  date: ['2024-01-31T12:00:00Z', '1900-01-01'],
  blob: [new Uint8Array([0, 1, 2, 255]), new Uint8Array(0)],
};

function records(): { properties: Record<string, unknown>; geometry: { type: 'Point'; coordinates: number[] } | null }[] {
  const out = [];
  for (let i = 0; i < 120; i++) {
    // Ids too: some need escaping or are not ASCII (written through JsonBytes.string).
    const properties: Record<string, unknown> = { code: i % 7 === 0 ? `F${i} "q"` : i % 11 === 0 ? `F${i}\t« é »💧` : i % 13 === 0 ? `F${i} back\\slash` : `F${i}` };
    for (const column of COLUMNS.slice(1)) {
      // Every fifth value of each column absent (null), at a different row per column.
      if ((i + column.name.length) % 5 === 0) continue;
      const values = EXTREMES[column.name] ?? TEXTS;
      properties[column.name] = values[i % values.length];
    }
    out.push({ properties, geometry: i % 17 === 3 ? null : { type: 'Point' as const, coordinates: [-5 + i * 0.0123456789, 41 + i / 7] } });
  }
  return out;
}

async function pageFeatures(provider: FlatGeobufProvider): Promise<Feature[]> {
  const features: Feature[] = [];
  for await (const f of (await provider.query({ offset: 0, limit: 1000, count: false })).features) features.push(f);
  return features;
}

describe('GeoJSON written as bytes', () => {
  it('equals the text fast path and the decoding path, byte for byte, on every column type', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'json-bytes-')), 'all.fgb');
    const writer = new FlatGeobufWriter(path, { name: 'all', geometryType: 'Point', columns: COLUMNS, ids: true });
    const input = records();
    for (const r of input) writer.add(r.properties, r.geometry, r.properties.code as string);
    writer.finish();
    const provider = await FlatGeobufProvider.open(path, { idProperties: ['code'] });
    const features = await pageFeatures(provider);
    assert.equal(features.length, input.length);
    for (const feature of features) {
      assert.ok(writesJsonBytes(feature));
      const out = new JsonBytes(16); // tiny: every write has to grow it
      assert.ok(feature.writeJson(out));
      const bytes = out.take().toString('utf8');
      assert.equal(bytes, feature.json?.(), `${feature.id}: bytes = the text fast path`);
      // Decoding path: binary columns are base64 text in GeoJSON, and JSON.stringify of what decodes.
      const decoded = plainShaper(feature);
      const blob = decoded.properties!.blob;
      if (blob instanceof Uint8Array) decoded.properties!.blob = Buffer.from(blob).toString('base64');
      assert.equal(bytes, featureJson(decoded, DECIMALS), `${feature.id}: bytes = decoding + featureJson`);
      const parsed = JSON.parse(bytes);
      assert.deepEqual(parsed.properties, JSON.parse(JSON.stringify(decoded.properties)), `${feature.id}: = JSON.stringify of the decoded properties`);
      assert.deepEqual(parsed.geometry, decoded.geometry);
    }
    await provider.close();
  });

  it('writes 64-bit integers beyond 2^53 exactly (the decoding path rounds them)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'json-bytes-')), 'big.fgb');
    const writer = new FlatGeobufWriter(path, { name: 'big', geometryType: 'Point', columns: [{ name: 'code', type: ColumnType.String }, { name: 'long', type: ColumnType.Long }], ids: true });
    writer.add({ code: 'a', long: 2 ** 60 }, { type: 'Point', coordinates: [1, 2] }, 'a');
    writer.finish();
    const provider = await FlatGeobufProvider.open(path, { idProperties: ['code'] });
    const [feature] = await pageFeatures(provider);
    const out = new JsonBytes();
    assert.ok(writesJsonBytes(feature) && feature.writeJson(out));
    assert.match(out.take().toString(), /"long":1152921504606846976\}/);
    await provider.close();
  });

  it('a UTF-8 string literal equals JSON.stringify of its decoding, for any bytes (invalid UTF-8 included)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = [0x41, 0x22, 0x5c, 0x0a, 0x00, 0x7f, 0xc3, 0xa9, 0xe2, 0x80, 0xa8, 0xf0, 0x9f, 0x92, 0xa7, 0xff, 0xed, 0xa0];
    const decoder = new TextDecoder();
    for (let n = 0; n < 3000; n++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]);
      const out = new JsonBytes(1);
      out.ascii('[');
      out.utf8String(bytes, 0, bytes.length);
      out.ascii(']');
      assert.equal(out.take().toString('utf8'), `[${JSON.stringify(decoder.decode(bytes))}]`, `bytes ${Array.from(bytes)}`);
    }
  });
});
