import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Geometry } from 'geojson';
import type { Feature } from '../../server/types.js';
import { Cql2Error, compile, parseText, type CompileContext } from '../../server/cql2/index.js';

function feature(id: string, properties: Record<string, unknown>, geometry: Geometry | null = null): Feature {
  return { id, index: 0, geometry, properties };
}

const ctx: CompileContext = {
  properties: new Map([
    ['name', { type: 'string' }], ['n', { type: 'number' }], ['m', { type: 'number' }], ['i', { type: 'integer' }],
    ['ok', { type: 'boolean' }], ['d', { type: 'date' }], ['tags', { type: 'array' }],
    ['annee', { type: 'integer' }], ['fin', { type: 'integer' }], ['debut', { type: 'date' }], ['cloture', { type: 'date' }],
  ]),
};

function select(filter: string, features: Feature[], c: CompileContext = ctx): string[] {
  return features.filter(compile(parseText(filter), c)).map((f) => f.id);
}

function compileError(filter: string, pattern: RegExp, c: CompileContext = ctx): void {
  assert.throws(() => compile(parseText(filter), c), (e: unknown) => e instanceof Cql2Error && pattern.test(e.message));
}

describe('evaluation: logic and NULL', () => {
  const fs = [feature('t', { n: 1, ok: true }), feature('f', { n: 5, ok: false }), feature('null', { n: null })];

  it('treats comparisons with NULL as unknown, so neither a filter nor its negation selects them', () => {
    assert.deepStrictEqual(select('n < 3', fs), ['t']);
    assert.deepStrictEqual(select('NOT n < 3', fs), ['f']);
    assert.deepStrictEqual(select('n < 3 OR n >= 3', fs), ['t', 'f']);
    assert.deepStrictEqual(select('n IS NULL OR n < 3', fs), ['t', 'null']);
    assert.deepStrictEqual(select('NOT (n < 3 AND n > 100)', fs), ['t', 'f']);
  });

  it('uses boolean properties and predicates as conditions', () => {
    assert.deepStrictEqual(select('ok', fs), ['t']);
    assert.deepStrictEqual(select('NOT ok AND n > 2', fs), ['f']);
    assert.deepStrictEqual(select('(n > 2) = FALSE', fs), ['t']);
    assert.deepStrictEqual(select('TRUE', fs), ['t', 'f', 'null']);
    assert.deepStrictEqual(select('FALSE OR n = 5', fs), ['f']);
  });

  it('returns strict booleans', () => {
    const p = compile(parseText('n < 3'), ctx);
    assert.equal(p(fs[0]), true);
    assert.equal(p(fs[2]), false);
  });
});

