// Comparison predicates: = <> < > <= >=, LIKE, BETWEEN, IN, IS NULL.
// The common shape "property op literal" gets a dedicated closure that reads
// the property and compares, with no further call or allocation.
import type { ComparisonOp } from './ast.js';
import { Cql2Error } from './errors.js';
import type { Kind } from './scope.js';
import { DAY_MS, parseDate, parseTimestamp } from './time.js';
import type { BoolFn, Val } from './values.js';

const FLIP: Record<ComparisonOp, ComparisonOp> = { '=': '=', '<>': '<>', '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/** Reads a string constant as an instant when compared with one (lenient typing). */
function asInstant(v: Val): Val {
  if (v.isConst && typeof v.value === 'string') {
    const ms = v.value.length === 10 ? parseDate(v.value) : parseTimestamp(v.value);
    if (!Number.isNaN(ms)) return { ...v, kind: 'instant', value: ms, get: () => ms };
  }
  return v;
}

/** Checks that two operands can be compared; returns them coerced when needed. */
export function unify(l: Val, r: Val, what: string): [Val, Val] {
  if (l.kind === 'instant' && r.kind === 'string') r = asInstant(r);
  if (r.kind === 'instant' && l.kind === 'string') l = asInstant(l);
  const bad = (k: Kind) => k === 'geometry' || k === 'array';
  if (bad(l.kind) || bad(r.kind)) {
    const v = bad(l.kind) ? l : r;
    throw new Cql2Error(`${what} cannot compare ${v.label}: use ${v.kind === 'geometry' ? 'S_EQUALS' : 'A_EQUALS'}`);
  }
  if (l.kind !== r.kind && l.kind !== 'any' && r.kind !== 'any') {
    throw new Cql2Error(`${what}: cannot compare ${l.label} (${l.kind}) with ${r.label} (${r.kind})`);
  }
  return [l, r];
}

function propVsConst(op: ComparisonOp, name: string, c: unknown): BoolFn {
  switch (op) {
    case '=': return (f) => { const v = f.properties[name]; return v == null ? null : v === c; };
    case '<>': return (f) => { const v = f.properties[name]; return v == null ? null : v !== c; };
    case '<': return (f) => { const v = f.properties[name]; return v == null ? null : (v as number) < (c as number); };
    case '>': return (f) => { const v = f.properties[name]; return v == null ? null : (v as number) > (c as number); };
    case '<=': return (f) => { const v = f.properties[name]; return v == null ? null : (v as number) <= (c as number); };
    case '>=': return (f) => { const v = f.properties[name]; return v == null ? null : (v as number) >= (c as number); };
  }
}

/**
 * A date property against a midnight instant: 'YYYY-MM-DD' strings order like
 * the days they name, so compare text and skip date parsing per feature.
 */
function dateVsConst(op: ComparisonOp, v: Val, c: number): BoolFn {
  const cmp = CMP[op];
  const get = v.get;
  const slow: BoolFn = (f) => { const a = get(f); return a == null ? null : cmp(a, c); };
  if (!Number.isFinite(c) || c % DAY_MS !== 0) return slow;
  const day = new Date(c).toISOString();
  if (day.length !== 24) return slow; // years beyond 0000-9999
  const text = day.slice(0, 10);
  const name = v.info!.name;
  return (f) => {
    const x = f.properties[name];
    if (typeof x === 'string' && x.length === 10) return cmp(x, text);
    return slow(f);
  };
}

const CMP: Record<ComparisonOp, (a: any, b: any) => boolean> = {
  '=': (a, b) => a === b,
  '<>': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
};

export function comparison(op: ComparisonOp, left: Val, right: Val): BoolFn {
  const [l, r] = unify(left, right, `comparison ${op}`);
  const cmp = CMP[op];
  if (l.isConst && r.isConst) {
    const v = l.value == null || r.value == null ? null : cmp(l.value, r.value);
    return () => v;
  }
  if (l.prop !== undefined && r.isConst && r.value != null) return propVsConst(op, l.prop, r.value);
  if (r.prop !== undefined && l.isConst && l.value != null) return propVsConst(FLIP[op], r.prop, l.value);
  if (l.info?.type === 'date' && r.isConst) return dateVsConst(op, l, r.value as number);
  if (r.info?.type === 'date' && l.isConst) return dateVsConst(FLIP[op], r, l.value as number);
  const lg = l.get, rg = r.get;
  if (r.isConst) {
    const c = r.value;
    return (f) => { const a = lg(f); return a == null || c == null ? null : cmp(a, c); };
  }
  return (f) => {
    const a = lg(f);
    if (a == null) return null;
    const b = rg(f);
    return b == null ? null : cmp(a, b);
  };
}

/** LIKE pattern → test function. % any run, _ one character, \ escapes. */
export function likeMatcher(pattern: string): (s: string) => boolean {
  let literal = '';
  let re = '';
  let wild = false;
  const parts: (string | '%' | '_')[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) { literal += pattern[++i]; continue; }
    if (ch === '%' || ch === '_') { parts.push(literal, ch); literal = ''; wild = true; continue; }
    literal += ch;
  }
  parts.push(literal);
  if (!wild) return (s) => s === literal;
  // Common shapes without a regexp: 'abc%', '%abc', '%abc%'.
  const [a, b, c, d, e] = parts;
  if (parts.length === 3 && b === '%' && c === '') return (s) => s.startsWith(a as string);
  if (parts.length === 3 && a === '' && b === '%') return (s) => s.endsWith(c as string);
  if (parts.length === 5 && a === '' && b === '%' && d === '%' && e === '') return (s) => s.includes(c as string);
  for (const p of parts) {
    if (p === '%') re += '.*';
    else if (p === '_') re += '.';
    else re += p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const rx = new RegExp(`^${re}$`, 'su');
  return (s) => rx.test(s);
}

export function like(value: Val, pattern: Val): BoolFn {
  if (!pattern.isConst || typeof pattern.value !== 'string') {
    throw new Cql2Error(`LIKE needs a string pattern, not ${pattern.label}`);
  }
  if (value.kind !== 'string' && value.kind !== 'any') throw new Cql2Error(`LIKE applies to strings, not ${value.label}`);
  const test = likeMatcher(pattern.value);
  if (value.isConst) {
    const v = value.value == null ? null : test(String(value.value));
    return () => v;
  }
  if (value.prop !== undefined) {
    const name = value.prop;
    return (f) => {
      const v = f.properties[name];
      return v == null ? null : test(typeof v === 'string' ? v : String(v));
    };
  }
  const get = value.get;
  return (f) => { const v = get(f); return v == null ? null : test(typeof v === 'string' ? v : String(v)); };
}

export function between(value: Val, low: Val, high: Val): BoolFn {
  const [v, lo] = unify(value, low, 'BETWEEN');
  const [v2, hi] = unify(v, high, 'BETWEEN');
  const get = v2.get;
  if (lo.isConst && hi.isConst) {
    const a = lo.value as number, b = hi.value as number;
    if (a == null || b == null) return () => null;
    if (v2.prop !== undefined) {
      const name = v2.prop;
      return (f) => { const x = f.properties[name]; return x == null ? null : (x as number) >= a && (x as number) <= b; };
    }
    return (f) => { const x = get(f) as number; return x == null ? null : x >= a && x <= b; };
  }
  return (f) => {
    const x = get(f) as number;
    const a = lo.get(f) as number, b = hi.get(f) as number;
    return x == null || a == null || b == null ? null : x >= a && x <= b;
  };
}

export function inList(value: Val, list: Val[]): BoolFn {
  const items = list.map((i) => unify(value, i, 'IN')[1]);
  const v = items.length ? unify(value, items[0], 'IN')[0] : value;
  const get = v.get;
  if (items.every((i) => i.isConst)) {
    const set = new Set(items.map((i) => i.value).filter((x) => x != null));
    if (v.prop !== undefined) {
      const name = v.prop;
      return (f) => { const x = f.properties[name]; return x == null ? null : set.has(x); };
    }
    return (f) => { const x = get(f); return x == null ? null : set.has(x); };
  }
  return (f) => {
    const x = get(f);
    if (x == null) return null;
    let unknown = false;
    for (const i of items) {
      const y = i.get(f);
      if (y == null) unknown = true;
      else if (y === x) return true;
    }
    return unknown ? null : false;
  };
}

export function isNull(value: Val): BoolFn {
  if (value.isConst) { const c = value.value == null; return () => c; }
  if (value.prop !== undefined) { const name = value.prop; return (f) => f.properties[name] == null; }
  const get = value.get;
  return (f) => get(f) == null;
}
