// OGC API – Features – Part 3 (Filtering) with CQL2, plus queryables, sortables, sortby,
// property selection and skipGeometry.
import { Router } from 'express';
import { baseUrl, collectionOr404, queryStrings, type ServerContext } from '../context.js';
import { InvalidParameterValue } from '../errors.js';
import { Cql2Error, CQL2_CONFORMANCE } from '../cql2/index.js';
import type { ApiPart } from '../part.js';
import type { SortKey } from '../sort.js';
import type { CollectionDefinition } from '../types.js';
import { astPredicate, filterPredicate, intersectRect, parseFilterParams } from '../query/predicate.js';
import type { ServedCollection } from '../catalog.js';
import { propertyJsonSchema } from '../query/property-types.js';
import { collectionCrumbs, schemaPage } from '../formats/html.js';
import { langOf, t, varyOnNegotiation } from '../i18n.js';
import { wantsHtml } from '../params/format.js';

const PART3 = 'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/';
export const FILTER_CONFORMANCE = [
  ...['filter', 'features-filter', 'queryables', 'queryables-query-parameters'].map((c) => PART3 + c),
  ...CQL2_CONFORMANCE,
  'http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting',
];

// Compiling a filter is the engine's (server/query/predicate.ts); tiles, views and compat import it from here too.
export { astPredicate, filterPredicate };

function parseSortby(raw: string | undefined, definition: CollectionDefinition): SortKey[] | undefined {
  if (raw === undefined) return undefined;
  const sortable = new Set(definition.properties.filter((p) => p.sortable).map((p) => p.name));
  return raw.split(',').map((term) => {
    const t = term.trim();
    const descending = t.startsWith('-');
    const property = t.replace(/^[+-]/, '').replace(/ (ASC|DESC)$/i, '');
    if (!sortable.has(property)) throw new InvalidParameterValue('sortby', `« ${property} » n'est pas triable ; voir /collections/${definition.id}/sortables`);
    return { property, descending: descending || / DESC$/i.test(t) };
  });
}

function parseBoolean(name: string, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new InvalidParameterValue(name, `« ${raw} » : true ou false attendu`);
}

