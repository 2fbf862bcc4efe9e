import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTile, tileBounds, tileMatrixLimits, type TileMatrixSetId } from '../../server/tiles/index.js';
import type { Feature } from '../../server/types.js';
import { crs84Tile, expectedPixel, francePoints, layerFeatures, mercatorTile, point, rng } from './helpers.js';

const KB = 1024;
const PARIS: [number, number] = [2.3522, 48.8566];
const toTile = { WebMercatorQuad: mercatorTile, WorldCRS84Quad: crs84Tile };

function totals(buf: Uint8Array, layer = 'p') {
  let count = 0;
  let volume = 0;
  const features = layerFeatures(buf, layer);
  for (const f of features) {
    assert.equal(f.properties.cluster, true);
    count += f.properties.point_count as number;
    volume += f.properties.volume_sum as number;
  }
  return { count, volume, features: features.length };
}

/** Points uniformly spread over a tile, plus `outside` more just beyond its east edge. */
function pointsInTile(tms: TileMatrixSetId, z: number, row: number, col: number, n: number, outside = 0): Feature[] {
  const b = tileBounds(tms, z, row, col);
  const r = rng(7);
  const out: Feature[] = [];
  for (let i = 0; i < n + outside; i++) {
    const lon = i < n ? b.minX + r() * (b.maxX - b.minX) : b.maxX + r() * 0.01 * (b.maxX - b.minX);
    const lat = b.minY + r() * (b.maxY - b.minY);
    out.push(point(`P${i}`, lon, lat, { volume: i % 1000, label: `point ${i}` }, i));
  }
  return out;
}

test('sparse point layers are not clustered', () => {
  const { row, col } = expectedPixel(mercatorTile(...PARIS, 9));
  const features = pointsInTile('WebMercatorQuad', 9, row, col, 500);
  const decoded = layerFeatures(encodeTile([{ name: 'p', features }], 'WebMercatorQuad', 9, row, col), 'p');
  assert.equal(decoded.length, 500);
  assert.ok(decoded.every((f) => f.properties.cluster === undefined && typeof f.properties.label === 'string'));
});

for (const tms of ['WebMercatorQuad', 'WorldCRS84Quad'] as const) {
  test(`${tms}: dense tiles are clustered, counts and sums add up`, () => {
    const { row, col } = expectedPixel(toTile[tms](...PARIS, 9));
    const features = pointsInTile(tms, 9, row, col, 10_000, 300);
    const buf = encodeTile([{ name: 'p', features }], tms, 9, row, col, { sumProperty: 'volume' });
    const t = totals(buf);
    // The 300 points east of the tile belong to the neighbouring tile.
    assert.equal(t.count, 10_000);
    assert.equal(t.volume, features.slice(0, 10_000).reduce((s, f) => s + (f.properties.volume as number), 0));
    assert.ok(t.features <= 64 * 64 && t.features > 3000, `${t.features} clusters`);
    for (const f of layerFeatures(buf, 'p')) {
      const [{ x, y }] = f.loadGeometry()[0];
      assert.ok(x >= 0 && x <= 4096 && y >= 0 && y <= 4096);
    }
  });
}

test('a cluster sits at the mean position of its points', () => {
  const z = 9;
  const { row, col } = expectedPixel(mercatorTile(...PARIS, z));
  // Around the centre of grid cell (10, 20): cells are 1/64 of the tile (~0.011° × 0.007°).
  const b = tileBounds('WebMercatorQuad', z, row, col);
  const lon = b.minX + (20.5 / 64) * (b.maxX - b.minX);
  const lat = b.maxY - (10.5 / 64) * (b.maxY - b.minY);
  const pts = [
    point('a', lon - 0.001, lat, { volume: 1 }),
    point('b', lon, lat + 0.001, { volume: 2.5 }),
    point('c', lon + 0.001, lat - 0.002, { volume: null }),
  ];
  const buf = encodeTile([{ name: 'p', features: pts }], 'WebMercatorQuad', z, row, col, { maxFeatures: 2, sumProperty: 'volume' });
  const [f] = layerFeatures(buf, 'p');
  assert.deepEqual({ ...f.properties }, { cluster: true, point_count: 3, volume_sum: 3.5 });
  const mean = expectedPixel(mercatorTile(lon, lat - 0.001 / 3, z));
  assert.deepEqual(f.loadGeometry()[0].map((p) => [p.x, p.y]), [[mean.px, mean.py]]);
});

