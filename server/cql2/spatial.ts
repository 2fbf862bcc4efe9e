// Spatial functions S_* (DE-9IM, OGC Simple Features). Literals are converted
// to CRS84 and prepared once. Per feature: an envelope test first, a direct
// point-in-polygon for points against areal literals (the common case), and
// JSTS's relate for everything else.
import type { Geometry } from 'geojson';
import PreparedGeometryFactory from 'jsts/org/locationtech/jts/geom/prep/PreparedGeometryFactory.js';
import RelateOp from 'jsts/org/locationtech/jts/operation/relate/RelateOp.js';
import 'jsts/org/locationtech/jts/monkey.js';
import type { Feature } from '../types.js';
import type { Node, SpatialNode, SpatialOp } from './ast.js';
import { describe } from './build.js';
import { Cql2Error } from './errors.js';
import {
  BOUNDARY, EXTERIOR, INTERIOR, bboxGeometry, envelopeInto, locatePoint, toJsts, type JstsGeometry,
} from './geometry.js';
import type { Scope } from './scope.js';
import type { BoolFn, Tri } from './values.js';

interface Matrix {
  isIntersects(): boolean; isDisjoint(): boolean; isWithin(): boolean; isContains(): boolean;
  isEquals(a: number, b: number): boolean; isTouches(a: number, b: number): boolean;
  isCrosses(a: number, b: number): boolean; isOverlaps(a: number, b: number): boolean;
}
interface Prepared { intersects(g: JstsGeometry): boolean }

const relate = (a: JstsGeometry, b: JstsGeometry): Matrix => RelateOp.relate(a, b) as Matrix;

const TESTS: Record<SpatialOp, (m: Matrix, da: number, db: number) => boolean> = {
  s_intersects: (m) => m.isIntersects(),
  s_disjoint: (m) => m.isDisjoint(),
  s_within: (m) => m.isWithin(),
  s_contains: (m) => m.isContains(),
  s_equals: (m, da, db) => m.isEquals(da, db),
  s_touches: (m, da, db) => m.isTouches(da, db),
  s_crosses: (m, da, db) => m.isCrosses(da, db),
  s_overlaps: (m, da, db) => m.isOverlaps(da, db),
};

/** A point (a) against a polygon (b), from the point's location. */
const POINT_IN_AREA: Record<SpatialOp, (loc: number) => boolean> = {
  s_intersects: (l) => l !== EXTERIOR,
  s_disjoint: (l) => l === EXTERIOR,
  s_within: (l) => l === INTERIOR,
  s_touches: (l) => l === BOUNDARY,
  s_contains: () => false,
  s_equals: () => false,
  s_crosses: () => false,
  s_overlaps: () => false,
};

/** Swapping the arguments: only within/contains change. */
const SWAP: Partial<Record<SpatialOp, SpatialOp>> = { s_within: 's_contains', s_contains: 's_within' };

interface Literal {
  geojson: Geometry;
  env: Float64Array;
  jsts: JstsGeometry;
  dim: number;
  prepared?: Prepared;
}

function literal(n: Node, scope: Scope): Literal {
  let g: Geometry = n.type === 'bbox' ? bboxGeometry(n.bbox) : (n as Node & { type: 'geometry' }).geometry;
  if (scope.transform) g = scope.transform(g);
  const env = new Float64Array(4);
  if (!envelopeInto(g, env)) throw new Cql2Error(`empty geometry literal in ${describe(n)}`);
  let jsts: JstsGeometry;
  try {
    jsts = toJsts(g);
  } catch (e) {
    throw new Cql2Error(`invalid geometry literal: ${(e as Error).message}`);
  }
  const lit: Literal = { geojson: g, env, jsts, dim: jsts.getDimension() };
  try {
    lit.prepared = PreparedGeometryFactory.prepare(jsts) as unknown as Prepared;
  } catch { /* collections: fall back to relate */ }
  return lit;
}

