// Evaluating a query's declarative conditions over columns (a provider's column index) instead of
// decoded features. Every leaf is evaluated with the engine's own compiled semantics (CQL2 in
// three-valued logic, equalities, datetime), once per distinct value for dictionary columns and
// per feature over plain arrays otherwise, so an index answer equals a scan's by construction.
import { compileTri, usedProperties, type Node } from '../cql2/index.js';
import type { Feature, QueryConditions } from '../types.js';
import { compileContext, datetimePredicate, equalsPredicate } from './predicate.js';

export type ColumnData =
  | { kind: 'dict'; values: unknown[]; codes: Uint8Array | Uint16Array }
  | { kind: 'f64'; numbers: Float64Array };

export interface NumberInterval { low: number; high: number; lowOpen: boolean; highOpen: boolean }

/** What a provider offers: columns in storage order, by name. */
export interface ColumnStore {
  readonly featuresCount: number;
  kind(name: string): 'dict' | 'f64' | undefined;
  load(name: string): Promise<ColumnData>;
  /** An f64 column with a sorted index not worth loading whole: positionsIn answers intervals. */
  hasSorted?(name: string): boolean;
  positionsIn?(name: string, intervals: NumberInterval[]): Promise<{ hits: Uint32Array[]; nulls: Uint32Array }>;
}

/** Per feature: 0 false, 1 true, 2 unknown (SQL null). */
type TriArray = Uint8Array;
const FALSE = 0, TRUE = 1, UNKNOWN = 2;

/**
 * `exact`: the mask is the conditions' answer (1 = match). Otherwise it is an upper bound: 1 =
 * may match (the conditions must still be tested), anything else cannot.
 */
export interface ColumnsAnswer { mask: TriArray; exact: boolean }

type Tri = boolean | null;
const triOf = (x: Tri) => (x === true ? TRUE : x === false ? FALSE : UNKNOWN);

class Evaluator {
  private loaded = new Map<string, Promise<ColumnData>>();
  constructor(private store: ColumnStore, private skip: Set<string>) {}

  private column(name: string): Promise<ColumnData> {
    let c = this.loaded.get(name);
    if (!c) this.loaded.set(name, (c = this.store.load(name)));
    return c;
  }

  /** Whether every property is a column (array properties never are). */
  covers(names: string[]): boolean {
    return names.every((n) => !this.skip.has(n) && this.store.kind(n) !== undefined);
  }

