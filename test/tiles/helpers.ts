// Shared helpers of the tiles tests: tile decoding and closed-form expected pixels.
import { VectorTile, type VectorTileFeature } from '@mapbox/vector-tile';
import assert from 'node:assert/strict';
import { PbfReader } from 'pbf';
import type { Position } from 'geojson';
import type { CollectionDefinition, Feature, PropertyDefinition } from '../../server/types.js';

export function decode(buf: Uint8Array): VectorTile {
  return new VectorTile(new PbfReader(buf));
}

export function layerFeatures(buf: Uint8Array, name: string): VectorTileFeature[] {
  const layer = decode(buf).layers[name];
  if (!layer) return [];
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i));
}

/** Closed formulas, written independently from the server code. */
export function mercatorTile(lon: number, lat: number, z: number): [number, number] {
  const phi = (lat * Math.PI) / 180;
  const n = 2 ** z;
  return [((lon + 180) / 360) * n, ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n];
}

export function crs84Tile(lon: number, lat: number, z: number): [number, number] {
  const size = 180 / 2 ** z; // degrees per tile
  return [(lon + 180) / size, (90 - lat) / size];
}

/** Tile and expected pixel (extent 4096) of a position given in tile units. */
export function expectedPixel([x, y]: [number, number]) {
  const col = Math.floor(x);
  const row = Math.floor(y);
  return { row, col, px: Math.round((x - col) * 4096), py: Math.round((y - row) * 4096) };
}

export function point(id: string, lon: number, lat: number, properties: Record<string, unknown> = {}, index = 0): Feature {
  return { id, index, geometry: { type: 'Point', coordinates: [lon, lat] }, properties };
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Synthetic points across mainland France with an integer `volume`. */
export function francePoints(n: number, seed = 42): Feature[] {
  const r = rng(seed);
  const out: Feature[] = [];
  for (let i = 0; i < n; i++) {
    const lon = -4.8 + r() * 13;
    const lat = 42.4 + r() * 8.6;
    out.push(point(`P${i}`, lon, lat, { volume: Math.floor(r() * 100000), code: `C${i % 97}`, usage: i % 3 ? 'AEP' : 'IRR' }, i));
  }
  return out;
}

/** Same decoded features (geometry, properties); `*_sum` properties equal up to floating-point rounding. */
export function assertSameTile(a: Uint8Array, b: Uint8Array, layer: string, where: string): void {
  const fa = layerFeatures(a, layer);
  const fb = layerFeatures(b, layer);
  assert.ok(fa.length > 0, `${where}: empty tile`);
  assert.equal(fa.length, fb.length, `${where}: feature count`);
  const split = (p: Record<string, unknown>) => {
    const sums = Object.entries(p).filter(([k]) => k.endsWith('_sum'));
    return { sums, rest: Object.fromEntries(Object.entries(p).filter(([k]) => !k.endsWith('_sum'))) };
  };
  fa.forEach((f, i) => {
    assert.deepEqual(f.loadGeometry(), fb[i].loadGeometry(), `${where}: geometry of feature ${i}`);
    const pa = split(f.properties);
    const pb = split(fb[i].properties);
    assert.deepEqual(pa.rest, pb.rest, `${where}: properties of feature ${i}`);
    assert.deepEqual(pa.sums.map(([k]) => k), pb.sums.map(([k]) => k), `${where}: sums of feature ${i}`);
    pa.sums.forEach(([k, v], j) => {
      const w = Number(pb.sums[j][1]);
      assert.ok(Math.abs(Number(v) - w) <= 1e-9 * Math.max(1, Math.abs(w)), `${where}: ${k} ${String(v)} vs ${w}`);
    });
  });
}

/** A closed ring of `n` vertices around (lon, lat), radius `radius` degrees, jittered by `r` so it is not a box. */
export function ring(r: () => number, lon: number, lat: number, radius: number, n = 24): Position[] {
  const out: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const k = radius * (0.7 + 0.3 * r());
    out.push([lon + k * Math.cos(a), lat + k * Math.sin(a)]);
  }
  out.push([...out[0]]);
  return out;
}

/** A yearly collection of stacked areas (rows per area, year and usage), as the volumes_* aggregates. */
export function zonesDefinition(extra: PropertyDefinition[] = []): CollectionDefinition {
  return {
    id: 'zones', title: 'Zones', description: 'Stacked rows per area, year and usage', source: 'zones.fgb',
    idProperties: ['code', 'annee', 'usage'], geometryType: 'Polygon', temporal: { start: 'annee', kind: 'year' },
    properties: [
      { name: 'code', type: 'string', title: 'Code' },
      { name: 'annee', type: 'integer', title: 'Année' },
      { name: 'usage', type: 'string', title: 'Usage' },
      { name: 'volume', type: 'number', title: 'Volume' },
      ...extra,
    ],
  };
}
