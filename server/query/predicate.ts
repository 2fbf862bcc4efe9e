// The generic fallback of the query contract: declarative conditions (query parameters, CQL2,
// datetime) compiled into one predicate, for providers that can only scan. Also the parsing of
// the parameters that make those conditions, shared by items, tiles, views and the compat APIs.
import type { Geometry } from 'geojson';
import { compile, Cql2Error, extractBbox, parseFilter, usedProperties, type FilterLang, type Node } from '../cql2/index.js';
import { CRS84, CrsError, isCrs84, isLonLatEquivalent, makeTransformer, parseCrs, transformRect, type CrsInfo } from '../crs/index.js';
import { InvalidParameterValue } from '../errors.js';
import type { Interval } from '../params/datetime.js';
import { withNeeds, type CollectionDefinition, type Feature, type FeaturePredicate, type PropertyDefinition, type ProviderQuery, type QueryConditions, type Rect } from '../types.js';

function typedValue(property: PropertyDefinition, raw: string): unknown {
  switch (property.type) {
    case 'integer':
    case 'number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value) || (property.type === 'integer' && !Number.isInteger(value))) {
        throw new InvalidParameterValue(property.name, `« ${raw} » n'est pas un ${property.type === 'integer' ? 'entier' : 'nombre'}`);
      }
      return value;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new InvalidParameterValue(property.name, `« ${raw} » : true ou false attendu`);
      return raw === 'true';
    default:
      return raw;
  }
}

/** `?code_departement=18,36&code_usage=AEP`: equality, comma = one of (as Hub'Eau). Validates values. */
export function parseEquals(definition: CollectionDefinition, query: Record<string, string>): Record<string, unknown[]> | undefined {
  const equals: Record<string, unknown[]> = {};
  let any = false;
  for (const property of definition.properties) {
    const raw = query[property.name];
    if (raw === undefined || property.queryable === false) continue;
    equals[property.name] = [...new Set(raw.split(',').map((v) => typedValue(property, v)))];
    any = true;
  }
  return any ? equals : undefined;
}

/** The predicate of property equalities (definition order, as parsed). */
export function equalsPredicate(definition: CollectionDefinition, equals: Record<string, unknown[]> | undefined): FeaturePredicate | undefined {
  if (!equals) return undefined;
  const tests: FeaturePredicate[] = [];
  for (const property of definition.properties) {
    const list = equals[property.name];
    if (!list) continue;
    const values = new Set(list);
    const name = property.name;
    if (property.type === 'array') {
      tests.push(withNeeds((f) => {
        const items = f.properties[name];
        return Array.isArray(items) && items.some((v) => values.has(v));
      }, [name]));
    } else if (values.size === 1) {
      const only = [...values][0];
      tests.push(withNeeds((f) => f.properties[name] === only, [name]));
    } else {
      tests.push(withNeeds((f) => values.has(f.properties[name]), [name]));
    }
  }
  return and(tests);
}

/** parseEquals then equalsPredicate (tiles and older callers). */
export function propertyPredicate(definition: CollectionDefinition, query: Record<string, string>): FeaturePredicate | undefined {
  return equalsPredicate(definition, parseEquals(definition, query));
}

const YEAR_MS = (year: number, end: boolean) => (end ? Date.UTC(year, 11, 31, 23, 59, 59, 999) : Date.UTC(year, 0, 1));

/** Interval intersection on the collection's temporal properties; unknown ends are open. */
export function datetimePredicate(definition: CollectionDefinition, interval: Interval | undefined): FeaturePredicate | undefined {
  const temporal = definition.temporal;
  if (!interval) return undefined;
  if (!temporal) throw new InvalidParameterValue('datetime', "cette collection n'a pas de propriété temporelle");
  const qStart = interval.start ?? -Infinity;
  const qEnd = interval.end ?? Infinity;
  const unknown = new Set(temporal.unknownValues ?? []);
  const read = (value: unknown, end: boolean): number | null => {
    if (value === null || value === undefined) return null;
    if (temporal.kind === 'year') return YEAR_MS(Number(value), end);
    const text = String(value);
    if (unknown.has(text)) return null;
    const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    return Number.isNaN(ms) ? null : end && text.length === 10 ? ms + 86_399_999 : ms;
  };
  const startName = temporal.start;
  const endName = temporal.end ?? temporal.start;
  return withNeeds((f: Feature) => {
    const start = read(f.properties[startName], false) ?? -Infinity;
    const end = read(f.properties[endName], true) ?? Infinity;
    return start <= qEnd && end >= qStart;
  }, [...new Set([startName, endName])]);
}

export function and(tests: (FeaturePredicate | undefined)[]): FeaturePredicate | undefined {
  const list = tests.filter((t): t is FeaturePredicate => t !== undefined);
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  const known = list.every((t) => t.needs);
  const test = (f: Feature) => { for (const t of list) if (!t(f)) return false; return true; };
  return known ? withNeeds(test, [...new Set(list.flatMap((t) => t.needs!.properties))], list.some((t) => t.needs!.geometry)) : test;
}