test('clusters of neighbouring tiles never count a point twice', () => {
  const points = francePoints(50_000);
  const volume = points.reduce((s, f) => s + (f.properties.volume as number), 0);
  const [limits] = tileMatrixLimits('WebMercatorQuad', { minX: -5, minY: 42, maxX: 9, maxY: 51.5 }, 5, 5);
  let count = 0;
  let sum = 0;
  for (let row = limits.minTileRow; row <= limits.maxTileRow; row++) {
    for (let col = limits.minTileCol; col <= limits.maxTileCol; col++) {
      // Every tile receives all points, as with a generous bbox query.
      const buf = encodeTile([{ name: 'p', features: points }], 'WebMercatorQuad', 5, row, col, { maxFeatures: 100, sumProperty: 'volume' });
      const t = totals(buf);
      count += t.count;
      sum += t.volume;
    }
  }
  assert.equal(count, 50_000);
  assert.equal(sum, volume);
});

test('200,000 points at z=0 stay under 500 KB', () => {
  const points = francePoints(200_000);
  const volume = points.reduce((s, f) => s + (f.properties.volume as number), 0);
  const mercator = encodeTile([{ name: 'p', features: points }], 'WebMercatorQuad', 0, 0, 0, { sumProperty: 'volume' });
  assert.ok(mercator.length > 0 && mercator.length <= 500 * KB, `${mercator.length} bytes`);
  assert.deepEqual([totals(mercator).count, totals(mercator).volume], [200_000, volume]);
  // France straddles the two WorldCRS84Quad z0 tiles.
  const west = encodeTile([{ name: 'p', features: points }], 'WorldCRS84Quad', 0, 0, 0, { sumProperty: 'volume' });
  const east = encodeTile([{ name: 'p', features: points }], 'WorldCRS84Quad', 0, 0, 1, { sumProperty: 'volume' });
  assert.ok(west.length <= 500 * KB && east.length <= 500 * KB);
  assert.equal(totals(west).count + totals(east).count, 200_000);
});

test('a tile over maxBytes is clustered even under maxFeatures', () => {
  const { row, col } = expectedPixel(mercatorTile(...PARIS, 9));
  const fat = pointsInTile('WebMercatorQuad', 9, row, col, 1_500).map((f, i) => ({
    ...f,
    properties: { ...f.properties, note: `${i} `.padEnd(500, 'x') },
  }));
  const buf = encodeTile([{ name: 'p', features: fat }], 'WebMercatorQuad', 9, row, col, { sumProperty: 'volume' });
  assert.ok(buf.length <= 500 * KB);
  assert.equal(totals(buf).count, 1_500);
});

test('a small maxBytes shrinks the grid but keeps the totals', () => {
  const points = francePoints(20_000);
  const buf = encodeTile([{ name: 'p', features: points }], 'WebMercatorQuad', 0, 0, 0, { maxBytes: 2 * KB, sumProperty: 'volume' });
  assert.ok(buf.length > 0 && buf.length <= 2 * KB, `${buf.length} bytes`);
  const t = totals(buf);
  assert.equal(t.count, 20_000);
  assert.ok(t.features < 256);
});

