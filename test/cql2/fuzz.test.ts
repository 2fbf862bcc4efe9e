// Seeded fuzzing: random, generated and mutated inputs must each parse or
// throw Cql2Error (never another exception, never hang), and what parses must
// compile or throw Cql2Error, and then evaluate to a boolean.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cql2Error, compile, parseJson, parseText, type Node } from '../../server/cql2/index.js';
import { examples } from './corpus.js';
import { ctx, features } from './fixture.js';

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const rnd = prng(20_240_702);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(a: readonly T[]): T => a[int(a.length)];

/** Parses and, when it parses, compiles and evaluates; returns what happened. */
function exercise(parse: () => Node): 'parsed' | 'rejected' {
  const t0 = Date.now();
  let ast: Node;
  try {
    ast = parse();
  } catch (e) {
    if (!(e instanceof Cql2Error)) throw e;
    assert.ok(Date.now() - t0 < 2000, 'parse took too long');
    return 'rejected';
  }
  try {
    const p = compile(ast, ctx);
    for (const f of features) assert.equal(typeof p(f), 'boolean');
  } catch (e) {
    if (!(e instanceof Cql2Error)) throw e;
  }
  assert.ok(Date.now() - t0 < 2000, 'parse and evaluation took too long');
  return 'parsed';
}

const TOKENS = [
  'AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE', 'div', '(', ')', '[', ']', ',', '=', '<>',
  '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '^', "'abc'", "'it''s'", "'%a_'", '"quoted"', 'floors', 'name',
  'eo:cloud_cover', 'geometry', 'values', 'built', '1', '-2.5', '1e3', '.5', 'CASEI', 'ACCENTI', 'DATE', "('2020-01-01')",
  'TIMESTAMP', "('2020-01-01T00:00:00Z')", 'INTERVAL', "'..'", 'BBOX', 'POINT', '(1 2)', 'POLYGON', '((0 0,1 0,1 1,0 0))',
  'LINESTRING', 'MULTIPOINT', 'GEOMETRYCOLLECTION', 'S_INTERSECTS', 'S_WITHIN', 'T_AFTER', 'T_DURING', 'A_CONTAINS',
  'A_EQUALS', 'foo', "'", '"', '\\', ' ', '\n',
];

// ---- a generator of valid expressions in both encodings

type Pair = { text: string; json: unknown };
const p = (property: string): Pair => ({ text: `"${property}"`, json: { property } });
const NUM_PROPS = ['floors', 'value', 'foo', 'eo:cloud_cover', 'taxes'];
const STR_PROPS = ['name', 'owner', 'city', 'material'];

function num(): Pair {
  if (rnd() < 0.5) return p(pick(NUM_PROPS));
  const v = Math.round((rnd() - 0.5) * 2000) / 10;
  return { text: String(v), json: v };
}

function arith(depth: number): Pair {
  if (depth <= 0 || rnd() < 0.5) return num();
  const op = pick(['+', '-', '*', '/', '%', 'div', '^']);
  const a = arith(depth - 1), b = arith(depth - 1);
  return { text: `(${a.text} ${op} ${b.text})`, json: { op, args: [a.json, b.json] } };
}

function str(): Pair {
  const s = pick(['Mike', "it's", 'Straße', 'é%', 'a_b', '']);
  return { text: `'${s.replace(/'/g, "''")}'`, json: s };
}