function isGeometryProperty(n: Node, scope: Scope): boolean {
  if (n.type === 'function') throw new Cql2Error(`unsupported function ${n.name}(): this server implements no CQL2 functions`);
  if (n.type !== 'property') return false;
  const info = scope.property(n.name);
  if (info.type !== 'geometry') throw new Cql2Error(`property "${n.name}" is not a geometry`);
  return true;
}

function evaluate(op: SpatialOp, a: JstsGeometry, b: Literal | JstsGeometry): Tri {
  try {
    const lit = 'jsts' in b ? b : undefined;
    if (lit?.prepared && (op === 's_intersects' || op === 's_disjoint')) {
      const hit = lit.prepared.intersects(a);
      return op === 's_intersects' ? hit : !hit;
    }
    const other = lit ? lit.jsts : (b as JstsGeometry);
    return TESTS[op](relate(a, other), a.getDimension(), lit ? lit.dim : other.getDimension());
  } catch {
    // Invalid input geometry (e.g. self-intersecting): unknown rather than a failed request.
    return null;
  }
}

/** Decides from envelopes alone when possible; undefined when relate is needed. */
function byEnvelope(op: SpatialOp, a: Float64Array, b: Float64Array): boolean | undefined {
  if (a[0] > b[2] || a[2] < b[0] || a[1] > b[3] || a[3] < b[1]) return op === 's_disjoint';
  if (op === 's_within' && (a[0] < b[0] || a[1] < b[1] || a[2] > b[2] || a[3] > b[3])) return false;
  if (op === 's_contains' && (b[0] < a[0] || b[1] < a[1] || b[2] > a[2] || b[3] > a[3])) return false;
  if (op === 's_equals' && (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2] || a[3] !== b[3])) return false;
  return undefined;
}

function featureVsLiteral(op: SpatialOp, lit: Literal, toLiteralCrs?: (g: Geometry) => Geometry): BoolFn {
  const areal = lit.geojson.type === 'Polygon' || lit.geojson.type === 'MultiPolygon'
    ? (lit.geojson as Parameters<typeof locatePoint>[2]) : undefined;
  const pointTest = POINT_IN_AREA[op];
  const env = new Float64Array(4);
  return (f: Feature) => {
    if (!f.geometry) return null;
    let g = f.geometry;
    if (toLiteralCrs) {
      try { g = toLiteralCrs(g); } catch { return null; }
    }
    if (areal && g.type === 'Point') {
      const x = g.coordinates[0], y = g.coordinates[1];
      const e = lit.env;
      if (x < e[0] || x > e[2] || y < e[1] || y > e[3]) return op === 's_disjoint';
      return pointTest(locatePoint(x, y, areal));
    }
    if (!envelopeInto(g, env)) return null;
    const quick = byEnvelope(op, env, lit.env);
    if (quick !== undefined) return quick;
    let a: JstsGeometry;
    try { a = toJsts(g); } catch { return null; }
    return evaluate(op, a, lit);
  };
}

export function spatial(n: SpatialNode, scope: Scope): BoolFn {
  const leftProp = isGeometryProperty(n.left, scope);
  const rightProp = isGeometryProperty(n.right, scope);
  if (leftProp && rightProp) {
    // Both sides are the feature's own geometry.
    const op = n.op;
    return (f) => {
      if (!f.geometry) return null;
      let g: JstsGeometry;
      try { g = toJsts(f.geometry); } catch { return null; }
      return evaluate(op, g, g);
    };
  }
  if (!leftProp && !rightProp) {
    const a = literal(n.left, scope), b = literal(n.right, scope);
    const v = evaluate(n.op, a.jsts, b);
    return () => v;
  }
  const op = leftProp ? n.op : SWAP[n.op] ?? n.op;
  return featureVsLiteral(op, literal(leftProp ? n.right : n.left, scope), scope.featureTransform);
}
