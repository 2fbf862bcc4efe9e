import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Geometry, Position } from 'geojson';
import type { Feature } from '../../server/types.js';
import { compile, parseText, type CompileContext } from '../../server/cql2/index.js';

const ctx: CompileContext = { properties: new Map() };
const sq = (x0: number, y0: number, x1: number, y1: number): Position[] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];

// Each against the literal square POLYGON((0 0, 10 0, 10 10, 0 10, 0 0)).
const shapes: Record<string, Geometry> = {
  pIn: { type: 'Point', coordinates: [5, 5] },
  pEdge: { type: 'Point', coordinates: [10, 5] },
  pOut: { type: 'Point', coordinates: [20, 20] },
  lCross: { type: 'LineString', coordinates: [[-5, 5], [15, 5]] },
  lIn: { type: 'LineString', coordinates: [[1, 1], [9, 9]] },
  lCorner: { type: 'LineString', coordinates: [[10, 0], [15, -5]] },
  lOnEdge: { type: 'LineString', coordinates: [[0, 0], [10, 0]] },
  aOverlap: { type: 'Polygon', coordinates: [sq(5, 5, 15, 15)] },
  aIn: { type: 'Polygon', coordinates: [sq(2, 2, 4, 4)] },
  aEqual: { type: 'Polygon', coordinates: [[[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]] },
  aTouch: { type: 'Polygon', coordinates: [sq(10, 0, 20, 10)] },
  aAround: { type: 'Polygon', coordinates: [sq(-1, -1, 11, 11)] },
  mPolygon: { type: 'MultiPolygon', coordinates: [[sq(2, 2, 3, 3)], [sq(20, 20, 21, 21)]] },
  mPoint: { type: 'MultiPoint', coordinates: [[5, 5], [20, 20]] },
  mPointIn: { type: 'MultiPoint', coordinates: [[1, 1], [2, 2]] },
  mLine: { type: 'MultiLineString', coordinates: [[[1, 1], [2, 2]], [[20, 20], [21, 21]]] },
  collection: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [5, 5] }, { type: 'LineString', coordinates: [[20, 20], [21, 21]] }] },
};
const features: Feature[] = [
  ...Object.entries(shapes).map(([id, geometry], index) => ({ id, index, geometry, properties: {} })),
  { id: 'none', index: 99, geometry: null, properties: {} },
];

const SQUARE = 'POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))';
const select = (filter: string, c = ctx) => features.filter(compile(parseText(filter), c)).map((f) => f.id).sort();
const sorted = (ids: string[]) => [...ids].sort();

describe('spatial functions (DE-9IM) on points, lines, polygons and collections', () => {
  const all = Object.keys(shapes);
  const expected: Record<string, string[]> = {
    S_INTERSECTS: all.filter((id) => id !== 'pOut'),
    S_DISJOINT: ['pOut'],
    S_WITHIN: ['pIn', 'lIn', 'aIn', 'aEqual', 'mPointIn'],
    S_CONTAINS: ['aEqual', 'aAround'],
    S_TOUCHES: ['pEdge', 'lCorner', 'lOnEdge', 'aTouch'],
    // The collection's point is inside, its line outside.
    S_CROSSES: ['lCross', 'mPoint', 'mLine', 'collection'],
    S_OVERLAPS: ['aOverlap', 'mPolygon'],
    S_EQUALS: ['aEqual'],
  };
  for (const [fn, ids] of Object.entries(expected)) {
    it(`${fn}(geometry, square)`, () => {
      assert.deepStrictEqual(select(`${fn}(geometry, ${SQUARE})`), sorted(ids));
    });
  }

  it('swaps S_WITHIN and S_CONTAINS with the arguments; others are symmetric', () => {
    assert.deepStrictEqual(select(`S_CONTAINS(${SQUARE}, geometry)`), sorted(expected.S_WITHIN));
    assert.deepStrictEqual(select(`S_WITHIN(${SQUARE}, geometry)`), sorted(expected.S_CONTAINS));
    assert.deepStrictEqual(select(`S_TOUCHES(${SQUARE}, geometry)`), sorted(expected.S_TOUCHES));
    assert.deepStrictEqual(select(`S_CROSSES(${SQUARE}, geometry)`), sorted(expected.S_CROSSES));
  });

  it('respects polygon holes', () => {
    const holed = 'POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))';
    assert.deepStrictEqual(select(`S_WITHIN(geometry, ${holed})`), ['aIn', 'mPointIn'], 'lIn passes through the hole');
    // (5 5) lies in the hole.
    assert.deepStrictEqual(select(`S_DISJOINT(geometry, ${holed})`), ['collection', 'mPoint', 'pIn', 'pOut']);
  });

  it('splits a BBOX crossing the antimeridian', () => {
    const pts: Feature[] = [175, -175, 0].map((x, index) => ({ id: String(x), index, geometry: { type: 'Point', coordinates: [x, 0] }, properties: {} }));
    const p = compile(parseText('S_INTERSECTS(geometry, BBOX(170, -10, -170, 10))'), ctx);
    assert.deepStrictEqual(pts.filter(p).map((f) => f.id), ['175', '-175']);
  });

  it('converts literals with transformGeometry (e.g. lat,lon axis order)', () => {
    const swap = (g: Geometry): Geometry => JSON.parse(JSON.stringify(g), (_k, v) =>
      (Array.isArray(v) && typeof v[0] === 'number' ? [v[1], v[0]] : v));
    const c: CompileContext = { properties: new Map(), transformGeometry: swap };
    // The band (0..10) x (4..6) given as lat,lon: pIn inside, pEdge on its end.
    const p = compile(parseText('S_INTERSECTS(geometry, POLYGON((4 0, 4 10, 6 10, 6 0, 4 0)))'), c);
    assert.deepStrictEqual(features.filter((f) => f.geometry?.type === 'Point').filter(p).map((f) => f.id), ['pIn', 'pEdge']);
  });

  it('accepts other geometry property names when configured', () => {
    const c: CompileContext = { properties: new Map(), geometryProperties: ['footprint'] };
    assert.deepStrictEqual(select(`S_EQUALS(footprint, ${SQUARE})`, c), ['aEqual']);
    assert.throws(() => compile(parseText(`S_EQUALS(geometry, ${SQUARE})`), c), /unknown property "geometry"/);
  });

  it('gives the same answer on the point fast path as JSTS does on a one-point MultiPoint', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
    const literal = 'MULTIPOLYGON(((0 0, 8 0, 8 8, 0 8, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2)), ((10 10, 12 10, 11 12, 10 10)))';
    const pts: Feature[] = [];
    for (let i = 0; i < 400; i++) {
      // Integer coordinates hit edges and vertices often.
      const c = i % 2 ? [Math.round(rnd() * 13), Math.round(rnd() * 13)] : [rnd() * 13, rnd() * 13];
      pts.push({ id: `p${i}`, index: i, geometry: { type: 'Point', coordinates: c }, properties: {} });
    }
    const asMulti = pts.map((f) => ({ ...f, geometry: { type: 'MultiPoint', coordinates: [(f.geometry as { coordinates: Position }).coordinates] } as Geometry }));
    for (const fn of ['S_INTERSECTS', 'S_DISJOINT', 'S_WITHIN', 'S_TOUCHES', 'S_CONTAINS', 'S_CROSSES', 'S_OVERLAPS', 'S_EQUALS']) {
      const p = compile(parseText(`${fn}(geometry, ${literal})`), ctx);
      const fast = pts.map((f) => p(f));
      const slow = asMulti.map((f) => p(f));
      assert.deepStrictEqual(fast, slow, fn);
    }
  });
});
