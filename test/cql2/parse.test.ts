import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Cql2Error, MAX_DEPTH, MAX_FILTER_LENGTH, parseFilter, parseJson, parseText, type Node,
} from '../../server/cql2/index.js';

const prop = (name: string): Node => ({ type: 'property', name });
const lit = (value: string | number | boolean): Node => ({ type: 'literal', value });

function cqlError(f: () => unknown, pattern: RegExp): Cql2Error {
  let caught: unknown;
  try { f(); } catch (e) { caught = e; }
  assert.ok(caught instanceof Cql2Error, `expected a Cql2Error, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  return caught;
}

describe('CQL2-Text syntax', () => {
  it('reads keywords in any case', () => {
    assert.deepStrictEqual(parseText("a = 1 and NOT b like 'x' Or c is not null"), parseText("a = 1 AND NOT b LIKE 'x' OR c IS NOT NULL"));
    assert.deepStrictEqual(parseText("s_intersects(geometry, point(1 2))"), parseText('S_INTERSECTS(geometry, POINT(1 2))'));
    assert.deepStrictEqual(parseText("t_finishedby(d, date('2020-01-01'))").type, 'temporal');
  });

  it('gives AND precedence over OR, and NOT over AND', () => {
    assert.deepStrictEqual(parseText('a = 1 OR b = 2 AND NOT c = 3'), {
      type: 'logical', op: 'or', args: [
        { type: 'comparison', op: '=', left: prop('a'), right: lit(1) },
        { type: 'logical', op: 'and', args: [
          { type: 'comparison', op: '=', left: prop('b'), right: lit(2) },
          { type: 'not', arg: { type: 'comparison', op: '=', left: prop('c'), right: lit(3) } },
        ] },
      ],
    });
  });

  it('gives * / % div precedence over + -, and ^ over both, left to right otherwise', () => {
    const rhs = (t: string) => (parseText(`x = ${t}`) as Node & { type: 'comparison' }).right;
    const ar = (op: string, left: Node, right: Node): Node => ({ type: 'arithmetic', op, left, right } as Node);
    assert.deepStrictEqual(rhs('1 + 2 * 3'), ar('+', lit(1), ar('*', lit(2), lit(3))));
    assert.deepStrictEqual(rhs('10 - 4 - 3'), ar('-', ar('-', lit(10), lit(4)), lit(3)));
    assert.deepStrictEqual(rhs('2 * 3 ^ 2'), ar('*', lit(2), ar('^', lit(3), lit(2))));
    assert.deepStrictEqual(rhs('a div 2 % 3'), ar('%', ar('div', prop('a'), lit(2)), lit(3)));
    assert.deepStrictEqual(rhs('-a'), ar('*', lit(-1), prop('a')));
    assert.deepStrictEqual(rhs('- -2.5e1'), lit(25));
    assert.deepStrictEqual(rhs('b-1'), ar('-', prop('b'), lit(1)));
  });

  it('reads strings with doubled and backslashed quotes, and quoted identifiers', () => {
    assert.deepStrictEqual(parseText("n = 'it''s'"), { type: 'comparison', op: '=', left: prop('n'), right: lit("it's") });
    assert.deepStrictEqual(parseText("n = 'it\\'s'"), parseText("n = 'it''s'"));
    assert.deepStrictEqual(parseText('"my prop" = 1'), { type: 'comparison', op: '=', left: prop('my prop'), right: lit(1) });
    assert.deepStrictEqual(parseText('"and" = 1').type, 'comparison');
    assert.deepStrictEqual(parseText('eo:cloud_cover = .5'), { type: 'comparison', op: '=', left: prop('eo:cloud_cover'), right: lit(0.5) });
    // Words that start like keywords are identifiers.
    assert.deepStrictEqual(parseText('index = 1 AND order = 2 AND date = 3').type, 'logical');
  });

  it('reads WKT in all its forms', () => {
    const geom = (t: string) => ((parseText(`S_INTERSECTS(geometry, ${t})`) as Node & { type: 'spatial' }).right as Node & { type: 'geometry' }).geometry;
    assert.deepStrictEqual(geom('POINT Z (1 2 3)'), { type: 'Point', coordinates: [1, 2, 3] });
    assert.deepStrictEqual(geom('MULTIPOINT (1 2, 3 4)'), geom('MULTIPOINT ((1 2), (3 4))'));
    assert.deepStrictEqual(geom('MULTILINESTRING((0 0, 1 1),(2 2, 3 3))'), {
      type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]],
    });
    assert.deepStrictEqual(geom('MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5),(5.1 5.1,5.2 5.1,5.2 5.2,5.1 5.1)))').type, 'MultiPolygon');
    assert.deepStrictEqual(geom('GEOMETRYCOLLECTION(POINT(1 2), GEOMETRYCOLLECTION(LINESTRING(0 0, 1 1)))'), {
      type: 'GeometryCollection', geometries: [
        { type: 'Point', coordinates: [1, 2] },
        { type: 'GeometryCollection', geometries: [{ type: 'LineString', coordinates: [[0, 0], [1, 1]] }] },
      ],
    });
  });

  it('reads temporal literals and open intervals', () => {
    assert.deepStrictEqual(parseText("T_AFTER(d, INTERVAL('2020-01-01', '..'))"), {
      type: 'temporal', op: 't_after', left: prop('d'),
      right: { type: 'interval', start: { type: 'date', value: '2020-01-01' }, end: { type: 'unbounded' } },
    });
    assert.deepStrictEqual(parseText("d = TIMESTAMP('2020-01-01T10:00:00.5Z')"), {
      type: 'comparison', op: '=', left: prop('d'), right: { type: 'timestamp', value: '2020-01-01T10:00:00.5Z' },
    });
  });

  it('reads arrays in parentheses or brackets, a lone value as a one-element array', () => {
    const arr = (t: string) => (parseText(`A_OVERLAPS(tags, ${t})`) as Node & { type: 'arrayPredicate' }).right;
    assert.deepStrictEqual(arr("('a', 'b')"), { type: 'array', items: [lit('a'), lit('b')] });
    assert.deepStrictEqual(arr("['a', 'b']"), arr("('a', 'b')"));
    assert.deepStrictEqual(arr("('a')"), { type: 'array', items: [lit('a')] });
    assert.deepStrictEqual(arr('()'), { type: 'array', items: [] });
    assert.deepStrictEqual(arr("(('a', 1), 'b')"), { type: 'array', items: [{ type: 'array', items: [lit('a'), lit(1)] }, lit('b')] });
  });
});

describe('CQL2-Text errors', () => {
  it('name the position and what was expected', () => {
    const e = cqlError(() => parseText('floors > 5 AND\n  name = '), /line 2, column 10: Expected .*"\(".*number.*string.* but end of input found/);
    assert.deepStrictEqual(e.position, { offset: 24, line: 2, column: 10 });
    const e2 = cqlError(() => parseText('S_INTERSECTS(geometry POINT(1 2))'), /column 23: Expected .*","/);
    assert.equal(e2.position?.offset, 22);
    const e3 = cqlError(() => parseText("name = 'unterminated"), /column 8: unterminated string literal/);
    assert.equal(e3.position?.offset, 7);
    cqlError(() => parseText('a = 1 b'), /column 7: Expected .*"AND".* but "b" found/);
  });

  it('reject invalid literals with a clear reason', () => {
    cqlError(() => parseText("d = DATE('2021-02-29')"), /column 5: invalid date '2021-02-29'/);
    cqlError(() => parseText("d = TIMESTAMP('2021-01-01')"), /invalid timestamp/);
    cqlError(() => parseText("T_AFTER(d, INTERVAL('yesterday', '..'))"), /invalid interval bound 'yesterday'/);
    cqlError(() => parseText('S_WITHIN(geometry, BBOX(1, 2, 3))'), /BBOX needs 4 or 6 numbers, got 3/);
    cqlError(() => parseText('S_WITHIN(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))'), /ring must be closed/);
    cqlError(() => parseText('S_WITHIN(geometry, 5)'), /S_WITHIN expects geometries/);
    cqlError(() => parseText("T_AFTER(d, 'x')"), /T_AFTER expects instants or intervals/);
    cqlError(() => parseText('S_WITHIN(geometry)'), /S_WITHIN takes 2 arguments, got 1/);
  });

  it('reject non-boolean filters and operands', () => {
    cqlError(() => parseText('1 + 2'), /must be a boolean expression/);
    cqlError(() => parseText("'abc'"), /must be a boolean expression/);
    cqlError(() => parseText('NOT 5'), /NOT expects boolean operands/);
    cqlError(() => parseText("a = 1 AND 'x'"), /AND expects boolean operands/);
    cqlError(() => parseText('   '), /empty/);
  });

  it('enforce the length and depth limits without overflowing the stack', () => {
    cqlError(() => parseText(`a = '${'x'.repeat(MAX_FILTER_LENGTH)}'`), /too long/);
    const deep = `${'('.repeat(9_990)}a = 1${')'.repeat(9_990)}`;
    const e = cqlError(() => parseText(deep), /nested too deeply at line 1, column 65/);
    assert.equal(e.position?.offset, MAX_DEPTH);
    cqlError(() => parseText(`${'NOT '.repeat(4000)}a = 1`), /nested too deeply/);
    // Signs are a loop folded into the literal: no nesting at all.
    assert.deepStrictEqual(parseText(`a = ${'-'.repeat(15_001)}1`), { type: 'comparison', op: '=', left: prop('a'), right: lit(-1) });
    cqlError(() => parseText(`a = ${Array(5000).fill('1').join('+')}`), /nested too deeply/);
    cqlError(() => parseText(`A_EQUALS(a, ${'['.repeat(5000)}${']'.repeat(5000)})`), /nested too deeply/);
    // Parentheses inside strings do not count.
    assert.equal(parseText(`a = '${'('.repeat(100)}'`).type, 'comparison');
    assert.equal(parseText(`${'('.repeat(MAX_DEPTH)}a = 1${')'.repeat(MAX_DEPTH)}`).type, 'comparison');
  });
});

describe('CQL2-JSON', () => {
  it('accepts the JSON forms of every construct', () => {
    assert.deepStrictEqual(parseJson({ op: 'isNull', args: [{ property: 'a' }] }), { type: 'isNull', value: prop('a') });
    assert.deepStrictEqual(parseJson({ op: 'and', args: [{ op: 'and', args: [true, false] }, true] }),
      { type: 'logical', op: 'and', args: [lit(true), lit(false), lit(true)] });
    assert.deepStrictEqual(parseJson({ op: 'T_FINISHEDBY', args: [{ property: 'd' }, { date: '2020-01-01' }] }).type, 'temporal');
    assert.deepStrictEqual(parseJson({ op: 's_intersects', args: [{ property: 'geometry' }, { function: { name: 'buffer', args: [] } }] }),
      { type: 'spatial', op: 's_intersects', left: prop('geometry'), right: { type: 'function', name: 'buffer', args: [] } });
  });

  it('errors name the JSON path', () => {
    const e = cqlError(() => parseJson({ op: 'and', args: [{ op: '=', args: [{ property: 'a' }] }, true] }),
      /at \$\.args\[0\]\.args: "=" takes 2 arguments, got 1/);
    assert.equal(e.path, '$.args[0].args');
    cqlError(() => parseJson({ op: 't_after', args: [{ property: 'd' }, { interval: ['2020-01-01', 'soon'] }] }),
      /at \$\.args\[1\]\.interval\[1\]: invalid interval bound 'soon'/);
    cqlError(() => parseJson({ op: 's_within', args: [{ property: 'g' }, { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] }] }),
      /at \$\.args\[1\]\.coordinates\[0\]: a polygon ring needs at least 4 positions/);
    cqlError(() => parseJson({ op: 'like', args: [{ property: 'a' }, null] }), /at \$\.args\[1\]: unexpected null/);
    cqlError(() => parseJson({ op: 'in', args: [{ property: 'a' }, 'x'] }), /at \$\.args\[1\]: "in" needs an array/);
    cqlError(() => parseJson({ op: '==', args: [1, 1] }), /at \$\.op: unknown operator "=="/);
    cqlError(() => parseJson({ foo: 1 }), /at \$: unrecognised object/);
    cqlError(() => parseJson([true]), /must be a boolean expression/);
    cqlError(() => parseJson({ date: '2020-02-30' }), /at \$\.date: invalid date/);
  });

  it('enforces the depth limit', () => {
    let deep: unknown = true;
    for (let i = 0; i < 10_000; i++) deep = { op: 'not', args: [deep] };
    cqlError(() => parseJson(deep), /nested too deeply/);
    cqlError(() => parseFilter(`${'['.repeat(5000)}${']'.repeat(5000)}`, 'cql2-json'), /nested too deeply/);
  });

  it('parseFilter reads both encodings and reports bad JSON text with its position', () => {
    assert.deepStrictEqual(parseFilter('{"op":"=","args":[{"property":"a"},1]}', 'cql2-json'), parseFilter('a = 1', 'cql2-text'));
    const e = cqlError(() => parseFilter('{"op":"=",', 'cql2-json'), /invalid CQL2 JSON/);
    assert.ok(e instanceof Cql2Error);
    cqlError(() => parseFilter(' '.repeat(MAX_FILTER_LENGTH + 1), 'cql2-json'), /too long/);
  });
});
