// CQL2-JSON → AST. Validates the structure as it goes; every error names the
// JSON path of the offending member (e.g. `$.args[1].interval[0]`).
import type { Geometry, Position } from 'geojson';
import { logical, COMPARISON_OPS, ARITHMETIC_OPS, type Node, type ComparisonOp, type ArithmeticOp } from './ast.js';
import {
  BuildError, bboxNode, callNode, dateNode, describe, intervalBound, intervalNode, timestampNode,
} from './build.js';
import { checkTree } from './check.js';
import { Cql2Error, MAX_DEPTH, MAX_FILTER_LENGTH, positionOf } from './errors.js';

const COMPARISON = new Set<string>(COMPARISON_OPS);
const ARITHMETIC = new Set<string>(ARITHMETIC_OPS);
const GEOMETRY_TYPES = new Set(['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon']);

function fail(path: string, message: string): never {
  throw new Cql2Error(`invalid CQL2 JSON at ${path}: ${message}`, { path });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Runs a build.ts constructor, turning its error into one at `path`. */
function at<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BuildError) fail(path, e.message);
    throw e;
  }
}

function arity(path: string, op: string, args: unknown[], n: number): void {
  if (args.length !== n) fail(`${path}.args`, `"${op}" takes ${n} argument${n > 1 ? 's' : ''}, got ${args.length}`);
}

function position(v: unknown, path: string): Position {
  if (!Array.isArray(v) || v.length < 2 || v.length > 4 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    fail(path, 'a position must be an array of 2 or 3 numbers');
  }
  return v as Position;
}

function positions(v: unknown, path: string, min: number, what: string): Position[] {
  if (!Array.isArray(v) || v.length < min) fail(path, `${what} needs at least ${min} positions`);
  return v.map((p, i) => position(p, `${path}[${i}]`));
}

function ring(v: unknown, path: string): Position[] {
  const r = positions(v, path, 4, 'a polygon ring');
  const a = r[0], b = r[r.length - 1];
  if (a[0] !== b[0] || a[1] !== b[1]) fail(path, 'a polygon ring must be closed (first position = last position)');
  return r;
}

function list<T>(v: unknown, path: string, item: (x: unknown, p: string) => T, min = 1): T[] {
  if (!Array.isArray(v) || v.length < min) fail(path, `expected an array of at least ${min} element${min > 1 ? 's' : ''}`);
  return v.map((x, i) => item(x, `${path}[${i}]`));
}

/** A GeoJSON geometry object, checked and copied without extra members (such as bbox). */
function geometry(v: Record<string, unknown>, path: string, depth: number): Geometry {
  if (depth > MAX_DEPTH) fail(path, `nested too deeply (more than ${MAX_DEPTH} levels)`);
  const type = v.type;
  const c = v.coordinates;
  const cp = `${path}.coordinates`;
  switch (type) {
    case 'Point': return { type, coordinates: position(c, cp) };
    case 'LineString': return { type, coordinates: positions(c, cp, 2, 'a line string') };
    case 'Polygon': return { type, coordinates: list(c, cp, ring) };
    case 'MultiPoint': return { type, coordinates: list(c, cp, position) };
    case 'MultiLineString': return { type, coordinates: list(c, cp, (x, p) => positions(x, p, 2, 'a line string')) };
    case 'MultiPolygon': return { type, coordinates: list(c, cp, (x, p) => list(x, p, ring)) };
    case 'GeometryCollection':
      return {
        type,
        geometries: list(v.geometries, `${path}.geometries`, (g, p) => {
          if (!isObject(g) || typeof g.type !== 'string') fail(p, 'expected a GeoJSON geometry object');
          return geometry(g, p, depth + 1);
        }),
      };
    default:
      return fail(`${path}.type`, `unknown geometry type ${JSON.stringify(type)}`);
  }
}

function str(v: unknown, path: string, what: string): string {
  if (typeof v !== 'string') fail(path, `${what} must be a string, not ${typeName(v)}`);
  return v;
}

function intervalEnd(v: unknown, path: string, depth: number): Node {
  if (typeof v === 'string') return at(path, () => intervalBound(v));
  return node(v, path, depth);
}

