// OGC CQL2 (OGC 21-065) for OGC API - Features - Part 3: Filtering.
//   const ast = parseFilter(text, 'cql2-text');
//   const bbox = extractBbox(ast, { transformGeometry });   // R-tree push-down
//   const predicate = compile(ast, { properties, temporal, transformGeometry });
import type { Node } from './ast.js';
import { parseJsonText } from './json.js';
import { parseText } from './text.js';

export type * from './ast.js';
export { Cql2Error, MAX_COORDINATES, MAX_DEPTH, MAX_FILTER_LENGTH, MAX_LIST_ITEMS, type Cql2Position } from './errors.js';
export { parseText } from './text.js';
export { parseJson } from './json.js';
export { compile, compileTri } from './evaluate.js';
export type { CompileContext } from './scope.js';
export { extractBbox, usedProperties, type BboxOptions } from './plan.js';

export type FilterLang = 'cql2-text' | 'cql2-json';

/** Parses a filter given as text in either encoding (the `filter` and `filter-lang` parameters). */
export function parseFilter(text: string, lang: FilterLang): Node {
  return lang === 'cql2-json' ? parseJsonText(text) : parseText(text);
}

const CONF = 'http://www.opengis.net/spec/cql2/1.0/conf/';

/** Conformance classes implemented, for /conformance. */
export const CQL2_CONFORMANCE: string[] = [
  'cql2-text', 'cql2-json', 'basic-cql2', 'advanced-comparison-operators', 'case-insensitive-comparison',
  'accent-insensitive-comparison', 'basic-spatial-functions', 'basic-spatial-functions-plus',
  'spatial-functions', 'temporal-functions', 'array-functions', 'property-property', 'arithmetic',
].map((c) => CONF + c);