  /**
   * `number-column op number`, BETWEEN and IN with number literals over an f64 column: one loop
   * without a call per feature (the same comparisons as cql2/compare.ts; NaN is null → unknown).
   */
  async numeric(node: Node): Promise<TriArray | undefined> {
    const num = (x: Node) => (x.type === 'literal' && typeof x.value === 'number' ? x.value : undefined);
    const prop = (x: Node) => (x.type === 'property' && this.store.kind(x.name) === 'f64' && !this.skip.has(x.name) ? x.name : undefined);
    let name: string | undefined;
    let low = -Infinity, high = Infinity, lowOpen = false, highOpen = false, not = false;
    let list: Set<number> | undefined;
    if (node.type === 'comparison') {
      const flip: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=', '<>': '<>' };
      let op: string = node.op;
      let c = num(node.right);
      name = prop(node.left);
      if (name === undefined || c === undefined) { name = prop(node.right); c = num(node.left); op = flip[op]; }
      if (name === undefined || c === undefined) return undefined;
      if (op === '=' || op === '<>') { low = high = c; not = op === '<>'; }
      else if (op === '<') { high = c; highOpen = true; } else if (op === '<=') high = c;
      else if (op === '>') { low = c; lowOpen = true; } else low = c;
    } else if (node.type === 'between') {
      name = prop(node.value);
      const a = num(node.low), b = num(node.high);
      if (name === undefined || a === undefined || b === undefined) return undefined;
      low = a; high = b;
    } else if (node.type === 'in') {
      name = prop(node.value);
      const values = node.list.map(num);
      if (name === undefined || values.some((v) => v === undefined)) return undefined;
      list = new Set(values as number[]);
    } else return undefined;
    if (this.store.hasSorted?.(name) && this.store.positionsIn) {
      // Through the sorted index: only the matching positions are read.
      const intervals: NumberInterval[] = list
        ? [...list].map((v) => ({ low: v, high: v, lowOpen: false, highOpen: false }))
        : not
          ? [{ low: -Infinity, high: low, lowOpen: false, highOpen: true }, { low: high, high: Infinity, lowOpen: true, highOpen: false }]
          : [{ low, high, lowOpen, highOpen }];
      const { hits, nulls } = await this.store.positionsIn(name, intervals);
      const out = new Uint8Array(this.store.featuresCount); // FALSE
      for (const slice of hits) for (let k = 0; k < slice.length; k++) out[slice[k]] = TRUE;
      for (let k = 0; k < nulls.length; k++) out[nulls[k]] = UNKNOWN;
      return out;
    }
    const column = await this.column(name);
    if (column.kind !== 'f64') return undefined;
    const x = column.numbers;
    const out = new Uint8Array(x.length);
    if (list) {
      for (let i = 0; i < x.length; i++) { const v = x[i]; out[i] = v !== v ? UNKNOWN : list.has(v) ? TRUE : FALSE; }
      return out;
    }
    const yes = not ? FALSE : TRUE, no = not ? TRUE : FALSE;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v !== v) { out[i] = UNKNOWN; continue; }
      const inside = (lowOpen ? v > low : v >= low) && (highOpen ? v < high : v <= high);
      out[i] = inside ? yes : no;
    }
    return out;
  }

  /** A test reading only `names`, over every feature. */
  async leaf(names: string[], test: (f: Feature) => Tri): Promise<TriArray> {
    const n = this.store.featuresCount;
    const out = new Uint8Array(n);
    const properties: Record<string, unknown> = {};
    const feature: Feature = { id: '', index: 0, geometry: null, properties };
    if (names.length === 0) return out.fill(triOf(test(feature)));
    const columns = await Promise.all(names.map((name) => this.column(name)));
    if (columns.length === 1 && columns[0].kind === 'dict') {
      // Once per distinct value, then a table lookup per feature.
      const { values, codes } = columns[0];
      const table = new Uint8Array(values.length);
      for (let code = 0; code < values.length; code++) { properties[names[0]] = values[code]; table[code] = triOf(test(feature)); }
      for (let i = 0; i < n; i++) out[i] = table[codes[i]];
      return out;
    }
    const readers = columns.map((c) => (c.kind === 'dict'
      ? (i: number) => c.values[c.codes[i]]
      : (i: number) => { const v = c.numbers[i]; return Number.isNaN(v) ? null : v; }));
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < names.length; k++) properties[names[k]] = readers[k](i);
      out[i] = triOf(test(feature));
    }
    return out;
  }
}

function and(parts: TriArray[]): TriArray {
  const out = parts[0];
  for (let p = 1; p < parts.length; p++) {
    const b = parts[p];
    for (let i = 0; i < out.length; i++) {
      const x = out[i], y = b[i];
      out[i] = x === FALSE || y === FALSE ? FALSE : x === UNKNOWN || y === UNKNOWN ? UNKNOWN : TRUE;
    }
  }
  return out;
}

function or(parts: TriArray[]): TriArray {
  const out = parts[0];
  for (let p = 1; p < parts.length; p++) {
    const b = parts[p];
    for (let i = 0; i < out.length; i++) {
      const x = out[i], y = b[i];
      out[i] = x === TRUE || y === TRUE ? TRUE : x === UNKNOWN || y === UNKNOWN ? UNKNOWN : FALSE;
    }
  }
  return out;
}

interface Partial { tri: TriArray; exact: boolean }