test('oversized polygon layers are thinned to fit', () => {
  const r = rng(3);
  const polygons: Feature[] = Array.from({ length: 3000 }, (_, i) => {
    const lon = -4 + r() * 12;
    const lat = 43 + r() * 7;
    const ring = Array.from({ length: 40 }, (_, k) => {
      const a = (2 * Math.PI * k) / 40;
      return [lon + 0.2 * Math.cos(a), lat + 0.2 * Math.sin(a)];
    });
    ring.push(ring[0]);
    return { id: `Z${i}`, index: i, geometry: { type: 'Polygon', coordinates: [ring] }, properties: { text: 'y'.repeat(200) } };
  });
  const buf = encodeTile([{ name: 'zones', features: polygons }], 'WebMercatorQuad', 5, 11, 16, { maxBytes: 20 * KB });
  assert.ok(buf.length > 0 && buf.length <= 20 * KB, `${buf.length} bytes`);
  const decoded = layerFeatures(buf, 'zones');
  assert.ok(decoded.length > 0 && decoded.every((f) => f.type === 3 && typeof f.properties.id === 'string'));
});

/** `areas` square areas over France, each drawn by one geometry object shared by its years × usages rows. */
function stackedAreas(areas: number, years: number[], usages: number, text = 60): Feature[] {
  const r = rng(11);
  const out: Feature[] = [];
  for (let a = 0; a < areas; a++) {
    const [lon, lat] = [-4 + r() * 12, 43 + r() * 7];
    const ring = Array.from({ length: 30 }, (_, k) => [lon + 0.3 * Math.cos((2 * Math.PI * k) / 30), lat + 0.3 * Math.sin((2 * Math.PI * k) / 30)]);
    ring.push(ring[0]);
    const geometry = { type: 'Polygon' as const, coordinates: [ring] };
    // Storage order is not the period's: oldest first, as a file not partitioned by year may hold them.
    for (const annee of years) {
      for (let u = 0; u < usages; u++) {
        out.push({ id: `${a}.${annee}.${u}`, index: out.length, geometry, properties: { area: a, annee, usage: u, note: 'n'.repeat(text) } });
      }
    }
  }
  return out;
}

test('stacked areas over the bound keep every area and the latest periods whole, with their attributes', () => {
  const years = Array.from({ length: 16 }, (_, i) => 2008 + i);
  const rows = stackedAreas(100, years, 6);
  const full = encodeTile([{ name: 'zones', features: rows }], 'WebMercatorQuad', 0, 0, 0, { maxBytes: 10_000_000 });
  const maxBytes = Math.floor(full.length / 3);
  const buf = encodeTile([{ name: 'zones', features: rows, period: 'annee' }], 'WebMercatorQuad', 0, 0, 0, { maxBytes });
  assert.ok(buf.length > 0 && buf.length <= maxBytes, `${buf.length} bytes for ${maxBytes}`);
  const decoded = layerFeatures(buf, 'zones');
  const kept = [...new Set(decoded.map((f) => f.properties.annee as number))].sort();
  assert.ok(kept.length >= 2 && kept.length < years.length, `years kept: ${kept}`);
  assert.deepEqual(kept, years.slice(years.length - kept.length), 'the latest years');
  // Each kept year is whole: every area and usage, with all attributes.
  assert.equal(decoded.length, kept.length * 100 * 6);
  for (const f of decoded) assert.deepEqual(Object.keys(f.properties).sort(), ['annee', 'area', 'id', 'note', 'usage']);
});

test('stacked areas without a period keep each area\'s first rows as read', () => {
  const rows = stackedAreas(100, [2020, 2021, 2022, 2023], 6);
  const full = encodeTile([{ name: 'zones', features: rows }], 'WebMercatorQuad', 0, 0, 0, { maxBytes: 10_000_000 });
  const maxBytes = Math.floor(full.length / 3);
  const decoded = layerFeatures(encodeTile([{ name: 'zones', features: rows }], 'WebMercatorQuad', 0, 0, 0, { maxBytes }), 'zones');
  const perArea = new Map<number, number>();
  for (const f of decoded) perArea.set(f.properties.area as number, (perArea.get(f.properties.area as number) ?? 0) + 1);
  assert.equal(perArea.size, 100, 'every area');
  const k = perArea.get(0)!;
  assert.ok(k >= 1 && k < 24 && [...perArea.values()].every((n) => n === k), `${k} rows per area`);
  assert.ok(decoded.every((f) => (f.properties.annee as number) === 2020 && (f.properties.usage as number) < k), 'the first rows of each stack');
});
