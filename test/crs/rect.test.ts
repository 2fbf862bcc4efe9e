import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point, Position } from 'geojson';
import type { Rect } from '../../server/types.js';
import { CRS84, CrsError, makeTransformer, parseCrs, transformRect, type CrsInfo } from '../../server/crs/index.js';

const L93 = parseCrs('EPSG:2154');
const LATLON = parseCrs('EPSG:4326');
const MERC = parseCrs('EPSG:3857');

const contains = (outer: Rect, inner: Rect): boolean =>
  outer.minX <= inner.minX && outer.minY <= inner.minY && outer.maxX >= inner.maxX && outer.maxY >= inner.maxY;

/** Envelope of `rect` sampled densely (every boundary point at 1/400, interior at 1/10), point by point. */
function denseEnvelope(rect: Rect, from: CrsInfo, to: CrsInfo, n = 400): Rect {
  const t = makeTransformer(from, to);
  const env = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= n; j += i === 0 || i === n ? 1 : n / 10) {
      const x = rect.minX + ((rect.maxX - rect.minX) * i) / n;
      const y = rect.minY + ((rect.maxY - rect.minY) * j) / n;
      const p: Position = (t({ type: 'Point', coordinates: [x, y] }) as Point).coordinates;
      env.minX = Math.min(env.minX, p[0]);
      env.minY = Math.min(env.minY, p[1]);
      env.maxX = Math.max(env.maxX, p[0]);
      env.maxY = Math.max(env.maxY, p[1]);
    }
  }
  return env;
}

test('same CRS returns an equal copy', () => {
  const r = { minX: 1, minY: 2, maxX: 3, maxY: 4 };
  const out = transformRect(r, L93, L93);
  assert.deepEqual(out, r);
  assert.notEqual(out, r);
});

test('CRS84 → 2154 contains every point of the box, and is tight', () => {
  // Spans lon 3°E: the southern edge's lowest Y lies inside the edge, not at a corner.
  const boxes: Rect[] = [
    { minX: -1.3, minY: 43.1, maxX: 7.7, maxY: 49.2 },
    { minX: 2.2, minY: 48.8, maxX: 2.45, maxY: 48.92 },
    { minX: -5, minY: 41.3, maxX: 9.6, maxY: 51.1 },
  ];
  for (const box of boxes) {
    const env = transformRect(box, CRS84, L93);
    const dense = denseEnvelope(box, CRS84, L93);
    assert.ok(contains(env, dense), `${JSON.stringify(env)} ⊉ ${JSON.stringify(dense)}`);
    for (const k of ['minX', 'minY', 'maxX', 'maxY'] as const) {
      assert.ok(Math.abs(env[k] - dense[k]) < 0.05, `${k} not tight: ${env[k]} vs ${dense[k]}`);
      assert.equal(env[k], Math.round(env[k] * 100) / 100, 'rounded to cm');
    }
  }
});

test('round trips CRS84 → projected → CRS84 contain the original box', () => {
  const cases: [string, Rect][] = [
    ['EPSG:2154', { minX: -4.8, minY: 42.3, maxX: 8.2, maxY: 51.1 }],
    ['EPSG:2154', { minX: 2.2, minY: 48.8, maxX: 2.45, maxY: 48.92 }],
    ['EPSG:3857', { minX: -5, minY: 41, maxX: 10, maxY: 51.5 }],
    ['EPSG:5490', { minX: -61.81, minY: 15.83, maxX: -61, maxY: 16.52 }],
    ['EPSG:2972', { minX: -54.6, minY: 2.1, maxX: -51.6, maxY: 5.8 }],
    ['EPSG:2975', { minX: 55.2, minY: -21.4, maxX: 55.85, maxY: -20.85 }],
    ['EPSG:4471', { minX: 44.95, minY: -13.05, maxX: 45.35, maxY: -12.6 }],
  ];
  for (const [code, box] of cases) {
    const crs = parseCrs(code);
    const back = transformRect(transformRect(box, CRS84, crs), crs, CRS84);
    assert.ok(contains(back, box), `${code}: ${JSON.stringify(back)} ⊉ ${JSON.stringify(box)}`);
    // …and is not much bigger (a rectangle's envelope grows a little with the rotation).
    assert.ok(back.maxX - back.minX < (box.maxX - box.minX) * 1.2 + 1e-6, code);
  }
});

test('2154 → CRS84 contains every point of the projected box', () => {
  const box = { minX: 100000, minY: 6100000, maxX: 1200000, maxY: 7100000 };
  const env = transformRect(box, L93, CRS84);
  assert.ok(contains(env, denseEnvelope(box, L93, CRS84)));
});

test('EPSG:4326 bbox is minLat,minLon,maxLat,maxLon on input and output', () => {
  // bbox=48.8,2.2,48.9,2.4&bbox-crs=EPSG:4326 → Rect with the first axis (lat) in minX/maxX.
  const latlon = { minX: 48.8, minY: 2.2, maxX: 48.9, maxY: 2.4 };
  assert.deepEqual(transformRect(latlon, LATLON, CRS84), { minX: 2.2, minY: 48.8, maxX: 2.4, maxY: 48.9 });
  assert.deepEqual(transformRect({ minX: 2.2, minY: 48.8, maxX: 2.4, maxY: 48.9 }, CRS84, LATLON), latlon);
  const fromL93 = transformRect({ minX: 640000, minY: 6850000, maxX: 660000, maxY: 6870000 }, L93, LATLON);
  assert.ok(fromL93.minX > 48 && fromL93.maxX < 49.1, `lat first: ${JSON.stringify(fromL93)}`);
  assert.ok(fromL93.minY > 2 && fromL93.maxY < 2.6, `lon second: ${JSON.stringify(fromL93)}`);
  const toL93 = transformRect(latlon, LATLON, L93);
  assert.deepEqual(toL93, transformRect({ minX: 2.2, minY: 48.8, maxX: 2.4, maxY: 48.9 }, CRS84, L93));
});

test('a world box into 3857 is clamped to ±85.06° (Mercator is infinite at the poles)', () => {
  const env = transformRect({ minX: -180, minY: -90, maxX: 180, maxY: 90 }, CRS84, MERC);
  const maxY = 6378137 * Math.log(Math.tan(Math.PI / 4 + (85.06 * Math.PI) / 180 / 2));
  assert.ok(Math.abs(env.minX + 20037508.34) < 0.02 && Math.abs(env.maxX - 20037508.34) < 0.02, JSON.stringify(env));
  assert.ok(Math.abs(env.maxY - maxY) < 0.02 && Math.abs(env.minY + maxY) < 0.02, JSON.stringify(env));
});

test('a box with nothing finite in the target throws CrsError', () => {
  assert.throws(() => transformRect({ minX: NaN, minY: NaN, maxX: NaN, maxY: NaN }, CRS84, L93), CrsError);
});