async function evalNode(node: Node, ev: Evaluator, context: ReturnType<typeof compileContext>): Promise<Partial | undefined> {
  if (node.type === 'logical') {
    const parts = await Promise.all(node.args.map((a) => evalNode(a, ev, context)));
    const known = parts.filter((p): p is Partial => p !== undefined);
    // AND: the known conjuncts bound the answer; OR: every branch must be known.
    if (node.op === 'or' && known.length < parts.length) return undefined;
    if (known.length === 0) return undefined;
    const tri = node.op === 'and' ? and(known.map((p) => p.tri)) : or(known.map((p) => p.tri));
    return { tri, exact: known.length === parts.length && known.every((p) => p.exact) };
  }
  if (node.type === 'not') {
    const inner = await evalNode(node.arg, ev, context);
    if (!inner?.exact) return undefined; // NOT of a bound is no bound
    const tri = inner.tri;
    for (let i = 0; i < tri.length; i++) tri[i] = tri[i] === TRUE ? FALSE : tri[i] === FALSE ? TRUE : UNKNOWN;
    return inner;
  }
  const names = usedProperties(node);
  if (!ev.covers(names)) return undefined;
  const fast = await ev.numeric(node);
  if (fast) return { tri: fast, exact: true };
  // Compiled as the scan compiles it (same context): the semantics are the engine's.
  return { tri: await ev.leaf(names, compileTri(node, context)), exact: true };
}

/**
 * The conditions evaluated over the store's columns; undefined when no condition is covered by a
 * column (then the caller scans). `skip`: properties the store must not answer for (e.g. arrays).
 */
export async function evaluateColumns(where: QueryConditions, store: ColumnStore, skip: Set<string> = new Set()): Promise<ColumnsAnswer | undefined> {
  const { definition } = where;
  const ev = new Evaluator(store, new Set([...skip, ...definition.properties.filter((p) => p.type === 'array').map((p) => p.name)]));
  const parts: (Partial | undefined)[] = [];
  let conditions = 0;
  if (where.datetime) {
    conditions++;
    const t = definition.temporal!;
    const names = [...new Set([t.start, t.end ?? t.start])];
    const test = datetimePredicate(definition, where.datetime)!;
    parts.push(ev.covers(names) ? { tri: await ev.leaf(names, test), exact: true } : undefined);
  }
  for (const [name, values] of Object.entries(where.equals ?? {})) {
    conditions++;
    const test = equalsPredicate(definition, { [name]: values })!;
    parts.push(ev.covers([name]) ? { tri: await ev.leaf([name], test), exact: true } : undefined);
  }
  if (where.filter) {
    conditions++;
    parts.push(await evalNode(where.filter, ev, compileContext(definition, where.filterCrs)));
  }
  const known = parts.filter((p): p is Partial => p !== undefined);
  if (known.length === 0) return undefined;
  return { mask: and(known.map((p) => p.tri)), exact: known.length === conditions && known.every((p) => p.exact) };
}

/** How many positions the mask says TRUE. */
export function countMatches(mask: TriArray): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === TRUE) count++;
  return count;
}

/** The TRUE positions ranked offset to offset+limit-1 (a page), without listing the others. */
export function pagePositions(mask: TriArray, offset: number, limit: number): Uint32Array {
  const out: number[] = [];
  let rank = 0;
  for (let i = 0; i < mask.length && out.length < limit; i++) if (mask[i] === TRUE && rank++ >= offset) out.push(i);
  return Uint32Array.from(out);
}

/** Positions (ascending) whose mask is TRUE, optionally among sorted candidates. */
export function matchingPositions(mask: TriArray, candidates?: Uint32Array): Uint32Array {
  let count = 0;
  if (candidates) {
    for (let k = 0; k < candidates.length; k++) if (mask[candidates[k]] === TRUE) count++;
    const out = new Uint32Array(count);
    for (let k = 0, j = 0; k < candidates.length; k++) if (mask[candidates[k]] === TRUE) out[j++] = candidates[k];
    return out;
  }
  for (let i = 0; i < mask.length; i++) if (mask[i] === TRUE) count++;
  const out = new Uint32Array(count);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i] === TRUE) out[j++] = i;
  return out;
}
