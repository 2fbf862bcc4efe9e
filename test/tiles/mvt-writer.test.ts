// The MVT writer (server/tiles/mvt.ts) against vt-pbf, the writer it replaced: for the same geojson-vt
// tiles, both decode (with @mapbox/vector-tile) to the same features, geometries and values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import type { Feature as GeoJsonFeature, Geometry } from 'geojson';
import { writeMvt, type VtFeature } from '../../server/tiles/mvt.js';
import { decode, rng } from './helpers.js';

function decoded(buf: Uint8Array) {
  const tile = decode(buf);
  return Object.fromEntries(Object.entries(tile.layers).map(([name, layer]) => [name, {
    extent: layer.extent,
    version: layer.version,
    features: Array.from({ length: layer.length }, (_, i) => {
      const f = layer.feature(i);
      return { type: f.type, properties: { ...f.properties }, geometry: f.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y])) };
    }),
  }]));
}

/** Random features of every geometry type around (0, 0), with values of every MVT type, nulls and objects. */
function features(n: number, seed: number): GeoJsonFeature<Geometry, Record<string, unknown>>[] {
  const r = rng(seed);
  const pt = () => [(r() - 0.5) * 20, (r() - 0.5) * 20];
  const ring = () => {
    const [x, y] = pt();
    const s = 0.5 + r() * 3;
    return [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
  };
  const geometries: (() => Geometry)[] = [
    () => ({ type: 'Point', coordinates: pt() }),
    () => ({ type: 'MultiPoint', coordinates: [pt(), pt(), pt()] }),
    () => ({ type: 'LineString', coordinates: [pt(), pt(), pt()] }),
    () => ({ type: 'MultiLineString', coordinates: [[pt(), pt()], [pt(), pt(), pt()]] }),
    () => {
      const outer = ring();
      const [x, y] = outer[0];
      return { type: 'Polygon', coordinates: [outer, [[x + 0.1, y + 0.1], [x + 0.1, y + 0.3], [x + 0.3, y + 0.3], [x + 0.3, y + 0.1], [x + 0.1, y + 0.1]]] };
    },
    () => ({ type: 'MultiPolygon', coordinates: [[ring()], [ring()]] }),
  ];
  return Array.from({ length: n }, (_, i) => ({
    type: 'Feature',
    geometry: geometries[i % geometries.length](),
    properties: {
      id: `F${i}`,
      code: `C${i % 7}`, // repeated values share one entry of the dictionary
      volume: Math.floor(r() * 1e6),
      negative: -Math.floor(r() * 1000),
      ratio: r(),
      big: 2 ** 40 + i,
      flag: i % 2 === 0,
      same: i % 3 === 0 ? '1' : 1, // a string and a number that print alike stay two values
      missing: null,
      list: [i, 'x'],
      accent: 'prélèvement « eau » ☂',
    },
  }));
}

test('MVT writer: the same tiles as vt-pbf, every geometry type and value type', () => {
  for (const seed of [1, 2, 3]) {
    const index = new GeoJSONVT({ type: 'FeatureCollection', features: features(300, seed) }, { maxZoom: 6, indexMaxZoom: 0, extent: 4096, buffer: 64 });
    for (const [z, x, y] of [[0, 0, 0], [1, 1, 0], [2, 2, 1], [3, 4, 3]] as const) {
      const tile = index.getTile(z, x, y);
      if (!tile) continue;
      const ours = writeMvt([{ name: 'layer', features: tile.features as unknown as VtFeature[] }], 4096);
      const theirs = vtpbf.fromGeojsonVt({ layer: tile }, { version: 2, extent: 4096 });
      assert.deepEqual(decoded(ours), decoded(theirs), `seed ${seed} tile ${z}/${x}/${y}`);
    }
  }
});

test('MVT writer: layers in order, explicit tags per feature, features without tags', () => {
  const shape: VtFeature = { type: 1, geometry: [[10, 20]], tags: { ignored: true } };
  const buf = writeMvt([
    { name: 'a', features: [shape, shape], tags: [{ n: 1 }, { n: 2, s: 'deux' }] },
    { name: 'b', features: [{ type: 2, geometry: [[[0, 0], [5, 5]]], tags: null }] },
  ], 4096);
  const d = decoded(buf);
  assert.deepEqual(Object.keys(d), ['a', 'b']);
  assert.deepEqual(d.a.features.map((f) => f.properties), [{ n: 1 }, { n: 2, s: 'deux' }]);
  assert.deepEqual(d.a.features[1].geometry, [[[10, 20]]]);
  assert.deepEqual(d.b.features[0], { type: 2, properties: {}, geometry: [[[0, 0], [5, 5]]] });
  assert.equal(d.a.version, 2);
});

test('a budget: the same bytes under it, null over it (given up early on a large layer)', () => {
  const features: VtFeature[] = Array.from({ length: 5000 }, (_, i) => ({
    type: 1, geometry: [[i % 4096, (i * 7) % 4096]], tags: { name: `feature ${i}`, n: i },
  }));
  const whole = writeMvt([{ name: 'l', features }], 4096);
  assert.deepEqual(writeMvt([{ name: 'l', features }], 4096, whole.length), whole);
  assert.equal(writeMvt([{ name: 'l', features }], 4096, whole.length - 1), null);
  assert.equal(writeMvt([{ name: 'l', features }], 4096, whole.length / 4), null);
});
