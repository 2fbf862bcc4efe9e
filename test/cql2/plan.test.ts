import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Geometry } from 'geojson';
import { extractBbox, parseJson, parseText, usedProperties } from '../../server/cql2/index.js';

const bbox = (text: string, options?: Parameters<typeof extractBbox>[1]) => extractBbox(parseText(text), options);

describe('extractBbox', () => {
  it('returns the envelope of a literal the geometry must intersect', () => {
    assert.deepStrictEqual(bbox('S_INTERSECTS(geometry, BBOX(1, 2, 3, 4))'), { minX: 1, minY: 2, maxX: 3, maxY: 4 });
    assert.deepStrictEqual(bbox('S_WITHIN(geometry, POLYGON((0 0, 4 1, 2 5, 0 0)))'), { minX: 0, minY: 0, maxX: 4, maxY: 5 });
    assert.deepStrictEqual(bbox('S_CONTAINS(POINT(7 8), geometry)'), { minX: 7, minY: 8, maxX: 7, maxY: 8 });
    assert.deepStrictEqual(bbox('S_INTERSECTS(geometry, BBOX(1, 2, -5, 3, 4, 5))'), { minX: 1, minY: 2, maxX: 3, maxY: 4 });
  });

  it('looks into conjunctions, intersecting several boxes', () => {
    assert.deepStrictEqual(bbox("a = 1 AND (b > 2 AND S_TOUCHES(geometry, LINESTRING(0 0, 10 10))) AND c LIKE 'x%'"),
      { minX: 0, minY: 0, maxX: 10, maxY: 10 });
    assert.deepStrictEqual(bbox('S_INTERSECTS(geometry, BBOX(0, 0, 10, 10)) AND S_WITHIN(geometry, BBOX(5, 5, 20, 20))'),
      { minX: 5, minY: 5, maxX: 10, maxY: 10 });
    assert.deepStrictEqual(bbox('S_OVERLAPS(geometry, BBOX(0, 0, 1, 1)) OR S_CROSSES(geometry, BBOX(5, 5, 6, 6))'),
      { minX: 0, minY: 0, maxX: 6, maxY: 6 });
  });

  it('gives nothing when the filter does not bound the geometry', () => {
    assert.equal(bbox('a = 1'), undefined);
    assert.equal(bbox('S_DISJOINT(geometry, BBOX(0, 0, 1, 1))'), undefined);
    assert.equal(bbox('NOT S_INTERSECTS(geometry, BBOX(0, 0, 1, 1))'), undefined);
    assert.equal(bbox('S_INTERSECTS(geometry, BBOX(0, 0, 1, 1)) OR a = 1'), undefined);
    assert.equal(bbox('S_INTERSECTS(other, BBOX(0, 0, 1, 1))'), undefined);
    assert.deepStrictEqual(bbox('S_INTERSECTS(other, BBOX(0, 0, 1, 1))', { geometryProperties: ['other'] }), { minX: 0, minY: 0, maxX: 1, maxY: 1 });
  });

  it('transforms the literal into CRS84 and handles JSON input', () => {
    const shift = (g: Geometry): Geometry => JSON.parse(JSON.stringify(g), (_k, v) => (Array.isArray(v) && typeof v[0] === 'number' ? [v[0] + 100, v[1]] : v));
    assert.deepStrictEqual(bbox('S_INTERSECTS(geometry, POINT(1 2))', { transformGeometry: shift }), { minX: 101, minY: 2, maxX: 101, maxY: 2 });
    const ast = parseJson({ op: 'and', args: [{ op: 's_intersects', args: [{ property: 'geometry' }, { bbox: [1, 2, 3, 4] }] }, true] });
    assert.deepStrictEqual(extractBbox(ast), { minX: 1, minY: 2, maxX: 3, maxY: 4 });
  });
});

describe('usedProperties', () => {
  it('lists each property once in order of appearance', () => {
    assert.deepStrictEqual(
      usedProperties(parseText("a = 1 AND (b + a > c OR T_DURING(INTERVAL(d, e), INTERVAL('2020-01-01', '..'))) AND A_CONTAINS(f, ('x'))")),
      ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.deepStrictEqual(usedProperties(parseText('TRUE')), []);
  });
});