function predicate(depth: number): Pair {
  const k = int(depth > 0 ? 9 : 6);
  switch (k) {
    case 0: {
      const op = pick(['=', '<>', '<', '>', '<=', '>=']);
      const a = arith(2), b = arith(2);
      return { text: `${a.text} ${op} ${b.text}`, json: { op, args: [a.json, b.json] } };
    }
    case 1: {
      const a = p(pick(STR_PROPS)), s = str();
      return { text: `CASEI(${a.text}) LIKE CASEI(${s.text})`, json: { op: 'like', args: [{ op: 'casei', args: [a.json] }, { op: 'casei', args: [s.json] }] } };
    }
    case 2: {
      const a = num(), b = num(), c = num();
      return { text: `${a.text} BETWEEN ${b.text} AND ${c.text}`, json: { op: 'between', args: [a.json, b.json, c.json] } };
    }
    case 3: {
      const a = p(pick(STR_PROPS)), items = [str(), str()];
      return { text: `${a.text} IN (${items.map((i) => i.text).join(', ')})`, json: { op: 'in', args: [a.json, items.map((i) => i.json)] } };
    }
    case 4: {
      const x = rnd() * 40 - 20, y = rnd() * 40 - 20;
      const fn = pick(['S_INTERSECTS', 'S_WITHIN', 'S_DISJOINT', 'S_TOUCHES', 'S_CONTAINS']);
      return {
        text: `${fn}(geometry, BBOX(${x}, ${y}, ${x + 10}, ${y + 10}))`,
        json: { op: fn.toLowerCase(), args: [{ property: 'geometry' }, { bbox: [x, y, x + 10, y + 10] }] },
      };
    }
    case 5: {
      const fn = pick(['T_AFTER', 'T_BEFORE', 'T_INTERSECTS', 'T_DURING', 'T_OVERLAPS', 'T_METBY']);
      const d = `20${10 + int(15)}-0${1 + int(9)}-1${int(10)}`;
      return {
        text: `${fn}(INTERVAL(starts_at, ends_at), INTERVAL('${d}', '..'))`,
        json: { op: fn.toLowerCase().replace('metby', 'metBy'), args: [{ interval: [{ property: 'starts_at' }, { property: 'ends_at' }] }, { interval: [d, '..'] }] },
      };
    }
    case 6: {
      const a = predicate(depth - 1);
      return { text: `NOT (${a.text})`, json: { op: 'not', args: [a.json] } };
    }
    default: {
      const op = pick(['and', 'or']);
      const a = predicate(depth - 1), b = predicate(depth - 1);
      return { text: `(${a.text}) ${op.toUpperCase()} (${b.text})`, json: { op, args: [a.json, b.json] } };
    }
  }
}

function mutate(s: string): string {
  const chars = [...s];
  const n = 1 + int(4);
  for (let k = 0; k < n; k++) {
    const i = int(chars.length + 1);
    switch (int(5)) {
      case 0: chars.splice(i, 1); break;
      case 1: chars.splice(i, 0, pick(["'", '"', '(', ')', ',', ' ', '-', '.', 'é', 'Z', '\u0000', '9'])); break;
      case 2: chars.splice(i, 0, ` ${pick(TOKENS)} `); break;
      case 3: chars.splice(i, int(10)); break;
      default: chars.splice(int(chars.length), 0, ...chars.slice(i, i + int(12)));
    }
  }
  return chars.join('');
}

function mutateJson(v: unknown, depth = 0): unknown {
  if (rnd() < 0.15 || depth > 6) {
    return pick<unknown>([null, 1, 'x', true, [], {}, { op: 'and' }, { property: 3 }, { interval: ['..'] }, { bbox: [1] },
      { type: 'Point', coordinates: [1] }, [1, [2, [3]]], { op: 's_intersects', args: [1, 2] }, NaN]);
  }
  if (Array.isArray(v)) return rnd() < 0.1 ? v.slice(1) : v.map((x) => mutateJson(x, depth + 1));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (rnd() > 0.05) out[rnd() < 0.03 ? `${k}_` : k] = mutateJson(x, depth + 1);
    return out;
  }
  return v;
}

describe('fuzzing', () => {
  it('random token soups parse or throw Cql2Error', () => {
    const seen = { parsed: 0, rejected: 0 };
    for (let i = 0; i < 1500; i++) {
      const text = Array.from({ length: 1 + int(14) }, () => pick(TOKENS)).join(int(3) ? ' ' : '');
      seen[exercise(() => parseText(text))]++;
    }
    assert.ok(seen.rejected > 500 && seen.parsed > 10, JSON.stringify(seen));
  });

  it('mutated standard examples parse or throw Cql2Error', () => {
    const seen = { parsed: 0, rejected: 0 };
    for (let i = 0; i < 2000; i++) {
      const text = mutate(pick(examples).text);
      seen[exercise(() => parseText(text))]++;
    }
    assert.ok(seen.rejected > 500 && seen.parsed > 100, JSON.stringify(seen));
  });

  it('random characters parse or throw Cql2Error', () => {
    for (let i = 0; i < 300; i++) {
      const text = String.fromCodePoint(...Array.from({ length: int(60) }, () => (int(4) ? 32 + int(95) : int(0x2fff))));
      exercise(() => parseText(text));
    }
  });

  it('mutated CQL2-JSON parses or throws Cql2Error', () => {
    const seen = { parsed: 0, rejected: 0 };
    for (let i = 0; i < 1500; i++) {
      const json = mutateJson(pick(examples).json);
      seen[exercise(() => parseJson(json))]++;
    }
    assert.ok(seen.rejected > 300 && seen.parsed > 100, JSON.stringify(seen));
  });

  it('generated valid expressions parse identically from text and JSON, then evaluate', () => {
    for (let i = 0; i < 600; i++) {
      const { text, json } = predicate(3);
      const a = parseText(text);
      assert.deepStrictEqual(a, parseJson(json), text);
      assert.equal(exercise(() => a), 'parsed');
    }
  });
});
