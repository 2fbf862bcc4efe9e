// compile(): AST → (feature) => boolean. The tree is walked once; evaluation
// runs closures only. Predicates use SQL three-valued logic internally
// (true / false / null = unknown); a feature matches only when true.
import type { FeaturePredicate } from '../types.js';
import type { Node } from './ast.js';
import { arrayPredicate } from './arrays.js';
import { describe } from './build.js';
import { between, comparison, inList, isNull, like } from './compare.js';
import { Cql2Error } from './errors.js';
import { Scope, type CompileContext } from './scope.js';
import { spatial } from './spatial.js';
import { temporal } from './temporal.js';
import { compileValue, type BoolFn, type Tri } from './values.js';

function and(fns: BoolFn[]): BoolFn {
  if (fns.length === 2) {
    const [a, b] = fns;
    return (f) => {
      const x = a(f);
      if (x === false) return false;
      const y = b(f);
      if (y === false) return false;
      return x === null || y === null ? null : true;
    };
  }
  return (f) => {
    let unknown = false;
    for (let i = 0; i < fns.length; i++) {
      const x = fns[i](f);
      if (x === false) return false;
      if (x === null) unknown = true;
    }
    return unknown ? null : true;
  };
}

function or(fns: BoolFn[]): BoolFn {
  return (f) => {
    let unknown = false;
    for (let i = 0; i < fns.length; i++) {
      const x = fns[i](f);
      if (x === true) return true;
      if (x === null) unknown = true;
    }
    return unknown ? null : false;
  };
}

function compileBool(n: Node, scope: Scope): BoolFn {
  const value = (x: Node) => compileValue(x, scope, compileBool);
  switch (n.type) {
    case 'logical': {
      const fns = n.args.map((a) => compileBool(a, scope));
      return n.op === 'and' ? and(fns) : or(fns);
    }
    case 'not': {
      const inner = compileBool(n.arg, scope);
      return (f) => { const x = inner(f); return x === null ? null : !x; };
    }
    case 'comparison': return comparison(n.op, value(n.left), value(n.right));
    case 'like': return like(value(n.value), value(n.pattern));
    case 'between': return between(value(n.value), value(n.low), value(n.high));
    case 'in': return inList(value(n.value), n.list.map(value));
    case 'isNull':
      if (n.value.type === 'interval') throw new Cql2Error('IS NULL does not apply to an INTERVAL');
      return isNull(value(n.value));
    case 'spatial': return spatial(n, scope);
    case 'temporal': return temporal(n, scope);
    case 'arrayPredicate': return arrayPredicate(n, scope, compileBool);
    case 'literal':
      if (typeof n.value === 'boolean') { const v = n.value; return () => v; }
      break;
    case 'property': {
      const v = value(n);
      if (v.kind !== 'boolean') throw new Cql2Error(`${v.label} is not a boolean and cannot be used as a condition`);
      const get = v.get;
      return (f): Tri => { const x = get(f); return x == null ? null : x === true; };
    }
    case 'function':
      throw new Cql2Error(`unsupported function ${n.name}(): this server implements no CQL2 functions`);
    default:
  }
  throw new Cql2Error(`expected a boolean expression, not ${describe(n)}`);
}

/**
 * Compiles a parsed filter once into a predicate. Throws Cql2Error for unknown
 * properties, type mismatches and unsupported functions.
 */
export function compile(expr: Node, ctx: CompileContext): FeaturePredicate {
  const fn = compileBool(expr, new Scope(ctx));
  return (f) => fn(f) === true;
}

/** The same, three-valued (true / false / null = unknown): lets an index evaluate any subtree exactly. */
export function compileTri(expr: Node, ctx: CompileContext): (f: import('../types.js').Feature) => Tri {
  return compileBool(expr, new Scope(ctx));
}
