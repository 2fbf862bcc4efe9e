// Node constructors shared by the text grammar and the JSON reader, so that
// both encodings give the same tree and the same error messages. They throw a
// plain BuildError; each parser adds its own position or JSON path.
import {
  canonicalOp, SPATIAL_OPS, TEMPORAL_OPS, ARRAY_OPS,
  type Node, type IntervalBound, type SpatialOp, type TemporalOp, type ArrayOp,
} from './ast.js';
import { isDateString, isTimestampString } from './time.js';

export class BuildError extends Error {}

const SPATIAL = new Set<string>(SPATIAL_OPS);
const TEMPORAL = new Set<string>(TEMPORAL_OPS);
const ARRAYS = new Set<string>(ARRAY_OPS);

const GEOMETRY_ARG = new Set(['geometry', 'bbox', 'property', 'function']);
const TEMPORAL_ARG = new Set(['date', 'timestamp', 'interval', 'property', 'function']);
const ARRAY_ARG = new Set(['array', 'property', 'function']);

/** Name of a node kind for messages. */
export function describe(n: Node): string {
  switch (n.type) {
    case 'literal': return typeof n.value === 'string' ? `string '${n.value}'` : `${typeof n.value} ${n.value}`;
    case 'property': return `property "${n.name}"`;
    case 'function': return `function ${n.name}()`;
    case 'date': return `DATE('${n.value}')`;
    case 'timestamp': return `TIMESTAMP('${n.value}')`;
    case 'geometry': return `${n.geometry.type} geometry`;
    case 'logical': return n.op.toUpperCase() + ' expression';
    default: return `${n.type} expression`;
  }
}

export function dateNode(value: string): Node {
  if (!isDateString(value)) throw new BuildError(`invalid date '${value}': expected a real date YYYY-MM-DD`);
  return { type: 'date', value };
}

export function timestampNode(value: string): Node {
  if (!isTimestampString(value)) {
    throw new BuildError(`invalid timestamp '${value}': expected YYYY-MM-DDTHH:MM:SS[.sss]Z`);
  }
  return { type: 'timestamp', value };
}

/** An interval end given as a string: '..', a date or a timestamp. */
export function intervalBound(value: string): IntervalBound {
  if (value === '..') return { type: 'unbounded' };
  if (isDateString(value)) return { type: 'date', value };
  if (isTimestampString(value)) return { type: 'timestamp', value };
  throw new BuildError(`invalid interval bound '${value}': expected '..', a date or a timestamp`);
}

export function intervalNode(start: Node, end: Node): Node {
  for (const b of [start, end]) {
    if (!['date', 'timestamp', 'unbounded', 'property', 'function'].includes(b.type)) {
      throw new BuildError(`INTERVAL bounds must be instants, '..' or properties, not ${describe(b)}`);
    }
  }
  return { type: 'interval', start: start as IntervalBound, end: end as IntervalBound };
}

export function bboxNode(values: number[]): Node {
  if (values.length !== 4 && values.length !== 6) {
    throw new BuildError(`BBOX needs 4 or 6 numbers, got ${values.length}`);
  }
  if (!values.every(Number.isFinite)) throw new BuildError('BBOX values must be finite numbers');
  return { type: 'bbox', bbox: values };
}

function checkArgs(name: string, args: Node[], kinds: Set<string>, what: string): void {
  if (args.length !== 2) throw new BuildError(`${name.toUpperCase()} takes 2 arguments, got ${args.length}`);
  for (const a of args) {
    if (!kinds.has(a.type)) throw new BuildError(`${name.toUpperCase()} expects ${what}, not ${describe(a)}`);
  }
}

/** A function-style call: CASEI, ACCENTI, S_*, T_*, A_* or any other (kept as 'function'). */
export function callNode(name: string, args: Node[]): Node {
  const lower = name.toLowerCase();
  if (lower === 'casei' || lower === 'accenti') {
    if (args.length !== 1) throw new BuildError(`${name.toUpperCase()} takes 1 argument, got ${args.length}`);
    return { type: lower, arg: args[0] };
  }
  const op = canonicalOp(lower);
  if (op && SPATIAL.has(op)) {
    checkArgs(op, args, GEOMETRY_ARG, 'geometries (a property, a WKT/GeoJSON geometry or BBOX)');
    return { type: 'spatial', op: op as SpatialOp, left: args[0], right: args[1] };
  }
  if (op && TEMPORAL.has(op)) {
    checkArgs(op, args, TEMPORAL_ARG, 'instants or intervals');
    return { type: 'temporal', op: op as TemporalOp, left: args[0], right: args[1] };
  }
  if (op && ARRAYS.has(op)) {
    // ('a') in text is a parenthesised string: read a lone scalar as a one-element array.
    const wrapped = args.map((a): Node => (ARRAY_ARG.has(a.type) ? a : { type: 'array', items: [a] }));
    checkArgs(op, wrapped, ARRAY_ARG, 'arrays');
    return { type: 'arrayPredicate', op: op as ArrayOp, left: wrapped[0], right: wrapped[1] };
  }
  return { type: 'function', name, args };
}

/** Node kinds that evaluate to a boolean (predicates, TRUE/FALSE, functions, properties). */
export function isBooleanValued(n: Node): boolean {
  switch (n.type) {
    case 'logical': case 'not': case 'comparison': case 'like': case 'between': case 'in':
    case 'isNull': case 'spatial': case 'temporal': case 'arrayPredicate': case 'function': case 'property':
      return true;
    case 'literal': return typeof n.value === 'boolean';
    default: return false;
  }
}
