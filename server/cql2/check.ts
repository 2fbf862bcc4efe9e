// Structural checks shared by both encodings, run after parsing: nesting depth
// and boolean operands where the grammar alone cannot tell (a property may be
// a boolean, so `NOT 5` is caught here rather than in the grammar).
import type { Geometry } from 'geojson';
import { children, type Node } from './ast.js';
import { describe, isBooleanValued } from './build.js';
import { Cql2Error, MAX_COORDINATES, MAX_DEPTH, MAX_LIST_ITEMS } from './errors.js';

/** Positions of a geometry (nested collections included); stops counting past `max`. */
function positions(g: Geometry, max: number): number {
  if (g.type === 'GeometryCollection') return g.geometries.reduce((n, c) => (n > max ? n : n + positions(c, max)), 0);
  let n = 0;
  const walk = (c: unknown): void => {
    if (n > max || !Array.isArray(c)) return;
    if (typeof c[0] === 'number') { n++; return; }
    for (const x of c) walk(x);
  };
  walk(g.coordinates);
  return n;
}

export function checkTree(root: Node): Node {
  // Iterative walk: the tree may be deeper than the limit (e.g. 1+1+1+…).
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length) {
    const [n, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) throw new Cql2Error(`filter is nested too deeply (more than ${MAX_DEPTH} levels)`);
    // Bounds on what one literal may hold (memory and time of every evaluation), in French as the other 400s.
    if (n.type === 'in' && n.list.length > MAX_LIST_ITEMS) throw new Cql2Error(`liste IN trop longue : ${n.list.length} valeurs, au plus ${MAX_LIST_ITEMS}`);
    if (n.type === 'array' && n.items.length > MAX_LIST_ITEMS) throw new Cql2Error(`tableau trop long : ${n.items.length} éléments, au plus ${MAX_LIST_ITEMS}`);
    if (n.type === 'geometry' && positions(n.geometry, MAX_COORDINATES) > MAX_COORDINATES) throw new Cql2Error(`géométrie trop détaillée : plus de ${MAX_COORDINATES} positions`);
    if (n.type === 'logical' || n.type === 'not') {
      const args = n.type === 'not' ? [n.arg] : n.args;
      for (const a of args) {
        if (!isBooleanValued(a)) {
          throw new Cql2Error(`${n.type === 'not' ? 'NOT' : n.op.toUpperCase()} expects boolean operands, not ${describe(a)}`);
        }
      }
    }
    for (const c of children(n)) stack.push([c, depth + 1]);
  }
  if (!isBooleanValued(root)) throw new Cql2Error(`a filter must be a boolean expression, not ${describe(root)}`);
  return root;
}