/** One operand or predicate at `path`. */
function node(v: unknown, path: string, depth: number): Node {
  if (depth > MAX_DEPTH) fail(path, `nested too deeply (more than ${MAX_DEPTH} levels)`);
  switch (typeof v) {
    case 'boolean': case 'string': return { type: 'literal', value: v };
    case 'number':
      if (!Number.isFinite(v)) fail(path, 'numbers must be finite');
      return { type: 'literal', value: v };
    default:
  }
  if (Array.isArray(v)) return { type: 'array', items: v.map((x, i) => node(x, `${path}[${i}]`, depth + 1)) };
  if (!isObject(v)) fail(path, `unexpected ${typeName(v)}`);

  if ('op' in v) return operation(v, path, depth);
  if ('property' in v) return { type: 'property', name: str(v.property, `${path}.property`, 'a property name') };
  if ('date' in v) return at(`${path}.date`, () => dateNode(str(v.date, `${path}.date`, 'a date')));
  if ('timestamp' in v) return at(`${path}.timestamp`, () => timestampNode(str(v.timestamp, `${path}.timestamp`, 'a timestamp')));
  if ('interval' in v) {
    const p = `${path}.interval`;
    if (!Array.isArray(v.interval) || v.interval.length !== 2) fail(p, 'an interval is an array of 2 bounds');
    const [a, b] = v.interval.map((x, i) => intervalEnd(x, `${p}[${i}]`, depth + 1));
    return at(p, () => intervalNode(a, b));
  }
  if ('bbox' in v && !('type' in v)) {
    const p = `${path}.bbox`;
    if (!Array.isArray(v.bbox) || !v.bbox.every((x) => typeof x === 'number')) fail(p, 'a bbox is an array of numbers');
    return at(p, () => bboxNode(v.bbox as number[]));
  }
  if (typeof v.type === 'string' && (GEOMETRY_TYPES.has(v.type) || v.type === 'GeometryCollection')) {
    return { type: 'geometry', geometry: geometry(v, path, depth) };
  }
  if (isObject(v.function)) {
    // Pre-release encoding: { "function": { "name": …, "args": […] } }.
    const f = v.function;
    const name = str(f.name, `${path}.function.name`, 'a function name');
    const args = f.args === undefined ? [] : list(f.args, `${path}.function.args`, (x, p) => node(x, p, depth + 1), 0);
    return at(path, () => callNode(name, args));
  }
  return fail(path, `unrecognised object with members ${JSON.stringify(Object.keys(v))}`);
}

function operation(v: Record<string, unknown>, path: string, depth: number): Node {
  const op = str(v.op, `${path}.op`, '"op"');
  if (!Array.isArray(v.args)) fail(`${path}.args`, `"${op}" needs an "args" array`);
  const raw = v.args;
  const args = (): Node[] => raw.map((x, i) => node(x, `${path}.args[${i}]`, depth + 1));
  const lower = op.toLowerCase();
  switch (lower) {
    case 'and': case 'or': {
      if (raw.length < 2) fail(`${path}.args`, `"${op}" needs at least 2 arguments, got ${raw.length}`);
      return logical(lower, args());
    }
    case 'not':
      arity(path, op, raw, 1);
      return { type: 'not', arg: args()[0] };
    case 'like': {
      arity(path, op, raw, 2);
      const [value, pattern] = args();
      return { type: 'like', value, pattern };
    }
    case 'between': {
      arity(path, op, raw, 3);
      const [value, low, high] = args();
      return { type: 'between', value, low, high };
    }
    case 'in': {
      arity(path, op, raw, 2);
      const value = node(raw[0], `${path}.args[0]`, depth + 1);
      const items = raw[1];
      if (!Array.isArray(items)) fail(`${path}.args[1]`, `"in" needs an array of values, not ${typeName(items)}`);
      return { type: 'in', value, list: items.map((x, i) => node(x, `${path}.args[1][${i}]`, depth + 2)) };
    }
    case 'isnull':
      arity(path, op, raw, 1);
      return { type: 'isNull', value: args()[0] };
    default:
  }
  if (COMPARISON.has(op)) {
    arity(path, op, raw, 2);
    const [left, right] = args();
    return { type: 'comparison', op: op as ComparisonOp, left, right };
  }
  if (ARITHMETIC.has(lower)) {
    arity(path, op, raw, 2);
    const [left, right] = args();
    return { type: 'arithmetic', op: lower as ArithmeticOp, left, right };
  }
  const built = at(path, () => callNode(op, args()));
  if (built.type === 'function' && !/^[\p{L}_:][\p{L}\p{N}_:.]*$/u.test(op)) fail(`${path}.op`, `unknown operator "${op}"`);
  return built;
}

/** Parses an already decoded CQL2-JSON value (the result of JSON.parse). */
export function parseJson(value: unknown): Node {
  const root = node(value, '$', 1);
  if (root.type === 'array') fail('$', `a filter must be a boolean expression, not ${describe(root)}`);
  return checkTree(root);
}

/** Decodes and parses a CQL2-JSON document given as text. */
export function parseJsonText(text: string): Node {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new Cql2Error(`filter is too long: ${text.length} characters, at most ${MAX_FILTER_LENGTH}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : undefined;
    throw new Cql2Error(`invalid CQL2 JSON: ${message}`, offset === undefined ? {} : { position: positionOf(text, offset) });
  }
  return parseJson(value);
}
