// AST shared by CQL2-Text and CQL2-JSON: both parsers must produce the same tree
// for the same expression (tests compare them with deepStrictEqual), so nodes
// carry no source positions and AND/OR are flattened in both.
import type { Geometry } from 'geojson';

export type ComparisonOp = '=' | '<>' | '<' | '>' | '<=' | '>=';
export type SpatialOp =
  | 's_intersects' | 's_equals' | 's_disjoint' | 's_touches'
  | 's_within' | 's_overlaps' | 's_crosses' | 's_contains';
export type TemporalOp =
  | 't_after' | 't_before' | 't_contains' | 't_disjoint' | 't_during' | 't_equals'
  | 't_finishedBy' | 't_finishes' | 't_intersects' | 't_meets' | 't_metBy'
  | 't_overlappedBy' | 't_overlaps' | 't_startedBy' | 't_starts';
export type ArrayOp = 'a_equals' | 'a_contains' | 'a_containedBy' | 'a_overlaps';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | 'div' | '^';

export const SPATIAL_OPS: readonly SpatialOp[] = [
  's_intersects', 's_equals', 's_disjoint', 's_touches', 's_within', 's_overlaps', 's_crosses', 's_contains',
];
export const TEMPORAL_OPS: readonly TemporalOp[] = [
  't_after', 't_before', 't_contains', 't_disjoint', 't_during', 't_equals', 't_finishedBy', 't_finishes',
  't_intersects', 't_meets', 't_metBy', 't_overlappedBy', 't_overlaps', 't_startedBy', 't_starts',
];
export const ARRAY_OPS: readonly ArrayOp[] = ['a_equals', 'a_contains', 'a_containedBy', 'a_overlaps'];
export const COMPARISON_OPS: readonly ComparisonOp[] = ['=', '<>', '<', '>', '<=', '>='];
export const ARITHMETIC_OPS: readonly ArithmeticOp[] = ['+', '-', '*', '/', '%', 'div', '^'];

export interface LogicalNode { type: 'logical'; op: 'and' | 'or'; args: Node[] }
export interface NotNode { type: 'not'; arg: Node }
export interface ComparisonNode { type: 'comparison'; op: ComparisonOp; left: Node; right: Node }
export interface LikeNode { type: 'like'; value: Node; pattern: Node }
export interface BetweenNode { type: 'between'; value: Node; low: Node; high: Node }
export interface InNode { type: 'in'; value: Node; list: Node[] }
export interface IsNullNode { type: 'isNull'; value: Node }
export interface SpatialNode { type: 'spatial'; op: SpatialOp; left: Node; right: Node }
export interface TemporalNode { type: 'temporal'; op: TemporalOp; left: Node; right: Node }
export interface ArrayPredicateNode { type: 'arrayPredicate'; op: ArrayOp; left: Node; right: Node }
export interface ArithmeticNode { type: 'arithmetic'; op: ArithmeticOp; left: Node; right: Node }
export interface CaseiNode { type: 'casei'; arg: Node }
export interface AccentiNode { type: 'accenti'; arg: Node }
/** Any other function call (parsed so the error can name it; none is supported). */
export interface FunctionNode { type: 'function'; name: string; args: Node[] }
export interface PropertyNode { type: 'property'; name: string }
export interface LiteralNode { type: 'literal'; value: string | number | boolean }
export interface DateNode { type: 'date'; value: string }
export interface TimestampNode { type: 'timestamp'; value: string }
/** The '..' end of a half-bounded interval. */
export interface UnboundedNode { type: 'unbounded' }
export type IntervalBound = DateNode | TimestampNode | UnboundedNode | PropertyNode | FunctionNode;
export interface IntervalNode { type: 'interval'; start: IntervalBound; end: IntervalBound }
/** GeoJSON geometry, coordinates as written (filter-crs axis order). */
export interface GeometryNode { type: 'geometry'; geometry: Geometry }
/** BBOX(minx, miny, maxx, maxy) or the 6-number 3D form. */
export interface BboxNode { type: 'bbox'; bbox: number[] }
export interface ArrayNode { type: 'array'; items: Node[] }

export type Node =
  | LogicalNode | NotNode | ComparisonNode | LikeNode | BetweenNode | InNode | IsNullNode
  | SpatialNode | TemporalNode | ArrayPredicateNode | ArithmeticNode | CaseiNode | AccentiNode
  | FunctionNode | PropertyNode | LiteralNode | DateNode | TimestampNode | UnboundedNode
  | IntervalNode | GeometryNode | BboxNode | ArrayNode;

/** A parsed filter: its root evaluates to a boolean. */
export type Expression = Node;

/** Children of a node, in source order (geometry coordinates are not nodes). */
export function children(n: Node): Node[] {
  switch (n.type) {
    case 'logical': return n.args;
    case 'not': case 'casei': case 'accenti': return [n.arg];
    case 'comparison': case 'spatial': case 'temporal': case 'arrayPredicate': case 'arithmetic':
      return [n.left, n.right];
    case 'like': return [n.value, n.pattern];
    case 'between': return [n.value, n.low, n.high];
    case 'in': return [n.value, ...n.list];
    case 'isNull': return [n.value];
    case 'function': return n.args;
    case 'interval': return [n.start, n.end];
    case 'array': return n.items;
    default: return [];
  }
}

/** AND/OR node with same-operator children merged, so (a AND b) AND c == a AND b AND c. */
export function logical(op: 'and' | 'or', args: Node[]): LogicalNode {
  const flat: Node[] = [];
  for (const a of args) {
    if (a.type === 'logical' && a.op === op) flat.push(...a.args);
    else flat.push(a);
  }
  return { type: 'logical', op, args: flat };
}

const FOLD = new Map<string, string>([
  ...SPATIAL_OPS, ...TEMPORAL_OPS, ...ARRAY_OPS,
].map((op) => [op.toLowerCase(), op]));

/** Canonical spelling (e.g. 't_finishedBy') of a function-style operator name, any case. */
export function canonicalOp(name: string): SpatialOp | TemporalOp | ArrayOp | undefined {
  return FOLD.get(name.toLowerCase()) as SpatialOp | TemporalOp | ArrayOp | undefined;
}
