// Scalar operands compiled to closures: properties, literals, arithmetic,
// CASEI/ACCENTI. Constant sub-expressions are folded at compile time.
import type { Feature } from '../types.js';
import type { Node } from './ast.js';
import { describe } from './build.js';
import { Cql2Error } from './errors.js';
import type { Kind, PropertyInfo, Scope } from './scope.js';
import { parseDate, parseTimestamp, readInstant } from './time.js';

export type Getter = (f: Feature) => unknown;
export type Tri = boolean | null;
export type BoolFn = (f: Feature) => Tri;
export type BoolCompiler = (n: Node, scope: Scope) => BoolFn;

export interface Val {
  kind: Kind;
  /** Reads the value; null or undefined means unknown (SQL NULL). */
  get: Getter;
  isConst: boolean;
  value?: unknown;
  /** Set when the value is a plain read of properties[prop] (fast paths). */
  prop?: string;
  info?: PropertyInfo;
  /** Source for messages. */
  label: string;
}

export function constant(value: unknown, kind: Kind, label: string): Val {
  return { kind, get: () => value, isConst: true, value, label };
}

/** Case folding: upper then lower, so 'Straße' and 'STRASSE' meet. */
export function casei(s: string): string {
  return s.toUpperCase().toLowerCase();
}

/** Accent folding: NFD, then drop non-spacing marks ('Besançon' → 'Besancon'). */
export function accenti(s: string): string {
  return s.normalize('NFD').replace(/\p{Mn}/gu, '').normalize('NFC');
}

/** Array property values arrive as arrays or as JSON text (FlatGeobuf). */
export function readArray(v: unknown): unknown[] | null {
  if (v == null) return null;
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') {
    if (v.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(v);
        if (Array.isArray(parsed)) return parsed;
      } catch { /* not JSON: one element */ }
    }
    return v === '' ? [] : [v];
  }
  return [v];
}

function propertyVal(info: PropertyInfo): Val {
  const name = info.name;
  const label = `property "${name}"`;
  if (info.type === 'geometry') return { kind: 'geometry', get: (f) => f.geometry, isConst: false, info, label };
  // The value the feature shows, placeholders included (a filter never disagrees with the output).
  const raw: Getter = (f) => f.properties[name];
  if (info.type === 'date') {
    // Instants compare as epoch ms.
    const buf = new Float64Array(1);
    return { kind: 'instant', get: (f) => (readInstant(raw(f), buf, 0) ? buf[0] : null), isConst: false, info, label };
  }
  if (info.type === 'array') {
    let lastText: unknown, lastArray: unknown[] | null = null;
    const get: Getter = (f) => {
      const v = raw(f);
      // Consecutive features often share the same text: parse it once.
      if (typeof v === 'string') {
        if (v !== lastText) { lastText = v; lastArray = readArray(v); }
        return lastArray;
      }
      return readArray(v);
    };
    return { kind: 'array', get, isConst: false, info, label };
  }
  return { kind: info.kind, get: raw, isConst: false, prop: name, info, label };
}

function stringOp(n: Node & { type: 'casei' | 'accenti' }, scope: Scope, bools: BoolCompiler): Val {
  const fold = n.type === 'casei' ? casei : accenti;
  const inner = compileValue(n.arg, scope, bools);
  if (inner.kind !== 'string' && inner.kind !== 'any') {
    throw new Cql2Error(`${n.type.toUpperCase()} expects a string, not ${inner.label}`);
  }
  const label = `${n.type.toUpperCase()}(${inner.label})`;
  if (inner.isConst) return constant(typeof inner.value === 'string' ? fold(inner.value) : inner.value, 'string', label);
  const get = inner.get;
  return {
    kind: 'string', isConst: false, label,
    get: (f) => { const v = get(f); return v == null ? null : fold(typeof v === 'string' ? v : String(v)); },
  };
}

type Arith = (a: number, b: number) => number | null;
const ARITH: Record<string, Arith> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => (b === 0 ? null : a / b),
  '%': (a, b) => (b === 0 ? null : a % b),
  div: (a, b) => (b === 0 ? null : Math.trunc(a / b)),
  '^': (a, b) => a ** b,
};

function arithmetic(n: Node & { type: 'arithmetic' }, scope: Scope, bools: BoolCompiler): Val {
  const l = compileValue(n.left, scope, bools);
  const r = compileValue(n.right, scope, bools);
  for (const v of [l, r]) {
    if (v.kind !== 'number' && v.kind !== 'any') {
      throw new Cql2Error(`arithmetic operator ${n.op} expects numbers, not ${v.label}`);
    }
  }
  const op = ARITH[n.op];
  const label = `(${l.label} ${n.op} ${r.label})`;
  if (l.isConst && r.isConst) return constant(op(l.value as number, r.value as number), 'number', label);
  const lg = l.get, rg = r.get;
  // NULL operand, non-number or division by zero: unknown.
  const get: Getter = (f) => {
    const a = lg(f);
    if (typeof a !== 'number') return null;
    const b = rg(f);
    return typeof b === 'number' ? op(a, b) : null;
  };
  return { kind: 'number', get, isConst: false, label };
}

/** Compiles a node used as a value (not as a predicate). */
export function compileValue(n: Node, scope: Scope, bools: BoolCompiler): Val {
  switch (n.type) {
    case 'literal':
      return constant(n.value, typeof n.value as Kind, describe(n));
    case 'property':
      return propertyVal(scope.property(n.name));
    case 'date':
      return constant(parseDate(n.value), 'instant', describe(n));
    case 'timestamp':
      return constant(parseTimestamp(n.value), 'instant', describe(n));
    case 'casei': case 'accenti':
      return stringOp(n, scope, bools);
    case 'arithmetic':
      return arithmetic(n, scope, bools);
    case 'geometry': case 'bbox':
      return constant(n, 'geometry', describe(n));
    case 'array': {
      // Instants in arrays keep their text, to match arrays of date strings.
      const items = n.items.map((i) => (i.type === 'date' || i.type === 'timestamp'
        ? constant(i.value, 'string', describe(i))
        : compileValue(i, scope, bools)));
      if (items.every((i) => i.isConst)) return constant(items.map((i) => arrayKey(i.value)), 'array', 'array');
      return { kind: 'array', isConst: false, label: 'array', get: (f) => items.map((i) => arrayKey(i.get(f))) };
    }
    case 'function':
      throw new Cql2Error(`unsupported function ${n.name}(): this server implements no CQL2 functions`);
    case 'interval': case 'unbounded':
      throw new Cql2Error('INTERVAL can only be used in temporal functions (T_…)');
    default: {
      // A predicate used as a boolean value, e.g. S_INTERSECTS(…) = TRUE.
      const fn = bools(n, scope);
      return { kind: 'boolean', get: fn, isConst: false, label: describe(n) };
    }
  }
}

/** Array elements compare as sets of keys: scalars as is, anything else as JSON. */
export function arrayKey(x: unknown): unknown {
  return x !== null && typeof x === 'object' ? JSON.stringify(x) : x;
}
