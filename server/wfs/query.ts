// A GetFeature/GetPropertyValue query planned on the engine: the type from the caller's catalog,
// FES/BBOX/RESOURCEID as one CQL2 tree compiled by server/cql2, the bbox pushed to the R-tree.
import type { ServedCollection } from '../catalog.js';
import type { Catalog } from '../catalog.js';
import { logical, type Node } from '../cql2/ast.js';
import { checkTree } from '../cql2/check.js';
import { compile, Cql2Error, extractBbox, usedProperties } from '../cql2/index.js';
import { CRS84, makeTransformer } from '../crs/index.js';
import { MAX_SORTED_DEPTH } from '../routes/items.js';
import { compareBy, topK, type SortKey } from '../sort.js';
import { withNeeds, type Feature, type FeaturePredicate, type Rect } from '../types.js';
import { GEOMETRY } from './config.js';
import { DEFAULT_SRS, parseSrsName, type SrsChoice } from './crs.js';
import { invalid, WfsException } from './errors.js';
import { FesTranslator, idCondition } from './fes.js';
import type { QuerySpec } from './request.js';
import type { XmlElement } from './xml.js';

export interface PlannedQuery {
  collection: ServedCollection;
  srs: SrsChoice;
  bbox?: Rect;
  predicate?: FeaturePredicate;
  sort?: SortKey[];
  /** Properties written, in the definition's order; the geometry when `geometry` is true. */
  properties: string[];
  geometry: boolean;
  /** Key of the filter for the count cache. */
  key: string;
}

/** The type a request is about: TYPENAMES, or the prefix of its resource ids (`type.id`). */
export function resolveType(catalog: Catalog, spec: QuerySpec): ServedCollection {
  let names = spec.typeNames;
  if (names.length === 0 && spec.resourceIds?.length) {
    names = [...new Set(spec.resourceIds.map((rid) => rid.split('.')[0]))];
  }
  if (names.length === 0) throw new WfsException('MissingParameterValue', 'typeNames', 'Paramètre « typeNames » manquant');
  if (names.length > 1) throw new WfsException('OperationProcessingFailed', 'typeNames', 'un seul type par requête (pas de jointure)');
  const collection = catalog.get(names[0]);
  if (!collection) throw invalid('typeNames', `type « ${names[0]} » inconnu ; voir GetCapabilities`);
  return collection;
}

/** KVP BBOX as the gml:Envelope a FES BBOX would carry (CRS: its 5th member, else the default). */
function bboxEnvelope(spec: QuerySpec): XmlElement {
  const { coords, crs } = spec.bbox!;
  const srs = crs ? parseSrsName(crs, 'bbox') : DEFAULT_SRS;
  const [x0, y0, x1, y1] = coords;
  if (x0 > x1 || y0 > y1) throw invalid('bbox', 'minx > maxx ou miny > maxy');
  const corner = (name: string, text: string): XmlElement => ({ name, attrs: {}, children: [], text });
  return { name: 'Envelope', attrs: { srsName: srs.name }, text: '', children: [corner('lowerCorner', `${x0} ${y0}`), corner('upperCorner', `${x1} ${y1}`)] };
}

