// Temporal functions T_* over instants and intervals (closed at both ends,
// '..' = unbounded). Every operand becomes [start, end] in epoch ms written to
// a scratch buffer, with a granularity: dates (and years) are day-granular and
// compare day to day; when one meets a timestamp its end widens to the end of
// its last day, so DATE('2020-12-31') contains 2020-12-31T12:00:00Z.
import type { Feature } from '../types.js';
import type { IntervalBound, Node, TemporalNode, TemporalOp } from './ast.js';
import { describe } from './build.js';
import { Cql2Error } from './errors.js';
import type { PropertyInfo, Scope } from './scope.js';
import { DAY_MS, parseDate, parseTimestamp, readInstant, ymd } from './time.js';
import type { BoolFn } from './values.js';

const NONE = 0, MS = 1, DAY = 2;
/** Writes [start, end] at out[i], out[i+1]; returns NONE (null), MS or DAY. */
type Operand = (f: Feature, out: Float64Array, i: number) => number;
/** Writes one bound at out[i]; returns its granularity, or NONE. */
type Bound = (f: Feature, out: Float64Array, i: number) => number;

type Relation = (s1: number, e1: number, s2: number, e2: number) => boolean;

// Allen's interval relations (OWL-Time), on closed intervals.
const RELATIONS: Record<TemporalOp, Relation> = {
  t_after: (s1, _e1, _s2, e2) => s1 > e2,
  t_before: (_s1, e1, s2) => e1 < s2,
  t_disjoint: (s1, e1, s2, e2) => e1 < s2 || s1 > e2,
  t_intersects: (s1, e1, s2, e2) => e1 >= s2 && s1 <= e2,
  t_equals: (s1, e1, s2, e2) => s1 === s2 && e1 === e2,
  t_contains: (s1, e1, s2, e2) => s1 < s2 && e1 > e2,
  t_during: (s1, e1, s2, e2) => s1 > s2 && e1 < e2,
  t_finishedBy: (s1, e1, s2, e2) => s1 < s2 && e1 === e2,
  t_finishes: (s1, e1, s2, e2) => s1 > s2 && e1 === e2,
  t_meets: (s1, e1, s2, e2) => s1 < s2 && e1 === s2 && e1 < e2,
  t_metBy: (s1, e1, s2, e2) => s2 < s1 && e2 === s1 && e2 < e1,
  t_overlaps: (s1, e1, s2, e2) => s1 < s2 && e1 > s2 && e1 < e2,
  t_overlappedBy: (s1, e1, s2, e2) => s2 < s1 && e2 > s1 && e2 < e1,
  t_starts: (s1, e1, s2, e2) => s1 === s2 && e1 < e2,
  t_startedBy: (s1, e1, s2, e2) => s1 === s2 && e1 > e2,
};

function year(v: unknown): number {
  const y = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,4}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(y) ? y : NaN;
}

function yearStart(y: number): number {
  return ymd(y, 1, 1);
}

/** A property read as an interval bound (start or end side). */
function propertyBound(info: PropertyInfo, side: 'start' | 'end'): Bound {
  const { name } = info;
  const openWhenNull = side === 'end' && info.isTemporalEnd;
  const read = (f: Feature): unknown => f.properties[name];
  const nullBound = (out: Float64Array, i: number): number => {
    if (!openWhenNull) return NONE;
    out[i] = Infinity;
    return DAY;
  };
  if (info.temporalKind === 'year') {
    return (f, out, i) => {
      const y = year(read(f));
      if (Number.isNaN(y)) return nullBound(out, i);
      const start = yearStart(y);
      out[i] = side === 'start' ? start : yearStart(y + 1) - DAY_MS;
      return DAY;
    };
  }
  if (info.type !== 'date') throw new Cql2Error(`property "${name}" is not temporal (type ${info.type})`);
  return (f, out, i) => {
    const v = read(f);
    return v == null ? nullBound(out, i) : readInstant(v, out, i);
  };
}

function literalBound(b: IntervalBound, scope: Scope, side: 'start' | 'end'): Bound {
  switch (b.type) {
    case 'unbounded': {
      const v = side === 'start' ? -Infinity : Infinity;
      return (_f, out, i) => { out[i] = v; return DAY; };
    }
    case 'date': { const ms = parseDate(b.value); return (_f, out, i) => { out[i] = ms; return DAY; }; }
    case 'timestamp': { const ms = parseTimestamp(b.value); return (_f, out, i) => { out[i] = ms; return MS; }; }
    case 'property': return propertyBound(scope.property(b.name), side);
    default: throw new Cql2Error(`unsupported function ${b.name}(): this server implements no CQL2 functions`);
  }
}

function interval(start: Bound, end: Bound): Operand {
  return (f, out, i) => {
    const gs = start(f, out, i);
    if (gs === NONE) return NONE;
    const ge = end(f, out, i + 1);
    if (ge === NONE) return NONE;
    if (gs === ge) return gs;
    // Mixed date and timestamp ends: the date end covers its whole day.
    if (ge === DAY && out[i + 1] !== Infinity) out[i + 1] += DAY_MS - 1;
    return MS;
  };
}

function operand(n: Node, scope: Scope): Operand {
  switch (n.type) {
    case 'date': case 'timestamp': case 'property': {
      if (n.type === 'property') {
        const info = scope.property(n.name);
        if (info.temporalKind === 'year') return interval(propertyBound(info, 'start'), propertyBound(info, 'end'));
      }
      const b = literalBound(n, scope, 'start');
      return (f, out, i) => { const g = b(f, out, i); out[i + 1] = out[i]; return g; };
    }
    case 'interval':
      return interval(literalBound(n.start, scope, 'start'), literalBound(n.end, scope, 'end'));
    case 'function':
      throw new Cql2Error(`unsupported function ${n.name}(): this server implements no CQL2 functions`);
    default:
      throw new Cql2Error(`temporal functions expect instants or intervals, not ${describe(n)}`);
  }
}

export function temporal(n: TemporalNode, scope: Scope): BoolFn {
  const a = operand(n.left, scope);
  const b = operand(n.right, scope);
  const rel = RELATIONS[n.op];
  const buf = new Float64Array(4);
  return (f) => {
    const ga = a(f, buf, 0);
    if (ga === NONE) return null;
    const gb = b(f, buf, 2);
    if (gb === NONE) return null;
    let e1 = buf[1], e2 = buf[3];
    if (ga !== gb) {
      if (ga === DAY) e1 += DAY_MS - 1;
      else e2 += DAY_MS - 1;
    }
    return rel(buf[0], e1, buf[2], e2);
  };
}
