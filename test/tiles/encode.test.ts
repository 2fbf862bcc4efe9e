import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTile, tileBounds } from '../../server/tiles/index.js';
import type { Feature } from '../../server/types.js';
import { crs84Tile, decode, expectedPixel, layerFeatures, mercatorTile, point } from './helpers.js';

const PARIS: [number, number] = [2.3522, 48.8566];

for (const [tms, toTile] of [
  ['WebMercatorQuad', mercatorTile],
  ['WorldCRS84Quad', crs84Tile],
] as const) {
  test(`${tms}: Paris lands on its pixel at z=9 and z=13`, () => {
    for (const z of [9, 13]) {
      const { row, col, px, py } = expectedPixel(toTile(PARIS[0], PARIS[1], z));
      const buf = encodeTile([{ name: 'sites', features: [point('paris', ...PARIS)] }], tms, z, row, col);
      const [f] = layerFeatures(buf, 'sites');
      assert.equal(f.type, 1);
      assert.equal(f.extent, 4096);
      assert.deepEqual(f.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y])), [[[px, py]]], `z${z}`);
      // Decoding back to lon/lat with the tile bounds gives Paris within a pixel.
      const b = tileBounds(tms, z, row, col);
      const lon = b.minX + ((b.maxX - b.minX) * px) / 4096;
      assert.ok(Math.abs(lon - PARIS[0]) < (b.maxX - b.minX) / 4096);
    }
  });

  test(`${tms}: a polygon covering the tile is clipped to the buffer`, () => {
    const { row, col } = expectedPixel(toTile(PARIS[0], PARIS[1], 9));
    const square: Feature = {
      id: 'big',
      index: 0,
      geometry: { type: 'Polygon', coordinates: [[[-10, 40], [15, 40], [15, 55], [-10, 55], [-10, 40]]] },
      properties: { name: 'square' },
    };
    const [f] = layerFeatures(encodeTile([{ name: 'zones', features: [square] }], tms, 9, row, col), 'zones');
    assert.equal(f.type, 3);
    const xs = f.loadGeometry()[0].map((p) => p.x);
    const ys = f.loadGeometry()[0].map((p) => p.y);
    assert.deepEqual([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)], [-64, 4160, -64, 4160]);
  });

  test(`${tms}: a line vertex inside the tile keeps its pixel`, () => {
    const z = 9;
    const { row, col, px, py } = expectedPixel(toTile(PARIS[0], PARIS[1], z));
    const line: Feature = {
      id: 'l',
      index: 0,
      geometry: { type: 'LineString', coordinates: [[PARIS[0] - 5, PARIS[1]], PARIS, [PARIS[0], PARIS[1] + 5]] },
      properties: {},
    };
    const [f] = layerFeatures(encodeTile([{ name: 'lines', features: [line] }], tms, z, row, col), 'lines');
    assert.equal(f.type, 2);
    // geojson-vt stores line vertices quantized (1/16 px here): allow the rounding to flip.
    const hit = f.loadGeometry()[0].filter((p) => Math.abs(p.x - px) <= 1 && Math.abs(p.y - py) <= 1);
    assert.equal(hit.length, 1, JSON.stringify(f.loadGeometry()));
  });
}

test('points in the buffer are kept, points beyond it are not', () => {
  const z = 9;
  const { row, col } = expectedPixel(mercatorTile(PARIS[0], PARIS[1], z));
  const b = tileBounds('WebMercatorQuad', z, row, col);
  const pixelLon = (b.maxX - b.minX) / 4096;
  const inBuffer = point('in', b.maxX + 30 * pixelLon, PARIS[1]);
  const beyond = point('out', b.maxX + 100 * pixelLon, PARIS[1]);
  const features = layerFeatures(encodeTile([{ name: 'p', features: [inBuffer, beyond] }], 'WebMercatorQuad', z, row, col), 'p');
  assert.deepEqual(features.map((f) => f.properties.id), ['in']);
  assert.equal(features[0].loadGeometry()[0][0].x, 4096 + 30);
});

test('properties survive: nulls dropped, arrays/objects as JSON, id as a property', () => {
  const z = 9;
  const { row, col } = expectedPixel(mercatorTile(PARIS[0], PARIS[1], z));
  const props = {
    name: 'Forage de Paris',
    volume: 12345,
    negative: -7,
    ratio: 0.25,
    active: true,
    missing: null,
    undef: undefined,
    nan: NaN,
    usages: ['AEP', 'IRR'],
    meta: { a: 1 },
    date: new Date('2020-01-02T00:00:00Z'),
    big: 12n,
  };
  const buf = encodeTile([{ name: 'sites', features: [point('BSS001', ...PARIS, props)] }], 'WebMercatorQuad', z, row, col);
  const [f] = layerFeatures(buf, 'sites');
  assert.deepEqual({ ...f.properties }, {
    name: 'Forage de Paris',
    volume: 12345,
    negative: -7,
    ratio: 0.25,
    active: true,
    usages: '["AEP","IRR"]',
    meta: '{"a":1}',
    date: '2020-01-02T00:00:00.000Z',
    big: 12,
    id: 'BSS001',
  });
  assert.equal(decode(buf).layers.sites.version, 2);
});

test('several layers, one per collection; layers empty in the tile are left out', () => {
  const z = 9;
  const { row, col } = expectedPixel(mercatorTile(PARIS[0], PARIS[1], z));
  const buf = encodeTile(
    [
      { name: 'a', features: [point('1', ...PARIS)] },
      { name: 'b', features: [point('2', PARIS[0] + 0.001, PARIS[1])] },
      { name: 'far', features: [point('3', -70, -30)] },
    ],
    'WebMercatorQuad', z, row, col,
  );
  assert.deepEqual(Object.keys(decode(buf).layers).sort(), ['a', 'b']);
  assert.throws(() => encodeTile([{ name: 'a', features: [] }, { name: 'a', features: [] }], 'WebMercatorQuad', 0, 0, 0), RangeError);
});

test('an empty tile is 0 bytes', () => {
  assert.equal(encodeTile([], 'WebMercatorQuad', 0, 0, 0).length, 0);
  assert.equal(encodeTile([{ name: 'x', features: [] }], 'WorldCRS84Quad', 0, 0, 0).length, 0);
  const noGeometry: Feature = { id: 'n', index: 0, geometry: null, properties: { a: 1 } };
  assert.equal(encodeTile([{ name: 'x', features: [noGeometry] }], 'WebMercatorQuad', 0, 0, 0).length, 0);
  // Berlin is in the eastern WorldCRS84Quad z0 tile, beyond the buffer of the western one.
  const berlin = point('b', 13.4, 52.5);
  assert.equal(encodeTile([{ name: 'x', features: [berlin] }], 'WorldCRS84Quad', 0, 0, 0).length, 0);
  assert.ok(encodeTile([{ name: 'x', features: [berlin] }], 'WorldCRS84Quad', 0, 0, 1).length > 0);
});

test('invalid tiles are rejected', () => {
  assert.throws(() => encodeTile([], 'WebMercatorQuad', 1, 2, 0), RangeError);
  assert.throws(() => encodeTile([], 'WorldCRS84Quad', 18, 0, 0), RangeError);
});