export function planQuery(catalog: Catalog, spec: QuerySpec, outputSrs: string | undefined, defaultSrs = DEFAULT_SRS): PlannedQuery {
  const collection = resolveType(catalog, spec);
  const { definition } = collection;
  const srs = outputSrs ? parseSrsName(outputSrs, 'srsName') : defaultSrs;
  const translator = new FesTranslator({ definition, defaultSrs: spec.srsName ? srs : DEFAULT_SRS });
  const parts: Node[] = [];
  try {
    if (spec.filter) parts.push(translator.filter(spec.filter));
    if (spec.bbox) {
      if (!definition.geometryType) throw invalid('bbox', `le type « ${definition.id} » n'a pas de géométrie`);
      parts.push(translator.filter({ name: 'BBOX', attrs: {}, text: '', children: [bboxEnvelope(spec)] }));
    }
    if (spec.resourceIds?.length) {
      const ids = spec.resourceIds.map((rid) => (rid.startsWith(`${definition.id}.`) ? rid.slice(definition.id.length + 1) : rid))
        .map((id) => idCondition(definition, id)).filter((n): n is Node => n !== undefined);
      parts.push(ids.length === 0 ? { type: 'literal', value: false } : ids.length === 1 ? ids[0] : logical('or', ids));
    }
  } catch (error) {
    if (error instanceof WfsException && error.locator === 'filter' && spec.bbox && !spec.filter) throw new WfsException(error.code, 'bbox', error.message);
    throw error;
  }
  let predicate: FeaturePredicate | undefined;
  let bbox: Rect | undefined;
  const ast = parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : logical('and', parts);
  if (ast) {
    try {
      checkTree(ast);
      const test = compile(ast, { properties: new Map(definition.properties.map((p) => [p.name, { type: p.type }])), temporal: definition.temporal, geometryProperties: [GEOMETRY] });
      const used = usedProperties(ast);
      const known = new Set(definition.properties.map((p) => p.name));
      predicate = withNeeds(test, used.filter((p) => known.has(p)), used.some((p) => !known.has(p)));
      bbox = extractBbox(ast, { geometryProperties: [GEOMETRY] });
    } catch (error) {
      if (error instanceof Cql2Error) throw invalid(spec.filter ? 'filter' : spec.bbox ? 'bbox' : 'resourceId', error.message);
      throw error;
    }
  }
  const sortable = new Set(definition.properties.filter((p) => p.sortable).map((p) => p.name));
  const sort = spec.sortBy?.map((s) => {
    if (!sortable.has(s.property)) throw invalid('sortBy', `« ${s.property} » n'est pas triable ; triables : ${[...sortable].join(', ')}`);
    return s;
  });
  const known = new Set(definition.properties.map((p) => p.name));
  let properties = definition.properties.map((p) => p.name);
  let geometry = definition.geometryType !== null;
  if (spec.propertyNames?.length) {
    for (const name of spec.propertyNames) if (!known.has(name) && name !== GEOMETRY) throw invalid('propertyName', `propriété « ${name} » inconnue`);
    const wanted = new Set(spec.propertyNames);
    properties = properties.filter((p) => wanted.has(p));
    geometry = geometry && wanted.has(GEOMETRY);
  }
  return { collection, srs, bbox, predicate, sort, properties, geometry, key: JSON.stringify(ast ?? null) };
}

export interface Page { features: AsyncIterable<Feature>; numberMatched: number }

/** numberMatched first (GML writes it on the root element), then the page, stably ordered. */
export async function runQuery(q: PlannedQuery, startIndex: number, count: number, cachedCount?: number): Promise<Page> {
  const { provider } = q.collection;
  let numberMatched = cachedCount;
  if (numberMatched === undefined) {
    const counting = await provider.query({ bbox: q.bbox, predicate: q.predicate, offset: 0, limit: 0, count: true });
    for await (const _ of counting.features) { /* limit 0: nothing */ }
    numberMatched = (await counting.numberMatched()) ?? 0;
  }
  if (count === 0 || startIndex >= numberMatched) return { features: (async function* none() { /* empty */ })(), numberMatched };
  if (q.sort) {
    if (startIndex + count > MAX_SORTED_DEPTH) throw invalid('startIndex', `avec sortBy, startIndex + count ne peut dépasser ${MAX_SORTED_DEPTH}`);
    const { top } = await topK(provider.scan(q.bbox, q.predicate), startIndex + count, compareBy(q.sort));
    return { features: (async function* page() { yield* top.slice(startIndex); })(), numberMatched };
  }
  const result = await provider.query({ bbox: q.bbox, predicate: q.predicate, offset: startIndex, limit: count, count: false });
  return { features: result.features, numberMatched };
}

/** Reprojection of the engine's CRS84 geometries to the query's srsName. */
export function outputTransform(srs: SrsChoice) {
  return makeTransformer(CRS84, srs.crs);
}