describe('evaluation: comparisons, LIKE, IN, BETWEEN', () => {
  const fs = [
    feature('a', { name: 'Besançon', n: 10, m: 10, i: 3 }),
    feature('b', { name: 'STRASSE', n: 2.5, m: 10, i: 4 }),
    feature('c', { name: '100% (a.b)*', n: -1, m: -1, i: 5 }),
    feature('d', { name: 'multi\nline 🙂', n: 0, m: 1 }),
  ];

  it('compares properties with properties and with arithmetic', () => {
    assert.deepStrictEqual(select('n = m', fs), ['a', 'c']);
    assert.deepStrictEqual(select('n < m', fs), ['b', 'd']);
    assert.deepStrictEqual(select('n * 4 = m', fs), ['b']);
    assert.deepStrictEqual(select('i % 2 = 1 AND i div 2 = 1', fs), ['a']);
    assert.deepStrictEqual(select('m / n > 0', fs), ['a', 'b', 'c'], 'division by zero is unknown');
    assert.deepStrictEqual(select('2 ^ i = 16', fs), ['b']);
    assert.deepStrictEqual(select('m - n - 1 = 6.5', fs), ['b']);
  });

  it('matches LIKE wildcards and escapes literally otherwise', () => {
    assert.deepStrictEqual(select("name LIKE 'B%n'", fs), ['a']);
    assert.deepStrictEqual(select("name LIKE 'STRASS_'", fs), ['b']);
    assert.deepStrictEqual(select("name LIKE '100\\% (a.b)*'", fs), ['c']);
    assert.deepStrictEqual(select("name LIKE '10_\\%%'", fs), ['c']);
    assert.deepStrictEqual(select("name LIKE '%(a.b)%'", fs), ['c'], 'regexp characters are literal');
    assert.deepStrictEqual(select("name LIKE 'multi%line _'", fs), ['d'], '% spans newlines, _ is one code point');
    assert.deepStrictEqual(select("name LIKE '%'", fs), ['a', 'b', 'c', 'd']);
    assert.deepStrictEqual(select("name NOT LIKE '%a%'", fs), ['b', 'd']);
  });

  it('folds case and accents', () => {
    assert.deepStrictEqual(select("ACCENTI(name) = ACCENTI('Besancon')", fs), ['a']);
    assert.deepStrictEqual(select("name = 'Besancon'", fs), []);
    assert.deepStrictEqual(select("CASEI(name) = CASEI('Straße')", fs), ['b']);
    assert.deepStrictEqual(select("CASEI(ACCENTI(name)) LIKE CASEI(ACCENTI('bes%ÇON'))", fs), ['a']);
    assert.deepStrictEqual(select("CASEI(name) IN (CASEI('strasse'), 'x')", fs), ['b']);
  });

  it('supports IN and BETWEEN with literals and properties', () => {
    assert.deepStrictEqual(select('n IN (10, 0)', fs), ['a', 'd']);
    assert.deepStrictEqual(select('n NOT IN (10, 0)', fs), ['b', 'c']);
    assert.deepStrictEqual(select('n IN (m, 2.5)', fs), ['a', 'b', 'c']);
    assert.deepStrictEqual(select('n BETWEEN 0 AND 10', fs), ['a', 'b', 'd']);
    assert.deepStrictEqual(select('n BETWEEN m - 9 AND m', fs), ['a', 'b', 'c', 'd']);
    assert.deepStrictEqual(select('n NOT BETWEEN -1 AND 2.5', fs), ['a']);
  });

  it('rejects unknown properties and mismatched types with a 400-style error', () => {
    compileError('nope = 1', /unknown property "nope" \(queryables: name, n, m/);
    compileError("n = 'x'", /cannot compare property "n" \(number\) with string 'x'/);
    compileError('n LIKE 1', /LIKE needs a string pattern/);
    compileError("n LIKE '1%'", /LIKE applies to strings/);
    compileError('name + 1 > 2', /arithmetic operator \+ expects numbers/);
    compileError("CASEI(n) = 'x'", /CASEI expects a string/);
    compileError('name', /is not a boolean/);
    compileError('geometry = 1', /use S_EQUALS/);
    compileError("tags = 'a'", /use A_EQUALS/);
    compileError('S_INTERSECTS(name, POINT(1 2))', /property "name" is not a geometry/);
    compileError("T_AFTER(name, DATE('2020-01-01'))", /property "name" is not temporal/);
    compileError('A_CONTAINS(name, (1))', /array functions expect arrays/);
    compileError("d = INTERVAL('2020-01-01', '..')", /INTERVAL can only be used in temporal functions/);
  });
});

describe('evaluation: instants and temporal functions', () => {
  const fs = [
    feature('day', { d: '2020-06-15' }),
    feature('ts', { d: '2020-06-15T12:00:00Z' }),
    feature('late', { d: '2021-01-01T00:00:00+01:00' }),
    feature('placeholder', { d: '1900-01-01' }),
  ];

  it('compares dates and timestamps as instants', () => {
    assert.deepStrictEqual(select("d = DATE('2020-06-15')", fs), ['day']);
    assert.deepStrictEqual(select("d > DATE('2020-06-15')", fs), ['ts', 'late']);
    // 2021-01-01T00:00:00+01:00 is 2020-12-31T23:00:00Z.
    assert.deepStrictEqual(select("d < TIMESTAMP('2020-12-31T23:30:00Z')", fs), ['day', 'ts', 'late', 'placeholder']);
    assert.deepStrictEqual(select("d < TIMESTAMP('2020-12-31T22:30:00Z')", fs), ['day', 'ts', 'placeholder']);
    assert.deepStrictEqual(select("d >= '2020-06-15T06:00:00Z'", fs), ['ts', 'late'], 'string literal read as an instant');
    assert.deepStrictEqual(select("d BETWEEN DATE('2020-01-01') AND DATE('2020-12-31')", fs), ['day', 'ts']);
    assert.deepStrictEqual(select("d IN (DATE('1900-01-01'))", fs), ['placeholder']);
  });

  it('widens a date to its whole day only against a timestamp', () => {
    assert.deepStrictEqual(select("T_INTERSECTS(d, DATE('2020-06-15'))", fs), ['day', 'ts']);
    assert.deepStrictEqual(select("T_EQUALS(d, DATE('2020-06-15'))", fs), ['day']);
    assert.deepStrictEqual(select("T_DURING(d, INTERVAL('2020-06-15', '2020-06-16'))", fs), ['ts']);
    assert.deepStrictEqual(select("T_AFTER(d, INTERVAL('..', '2020-12-31'))", fs), []);
    assert.deepStrictEqual(select("T_AFTER(d, INTERVAL('..', '2020-12-30'))", fs), ['late']);
    assert.deepStrictEqual(select("T_BEFORE(d, TIMESTAMP('2020-06-15T12:00:00Z'))", fs), ['placeholder']);
  });

  it('reads a year property as [YYYY-01-01, YYYY-12-31], compares placeholder dates as shown and honours open ends', () => {
    const c: CompileContext = { ...ctx, temporal: { start: 'annee', end: 'fin', kind: 'year' } };
    const years = [feature('y2020', { annee: 2020, fin: 2020 }), feature('y2019', { annee: 2019, fin: 2022 }),
      feature('open', { annee: 2021, fin: null }), feature('none', { annee: null })];
    assert.deepStrictEqual(select("T_INTERSECTS(annee, TIMESTAMP('2020-12-31T23:00:00Z'))", years, c), ['y2020']);
    assert.deepStrictEqual(select("T_EQUALS(annee, INTERVAL('2020-01-01', '2020-12-31'))", years, c), ['y2020']);
    assert.deepStrictEqual(select("T_DURING(annee, INTERVAL('2019-06-01', '2021-06-01'))", years, c), ['y2020']);
    assert.deepStrictEqual(select("T_CONTAINS(INTERVAL(annee, fin), DATE('2021-07-14'))", years, c), ['y2019', 'open']);
    assert.deepStrictEqual(select("T_AFTER(INTERVAL(annee, fin), DATE('2030-01-01'))", years, c), []);
    assert.deepStrictEqual(select("T_METBY(INTERVAL(annee, fin), INTERVAL('2010-01-01', '2019-01-01'))", years, c), ['y2019']);
    assert.deepStrictEqual(select('annee >= 2020', years, c), ['y2020', 'open'], 'still an integer elsewhere');

    const dated: CompileContext = { ...ctx, temporal: { start: 'debut', end: 'cloture', kind: 'date', unknownValues: ['1900-01-01'] } };
    const ds = [feature('known', { debut: '2010-05-01', cloture: '2012-01-01' }), feature('unknown', { debut: '1900-01-01' }),
      feature('running', { debut: '2015-01-01', cloture: null })];
    // The placeholder is the value the feature shows: a filter sees 1900-01-01, never null
    // (only `datetime` reads it as an open start).
    assert.deepStrictEqual(select("T_INTERSECTS(INTERVAL(debut, cloture), DATE('2030-01-01'))", ds, dated), ['unknown', 'running']);
    assert.deepStrictEqual(select("T_BEFORE(debut, DATE('2000-01-01'))", ds, dated), ['unknown']);
    assert.deepStrictEqual(select("debut = DATE('1900-01-01')", ds, dated), ['unknown']);
    assert.deepStrictEqual(select("debut < DATE('2011-09-22')", ds, dated), ['known', 'unknown']);
    assert.deepStrictEqual(select('debut IS NULL', ds, dated), []);
  });
});

describe('evaluation: arrays', () => {
  const fs = [
    feature('arr', { tags: ['a', 'b', 'a'] }),
    feature('json', { tags: '["b","c"]' }),
    feature('plain', { tags: 'c' }),
    feature('empty', { tags: [] }),
    feature('null', { tags: null }),
  ];

  it('treats arrays as sets, whether given as arrays or JSON text', () => {
    assert.deepStrictEqual(select("A_EQUALS(tags, ('b', 'a'))", fs), ['arr']);
    assert.deepStrictEqual(select("A_CONTAINS(tags, ('b'))", fs), ['arr', 'json']);
    assert.deepStrictEqual(select("A_CONTAINEDBY(tags, ('a', 'b', 'c'))", fs), ['arr', 'json', 'plain', 'empty']);
    assert.deepStrictEqual(select("A_OVERLAPS(tags, ('c', 'z'))", fs), ['json', 'plain']);
    assert.deepStrictEqual(select("NOT A_OVERLAPS(tags, ('c', 'z'))", fs), ['arr', 'empty']);
    assert.deepStrictEqual(select('A_EQUALS(tags, tags)', fs), ['arr', 'json', 'plain', 'empty']);
  });
});
