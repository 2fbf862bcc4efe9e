// Query planning helpers: a bounding box the spatial index can use, and the
// properties a filter reads.
import type { Geometry } from 'geojson';
import type { Rect } from '../types.js';
import { children, type Node } from './ast.js';
import { bboxGeometry, envelopeOf } from './geometry.js';

export interface BboxOptions {
  /** Same as the compile context's: literals are in filter-crs. */
  transformGeometry?: (g: Geometry) => Geometry;
  /** Names denoting the feature geometry (default ['geometry']). */
  geometryProperties?: string[];
}

function intersect(a: Rect, b: Rect): Rect | undefined {
  const r = { minX: Math.max(a.minX, b.minX), minY: Math.max(a.minY, b.minY), maxX: Math.min(a.maxX, b.maxX), maxY: Math.min(a.maxY, b.maxY) };
  return r.minX <= r.maxX && r.minY <= r.maxY ? r : undefined;
}

function union(a: Rect, b: Rect): Rect {
  return { minX: Math.min(a.minX, b.minX), minY: Math.min(a.minY, b.minY), maxX: Math.max(a.maxX, b.maxX), maxY: Math.max(a.maxY, b.maxY) };
}

/**
 * A rectangle every matching feature's geometry intersects, when the filter
 * implies one: S_INTERSECTS/S_WITHIN/S_CONTAINS/S_EQUALS/S_TOUCHES/S_CROSSES/
 * S_OVERLAPS of the geometry and a literal, in an AND (or in every branch of
 * an OR). The full filter must still be evaluated on the candidates.
 */
export function extractBbox(expr: Node, options: BboxOptions = {}): Rect | undefined {
  const names = new Set(options.geometryProperties ?? ['geometry']);
  const visit = (n: Node): Rect | undefined => {
    if (n.type === 'logical' && n.op === 'and') {
      let acc: Rect | undefined;
      for (const a of n.args) {
        const r = visit(a);
        // An empty intersection matches nothing: keep the first box (still correct).
        if (r) acc = acc ? intersect(acc, r) ?? acc : r;
      }
      return acc;
    }
    if (n.type === 'logical' && n.op === 'or') {
      let acc: Rect | undefined;
      for (const a of n.args) {
        const r = visit(a);
        if (!r) return undefined;
        acc = acc ? union(acc, r) : r;
      }
      return acc;
    }
    if (n.type !== 'spatial' || n.op === 's_disjoint') return undefined;
    const isGeom = (x: Node) => x.type === 'property' && names.has(x.name);
    const lit = isGeom(n.left) ? n.right : isGeom(n.right) ? n.left : undefined;
    if (!lit || (lit.type !== 'geometry' && lit.type !== 'bbox')) return undefined;
    let g: Geometry = lit.type === 'bbox' ? bboxGeometry(lit.bbox) : lit.geometry;
    if (options.transformGeometry) g = options.transformGeometry(g);
    return envelopeOf(g);
  };
  return visit(expr);
}

/** Property names a filter reads, each once, in order of appearance. */
export function usedProperties(expr: Node): string[] {
  const seen = new Set<string>();
  const stack: Node[] = [expr];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'property') seen.add(n.name);
    stack.push(...children(n).reverse());
  }
  return [...seen];
}