function schemaDocument(ctx: ServerContext, base: string, collection: ServedCollection, kind: 'queryables' | 'sortables') {
  const { definition } = collection;
  const props = definition.properties.filter((p) => (kind === 'queryables' ? p.queryable !== false : p.sortable));
  const properties: Record<string, unknown> = {};
  if (kind === 'queryables' && definition.geometryType) {
    properties.geometry = { title: 'Géométrie', 'x-ogc-role': 'primary-geometry', format: `geometry-${definition.geometryType.toLowerCase()}` };
  }
  for (const p of props) {
    const schema = propertyJsonSchema(p);
    if (p.enum) schema.oneOf = Object.entries(p.enum).map(([code, label]) => ({ const: code, title: label }));
    properties[p.name] = schema;
  }
  const temporal = definition.temporal;
  if (temporal && properties[temporal.start]) {
    (properties[temporal.start] as Record<string, unknown>)['x-ogc-role'] = temporal.end ? 'primary-interval-start' : 'primary-instant';
    if (temporal.end && properties[temporal.end]) (properties[temporal.end] as Record<string, unknown>)['x-ogc-role'] = 'primary-interval-end';
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${base}/collections/${definition.id}/${kind}`,
    type: 'object',
    title: `${definition.title} — ${kind === 'queryables' ? 'propriétés filtrables' : 'propriétés triables'}`,
    properties,
    additionalProperties: false,
  };
}

export const filterPart: ApiPart = {
  name: 'filter',
  conformance: FILTER_CONFORMANCE,
  router: (ctx) => {
    const router = Router();
    for (const kind of ['queryables', 'sortables'] as const) {
      router.get(`/collections/:collectionId/${kind}`, (req, res) => {
        queryStrings(req, ['f']);
        const collection = collectionOr404(ctx, req.params.collectionId);
        const base = baseUrl(ctx, req);
        const doc = schemaDocument(ctx, base, collection, kind);
        const html = wantsHtml(req, 'application/schema+json');
        varyOnNegotiation(res, html);
        if (!html) { res.type('application/schema+json').send(JSON.stringify(doc)); return; }
        const lang = langOf(req);
        const { definition } = collection;
        res.type('html').send(schemaPage({
          base, lang, title: `${definition.title} — ${t(lang, kind).toLowerCase()}`, breadcrumbs: collectionCrumbs(base, lang, definition),
          links: [{ href: `${doc.$id}?f=json`, rel: 'alternate', type: 'application/schema+json' }],
        }, doc, `${doc.$id}?f=json`));
      });
    }
    return router;
  },
  items: {
    parameters: ['filter', 'filter-lang', 'filter-crs', 'sortby', 'properties', 'skipGeometry'],
    featureParameters: ['properties', 'skipGeometry'],
    apply(params, collection, plan) {
      const { definition } = collection;
      const parsed = parseFilterParams(params);
      if (parsed) {
        // Typed now, so that a bad filter is a 400 here; providers get the tree (indexes) and compile it once.
        let bbox;
        try { ({ bbox } = astPredicate(parsed.ast, definition, parsed.crs)); } catch (error) {
          if (error instanceof Cql2Error) throw new InvalidParameterValue('filter', error.message);
          throw error;
        }
        plan.where.filter = parsed.ast;
        plan.where.filterCrs = parsed.crs;
        plan.bbox = intersectRect(plan.bbox, bbox);
      }
      plan.sort = parseSortby(params.sortby, definition);
      if (params.properties !== undefined) {
        const known = new Set(definition.properties.map((p) => p.name));
        const wanted = params.properties.split(',').map((p) => p.trim()).filter((p) => p !== '');
        for (const name of wanted) if (!known.has(name)) throw new InvalidParameterValue('properties', `propriété « ${name} » inconnue`);
        plan.properties = wanted;
        plan.shapers.push((f) => ({ ...f, properties: Object.fromEntries(wanted.map((name) => [name, f.properties?.[name] ?? null])) }));
      }
      if (parseBoolean('skipGeometry', params.skipGeometry)) plan.shapers.push((f) => ({ ...f, geometry: null as any }));
    },
  },
  collection: (doc, collection, base) => {
    const id = collection.definition.id;
    doc.links.push(
      { href: `${base}/collections/${id}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: 'application/schema+json', title: 'Propriétés filtrables' },
      { href: `${base}/collections/${id}/sortables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/sortables', type: 'application/schema+json', title: 'Propriétés triables' },
    );
  },
  openapi: {
    itemsParameters: [
      { name: 'filter', in: 'query', description: 'Filtre CQL2 (texte ou JSON selon filter-lang)', schema: { type: 'string' } },
      { name: 'filter-lang', in: 'query', description: 'Encodage du filtre', schema: { type: 'string', enum: ['cql2-text', 'cql2-json'], default: 'cql2-text' } },
      { name: 'filter-crs', in: 'query', description: 'SRS des géométries littérales du filtre', schema: { type: 'string' } },
      { name: 'sortby', in: 'query', description: 'Tri : +prop,-prop (propriétés de /sortables)', style: 'form', explode: false, schema: { type: 'array', items: { type: 'string' } } },
      { name: 'properties', in: 'query', description: 'Propriétés à renvoyer', style: 'form', explode: false, schema: { type: 'array', items: { type: 'string' } } },
      { name: 'skipGeometry', in: 'query', description: 'Omettre la géométrie', schema: { type: 'boolean', default: false } },
    ],
    featureParameters: [
      { name: 'properties', in: 'query', description: 'Propriétés à renvoyer', style: 'form', explode: false, schema: { type: 'array', items: { type: 'string' } } },
      { name: 'skipGeometry', in: 'query', description: 'Omettre la géométrie', schema: { type: 'boolean', default: false } },
    ],
    paths: (catalog) => Object.fromEntries(catalog.list().flatMap(({ definition }) => ['queryables', 'sortables'].map((kind) => [
      `/collections/${definition.id}/${kind}`,
      { get: { summary: `${definition.title} : ${kind}`, operationId: `get${kind}_${definition.id}`, tags: [definition.id], responses: { 200: { description: 'JSON Schema', content: { 'application/schema+json': {}, 'text/html': {} } }, 404: { description: 'Collection inconnue' } } } },
    ]))),
  },
};
