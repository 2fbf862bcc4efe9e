// Reference values are computed here WITHOUT proj4: IGN's published Lambert-93
// constants, Krüger's n-series for UTM, the spherical Mercator closed form,
// and published coordinate pairs (Etalab project-legal tests, API Adresse docs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Geometry, Point, Position } from 'geojson';
import { CRS84, makeTransformer, parseCrs, type CrsInfo } from '../../server/crs/index.js';

const D2R = Math.PI / 180;
const A = 6378137; // GRS80 / WGS84 semi-major axis
const F = 1 / 298.257222101; // GRS80 flattening
const E = Math.sqrt(2 * F - F * F);

const L93 = parseCrs('EPSG:2154');
const WGS84_LATLON = parseCrs('EPSG:4326');
const MERC = parseCrs('EPSG:3857');

function project(lon: number, lat: number, to: CrsInfo): Position {
  return (makeTransformer(CRS84, to)({ type: 'Point', coordinates: [lon, lat] }) as Point).coordinates;
}

function near(actual: Position, expected: Position, tol: number, msg: string): void {
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${msg}: got ${actual}, expected ${expected} (±${tol})`);
  }
}

/** IGN ALG0003 with the constants IGN publishes for Lambert-93 (n, C, Xs, Ys). */
function lambert93(lon: number, lat: number): Position {
  const n = 0.725607765;
  const c = 11754255.426;
  const s = Math.sin(lat * D2R);
  const iso = Math.log(Math.tan(Math.PI / 4 + (lat * D2R) / 2) * ((1 - E * s) / (1 + E * s)) ** (E / 2));
  const r = c * Math.exp(-n * iso);
  const g = n * (lon - 3) * D2R;
  return [700000 + r * Math.sin(g), 12655612.05 - r * Math.cos(g)];
}

/** Transverse Mercator by Krüger's series to n^4 (UTM: k0 0.9996, FE 500 km, FN 10 000 km south). */
function utm(lon: number, lat: number, zone: number, south: boolean): Position {
  const n = F / (2 - F);
  const big = (A / (1 + n)) * (1 + n ** 2 / 4 + n ** 4 / 64);
  const alpha = [
    n / 2 - (2 * n ** 2) / 3 + (5 * n ** 3) / 16 + (41 * n ** 4) / 180,
    (13 * n ** 2) / 48 - (3 * n ** 3) / 5 + (557 * n ** 4) / 1440,
    (61 * n ** 3) / 240 - (103 * n ** 4) / 140,
    (49561 * n ** 4) / 161280,
  ];
  const phi = lat * D2R;
  const lam = (lon - (zone * 6 - 183)) * D2R;
  const t = Math.sinh(Math.atanh(Math.sin(phi)) - E * Math.atanh(E * Math.sin(phi)));
  const xi = Math.atan2(t, Math.cos(lam));
  const eta = Math.atanh(Math.sin(lam) / Math.sqrt(1 + t * t));
  let x = eta;
  let y = xi;
  alpha.forEach((a, j) => {
    x += a * Math.cos(2 * (j + 1) * xi) * Math.sinh(2 * (j + 1) * eta);
    y += a * Math.sin(2 * (j + 1) * xi) * Math.cosh(2 * (j + 1) * eta);
  });
  return [500000 + 0.9996 * big * x, (south ? 10000000 : 0) + 0.9996 * big * y];
}

/** Meridian arc length (classic e² series, independent of the Krüger one). */
function meridianArc(lat: number): number {
  const e2 = E * E;
  const p = lat * D2R;
  return (
    A *
    ((1 - e2 / 4 - (3 * e2 ** 2) / 64 - (5 * e2 ** 3) / 256) * p -
      ((3 * e2) / 8 + (3 * e2 ** 2) / 32 + (45 * e2 ** 3) / 1024) * Math.sin(2 * p) +
      ((15 * e2 ** 2) / 256 + (45 * e2 ** 3) / 1024) * Math.sin(4 * p) -
      ((35 * e2 ** 3) / 3072) * Math.sin(6 * p))
  );
}

test('Lambert-93 false origin: 3°E 46.5°N → 700000, 6600000 exactly', () => {
  assert.deepEqual(project(3, 46.5, L93), [700000, 6600000]);
});

test('Lambert-93 matches IGN closed form with published constants across France', () => {
  const points: Position[] = [
    [-4.4861, 48.3904], // Brest
    [7.7521, 48.5734], // Strasbourg
    [2.3777, 51.0343], // Dunkerque
    [7.262, 43.7102], // Nice
    [8.7369, 41.9192], // Ajaccio
    [-1.5536, 43.4832], // Biarritz
    [3, 46.5],
  ];
  for (const [lon, lat] of points) near(project(lon, lat, L93), lambert93(lon, lat), 0.01, `${lon},${lat}`);
});

test('Lambert-93 published coordinates', () => {
  // Etalab project-legal README/test: 20 avenue de Ségur, Paris.
  near(project(2.30831, 48.850244, L93), [649242.57, 6861355.85], 0.011, 'Ségur');
  // API Adresse documentation example: 8 boulevard du Port, Amiens.
  near(project(2.290084, 49.897443, L93), [648952.58, 6977867.25], 0.011, 'Amiens');
});

test('Lambert-93 → CRS84 inverts the published coordinates', () => {
  const t = makeTransformer(L93, CRS84);
  const p = (t({ type: 'Point', coordinates: [649242.5741, 6861355.8473] }) as Point).coordinates;
  near(p, [2.30831, 48.850244], 2e-7, 'Ségur inverse');
});

test('EPSG:3857 matches the spherical Mercator closed form', () => {
  for (const [lon, lat] of [[2.35, 48.85], [-61.5, 16.25], [55.45, -20.89], [-179.9, 84], [0, 0]]) {
    const expected = [A * lon * D2R, A * Math.log(Math.tan(Math.PI / 4 + (lat * D2R) / 2))];
    near(project(lon, lat, MERC), expected, 0.006, `${lon},${lat}`);
  }
});

const OVERSEAS: { code: number; zone: number; south: boolean; published: [Position, Position][] }[] = [
  {
    code: 5490,
    zone: 20,
    south: false,
    published: [
      [[-61.540298, 16.248957], [655995.3, 1797030.02]], // Guadeloupe
      [[-61.056312, 14.608169], [709371.91, 1615884.45]], // Martinique
      [[-63.081436, 18.075223], [491382.61, 1998509.81]], // Saint-Martin
    ],
  },
  { code: 2972, zone: 22, south: false, published: [[[-52.338867, 4.88556], [351541.87, 540162.02]]] },
  { code: 2975, zone: 40, south: true, published: [[[55.447998, -20.893366], [338573.17, 7688873.88]]] },
  { code: 4471, zone: 38, south: true, published: [[[45.197995, -12.792185], [521488.64, 8585837.37]]] },
];

test('UTM central meridian: x = 500000 and y = k0·arc (+10 000 km south)', () => {
  for (const { code, zone, south } of OVERSEAS) {
    const crs = parseCrs(`EPSG:${code}`);
    const cm = zone * 6 - 183;
    for (const lat of south ? [-21, -12.8, -0.5] : [4.9, 16.2, 0.5]) {
      const y = south ? 10000000 - 0.9996 * meridianArc(-lat) : 0.9996 * meridianArc(lat);
      near(project(cm, lat, crs), [500000, y], 0.006, `EPSG:${code} ${lat}`);
    }
  }
});

test('UTM matches the Krüger series and published points (Etalab project-legal)', () => {
  for (const { code, zone, south, published } of OVERSEAS) {
    const crs = parseCrs(`EPSG:${code}`);
    for (const [[lon, lat], xy] of published) {
      const got = project(lon, lat, crs);
      near(got, utm(lon, lat, zone, south), 0.01, `EPSG:${code} Krüger`);
      near(got, xy, 0.1, `EPSG:${code} published`);
    }
  }
});

test('axis order: EPSG:4326 is [lat, lon], CRS84 is [lon, lat]', () => {
  const p: Point = { type: 'Point', coordinates: [2.30831, 48.850244] };
  assert.deepEqual((makeTransformer(CRS84, WGS84_LATLON)(p) as Point).coordinates, [48.850244, 2.30831]);
  const back = makeTransformer(WGS84_LATLON, CRS84)({ type: 'Point', coordinates: [48.850244, 2.30831] });
  assert.deepEqual((back as Point).coordinates, [2.30831, 48.850244]);
  // 4326 input is read lat,lon before projecting; 4326 output is written lat,lon.
  const fromLatLon = makeTransformer(WGS84_LATLON, L93)({ type: 'Point', coordinates: [48.850244, 2.30831] });
  near((fromLatLon as Point).coordinates, [649242.57, 6861355.85], 0.011, '4326 → 2154');
  const toLatLon = makeTransformer(L93, WGS84_LATLON)({ type: 'Point', coordinates: [649242.5741, 6861355.8473] });
  near((toLatLon as Point).coordinates, [48.850244, 2.30831], 2e-7, '2154 → 4326');
});

test('rounding to the target decimals (7 for degrees, 2 for metres)', () => {
  const deg = makeTransformer(CRS84, WGS84_LATLON)({ type: 'Point', coordinates: [2.123456789, 48.987654321] });
  assert.deepEqual((deg as Point).coordinates, [48.9876543, 2.1234568]);
  const m = (project(2.123456789, 48.987654321, L93) as number[]).concat(project(5.1, 45.3, MERC));
  for (const v of m) assert.equal(v, Math.round(v * 100) / 100);
  const back = makeTransformer(L93, CRS84)({ type: 'Point', coordinates: [652469.123, 6862035.987] });
  for (const v of (back as Point).coordinates) assert.equal(v, Math.round(v * 1e7) / 1e7);
});

test('all geometry types keep their structure; z passes through', () => {
  const t = makeTransformer(CRS84, L93);
  const pt = (lon: number, lat: number): Position => project(lon, lat, L93);
  const ring = [[2, 48], [3, 48], [3, 49], [2, 48]];
  const geoms: [Geometry, Geometry][] = [
    [{ type: 'MultiPoint', coordinates: [[2, 48], [3, 49]] }, { type: 'MultiPoint', coordinates: [pt(2, 48), pt(3, 49)] }],
    [{ type: 'LineString', coordinates: [[2, 48], [3, 49]] }, { type: 'LineString', coordinates: [pt(2, 48), pt(3, 49)] }],
    [
      { type: 'MultiLineString', coordinates: [[[2, 48], [3, 49]], [[4, 45], [5, 44]]] },
      { type: 'MultiLineString', coordinates: [[pt(2, 48), pt(3, 49)], [pt(4, 45), pt(5, 44)]] },
    ],
    [{ type: 'Polygon', coordinates: [ring] }, { type: 'Polygon', coordinates: [ring.map(([x, y]) => pt(x, y))] }],
    [
      { type: 'MultiPolygon', coordinates: [[ring], [ring]] },
      { type: 'MultiPolygon', coordinates: [[ring.map(([x, y]) => pt(x, y))], [ring.map(([x, y]) => pt(x, y))]] },
    ],
    [
      { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [2, 48] }, { type: 'LineString', coordinates: [[2, 48], [3, 49]] }] },
      { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: pt(2, 48) }, { type: 'LineString', coordinates: [pt(2, 48), pt(3, 49)] }] },
    ],
  ];
  for (const [input, expected] of geoms) assert.deepEqual(t(input), expected, input.type);
  const z = (t({ type: 'Point', coordinates: [3, 46.5, 123.4] }) as Point).coordinates;
  assert.deepEqual(z, [700000, 6600000, 123.4]);
});

test('identity fast path, cached transformers, input never mutated', () => {
  const g: Point = { type: 'Point', coordinates: [2.5, 47.5] };
  assert.equal(makeTransformer(L93, L93)(g), g);
  assert.equal(makeTransformer(CRS84, CRS84)(g), g);
  assert.equal(makeTransformer(CRS84, L93), makeTransformer(CRS84, L93));
  makeTransformer(CRS84, L93)(g);
  makeTransformer(CRS84, WGS84_LATLON)(g);
  assert.deepEqual(g.coordinates, [2.5, 47.5]);
});

test('round trip CRS84 → projected → CRS84 stays within 1e-7°', () => {
  const cases: [string, Position][] = [
    ['EPSG:2154', [5.3698, 43.2965]],
    ['EPSG:3857', [-1.68, 48.11]],
    ['EPSG:5490', [-61.05, 14.6]],
    ['EPSG:2972', [-52.33, 4.93]],
    ['EPSG:2975', [55.53, -21.11]],
    ['EPSG:4471', [45.16, -12.78]],
  ];
  for (const [code, p] of cases) {
    const crs = parseCrs(code);
    const there = makeTransformer(CRS84, crs)({ type: 'Point', coordinates: p });
    const back = (makeTransformer(crs, CRS84)(there) as Point).coordinates;
    near(back, p, 1.5e-7, code);
  }
});
