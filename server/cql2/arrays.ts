// Array functions A_*: both operands are read as sets (order and repeats ignored).
import type { ArrayOp, ArrayPredicateNode } from './ast.js';
import { Cql2Error } from './errors.js';
import type { Scope } from './scope.js';
import { arrayKey, compileValue, type BoolCompiler, type BoolFn, type Val } from './values.js';

type Members = (f: import('../types.js').Feature) => { has(x: unknown): boolean; items: unknown[] } | null;

function members(v: Val): Members {
  if (v.kind !== 'array' && v.kind !== 'any') throw new Cql2Error(`array functions expect arrays, not ${v.label}`);
  if (v.isConst) {
    const items = v.value as unknown[];
    const set = new Set(items);
    const m = { has: (x: unknown) => set.has(x), items: [...set] };
    return () => m;
  }
  const get = v.get;
  return (f) => {
    const raw = get(f) as unknown[] | null;
    if (raw == null) return null;
    // Small arrays: a linear scan beats building a Set per feature.
    const items = raw.map(arrayKey);
    return { has: (x) => items.includes(x), items };
  };
}

const TESTS: Record<ArrayOp, (a: ReturnType<Members> & object, b: ReturnType<Members> & object) => boolean> = {
  a_equals: (a, b) => a.items.every((x) => b.has(x)) && b.items.every((x) => a.has(x)),
  a_contains: (a, b) => b.items.every((x) => a.has(x)),
  a_containedBy: (a, b) => a.items.every((x) => b.has(x)),
  a_overlaps: (a, b) => a.items.some((x) => b.has(x)),
};

export function arrayPredicate(n: ArrayPredicateNode, scope: Scope, bools: BoolCompiler): BoolFn {
  const a = members(compileValue(n.left, scope, bools));
  const b = members(compileValue(n.right, scope, bools));
  const test = TESTS[n.op];
  return (f) => {
    const x = a(f);
    if (x === null) return null;
    const y = b(f);
    return y === null ? null : test(x, y);
  };
}
