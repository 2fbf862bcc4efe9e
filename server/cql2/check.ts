// Structural checks shared by both encodings, run after parsing: nesting depth
// and boolean operands where the grammar alone cannot tell (a property may be
// a boolean, so `NOT 5` is caught here rather than in the grammar).
import { children, type Node } from './ast.js';
import { describe, isBooleanValued } from './build.js';
import { Cql2Error, MAX_DEPTH } from './errors.js';

export function checkTree(root: Node): Node {
  // Iterative walk: the tree may be deeper than the limit (e.g. 1+1+1+…).
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length) {
    const [n, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) throw new Cql2Error(`filter is nested too deeply (more than ${MAX_DEPTH} levels)`);
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