/** The `filter`, `filter-lang` and `filter-crs` parameters, parsed (not yet typed against a collection). */
export function parseFilterParams(params: Record<string, string>): { ast: Node; crs: CrsInfo } | undefined {
  const text = params.filter;
  const lang = (params['filter-lang'] ?? 'cql2-text') as FilterLang;
  if (lang !== 'cql2-text' && lang !== 'cql2-json') throw new InvalidParameterValue('filter-lang', `« ${lang} » : cql2-text ou cql2-json attendu`);
  let crs = CRS84;
  if (params['filter-crs'] !== undefined) {
    try { crs = parseCrs(params['filter-crs']); } catch (error) {
      if (error instanceof CrsError) throw new InvalidParameterValue('filter-crs', error.message);
      throw error;
    }
  }
  if (text === undefined) return undefined;
  try {
    return { ast: parseFilter(text, lang), crs };
  } catch (error) {
    if (error instanceof Cql2Error) throw new InvalidParameterValue('filter', error.message);
    throw error;
  }
}

/** Compiles `filter` for a collection; shared by items, tiles and views. */
export function filterPredicate(params: Record<string, string>, definition: CollectionDefinition): { predicate?: FeaturePredicate; bbox?: Rect } {
  const parsed = parseFilterParams(params);
  if (!parsed) return {};
  try {
    return astPredicate(parsed.ast, definition, parsed.crs);
  } catch (error) {
    if (error instanceof Cql2Error) throw new InvalidParameterValue('filter', error.message);
    throw error;
  }
}

/** The CQL2 compile context of a collection (property types, temporal, filter-crs transforms). */
export function compileContext(definition: CollectionDefinition, filterCrs: CrsInfo = CRS84) {
  // Literals in CRS84 or EPSG:4326 are converted once (an axis swap at most). In a projected
  // filter-crs, features are converted instead: a literal's straight edges stay straight where drawn.
  const projected = !isLonLatEquivalent(filterCrs);
  const transformGeometry: ((g: Geometry) => Geometry) | undefined = isCrs84(filterCrs) || projected ? undefined : makeTransformer(filterCrs, CRS84);
  const featureTransform = projected ? makeTransformer(CRS84, filterCrs) : undefined;
  return {
    properties: new Map(definition.properties.map((p) => [p.name, { type: p.type }])),
    temporal: definition.temporal,
    transformGeometry,
    featureTransform,
  };
}

/**
 * A CQL2 tree compiled for a collection: the predicate (with the properties it reads) and the
 * box the R-tree can use. Shared by `filter` and by APIs that map their own parameters onto CQL2.
 * Throws Cql2Error.
 */
export function astPredicate(ast: Node, definition: CollectionDefinition, filterCrs: CrsInfo = CRS84): { predicate: FeaturePredicate; bbox?: Rect } {
  const context = compileContext(definition, filterCrs);
  const test = compile(ast, context);
  const used = usedProperties(ast);
  const known = new Set(definition.properties.map((p) => p.name));
  const predicate = withNeeds(test, used.filter((p) => known.has(p)), used.some((p) => !known.has(p)));
  // The R-tree wants a CRS84 rectangle holding every candidate: the literal's envelope, transformed.
  const envelope = extractBbox(ast, { transformGeometry: context.transformGeometry });
  return { predicate, bbox: envelope && context.featureTransform ? transformRect(envelope, filterCrs, CRS84) : envelope };
}

const compiled = new WeakMap<QueryConditions, FeaturePredicate | null>();

/** The conditions as one predicate (datetime, equalities, CQL2: the order items always used); memoised. */
export function wherePredicate(where: QueryConditions | undefined): FeaturePredicate | undefined {
  if (!where) return undefined;
  let predicate = compiled.get(where);
  if (predicate === undefined) {
    const { definition } = where;
    predicate = and([
      datetimePredicate(definition, where.datetime),
      equalsPredicate(definition, where.equals),
      where.filter ? astPredicate(where.filter, definition, where.filterCrs).predicate : undefined,
    ]) ?? null;
    compiled.set(where, predicate);
  }
  return predicate ?? undefined;
}

/** Everything a query asks, as one predicate: its conditions and its opaque predicate. */
export function queryPredicate(query: Pick<ProviderQuery, 'where' | 'predicate'>): FeaturePredicate | undefined {
  return and([wherePredicate(query.where), query.predicate]);
}

/** Whether a query has any condition besides its bbox. */
export function hasConditions(query: Pick<ProviderQuery, 'where' | 'predicate'>): boolean {
  const w = query.where;
  return !!query.predicate || !!(w && (w.filter || w.datetime || (w.equals && Object.keys(w.equals).length)));
}

export function intersectRect(a: Rect | undefined, b: Rect | undefined): Rect | undefined {
  if (!a) return b;
  if (!b) return a;
  return { minX: Math.max(a.minX, b.minX), minY: Math.max(a.minY, b.minY), maxX: Math.min(a.maxX, b.maxX), maxY: Math.min(a.maxY, b.maxY) };
}
