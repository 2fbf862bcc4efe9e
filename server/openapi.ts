// OpenAPI 3.0 document built from the same collection definitions the routes serve.
import type { Catalog } from './catalog.js';
import type { ServiceInfo } from './context.js';
import { propertyParameterSchema } from './query/property-types.js';

export interface OpenApiParameter { name: string; in: 'query'; description: string; required?: boolean; style?: string; explode?: boolean; schema: Record<string, unknown> }

/** Parameters added by extensions (crs, filter…) are declared by them. */
export interface OpenApiContribution {
  itemsParameters?: OpenApiParameter[]; featureParameters?: OpenApiParameter[]; paths?: (catalog: Catalog) => Record<string, unknown>; itemsMediaTypes?: string[];
  /** Extra `f` values accepted on items (csv, fgb…). */
  itemsFormats?: string[];
  /** The same for a single feature. */
  featureMediaTypes?: string[];
  featureFormats?: string[];
}

const exception = { description: 'Erreur', content: { 'application/json': { schema: { $ref: '#/components/schemas/exception' } } } };

export function buildOpenApi(info: ServiceInfo, base: string, catalog: Catalog, contributions: OpenApiContribution[]): Record<string, unknown> {
  const core: OpenApiParameter[] = [
    { name: 'f', in: 'query', description: 'Format de la réponse (sinon : en-tête Accept)', schema: { type: 'string', enum: ['json', 'html'] } },
  ];
  // A reusable component, as OGC's own building block: QGIS reads the page size it asks for (default and
  // maximum of `limit`) from #/components/parameters/limit only.
  const limit: OpenApiParameter = {
    name: 'limit', in: 'query', required: false, style: 'form', explode: false,
    description: "Nombre maximal d'entités (défaut 10, plafonné à 10 000)", schema: { type: 'integer', minimum: 1, maximum: 10000, default: 10 },
  };
  const itemsCommon: (OpenApiParameter | { $ref: string })[] = [
    { $ref: '#/components/parameters/limit' },
    { name: 'offset', in: 'query', description: "Rang de la première entité (pagination)", schema: { type: 'integer', minimum: 0, default: 0 } },
    { name: 'bbox', in: 'query', description: 'Emprise minLon,minLat,maxLon,maxLat (CRS84)', style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } } },
    { name: 'datetime', in: 'query', description: 'Instant ou intervalle RFC 3339 (.. pour ouvert)', schema: { type: 'string' } },
    ...contributions.flatMap((c) => c.itemsParameters ?? []),
  ];
  const itemsMedia = ['application/geo+json', 'text/html', ...contributions.flatMap((c) => c.itemsMediaTypes ?? [])];
  const exportFormats = contributions.flatMap((c) => c.itemsFormats ?? []);
  const itemsF: OpenApiParameter = exportFormats.length === 0 ? core[0] : {
    ...core[0], description: `${core[0].description} ; sans limit, ${exportFormats.join(', ')} renvoient tout le résultat`,
    schema: { type: 'string', enum: ['json', 'html', ...exportFormats] },
  };
  const featureMedia = ['application/geo+json', 'text/html', ...contributions.flatMap((c) => c.featureMediaTypes ?? [])];
  const featureExtra = contributions.flatMap((c) => c.featureFormats ?? []);
  const featureF: OpenApiParameter = featureExtra.length === 0 ? core[0] : { ...core[0], schema: { type: 'string', enum: ['json', 'html', ...featureExtra] } };
  const paths: Record<string, unknown> = {
    '/': { get: { summary: "Page d'accueil", operationId: 'getLandingPage', parameters: core, responses: { 200: { description: "Page d'accueil" } } } },
    '/conformance': { get: { summary: 'Classes de conformité', operationId: 'getConformance', parameters: core, responses: { 200: { description: 'Classes de conformité' } } } },
    '/api': { get: { summary: 'Ce document', operationId: 'getApi', parameters: core, responses: { 200: { description: 'OpenAPI 3.0' } } } },
    '/collections': { get: { summary: 'Collections', operationId: 'getCollections', parameters: core, responses: { 200: { description: 'Collections' }, 400: exception } } },
  };
  for (const { definition } of catalog.list()) {
    const id = definition.id;
    const propertyParameters: OpenApiParameter[] = definition.properties.filter((p) => p.queryable !== false).map((p) => ({
      name: p.name, in: 'query', style: 'form', explode: false, description: `${p.title} (égalité ; plusieurs valeurs séparées par des virgules)`, schema: propertyParameterSchema(p),
    }));
    paths[`/collections/${id}`] = { get: { summary: definition.title, operationId: `describe_${id}`, tags: [id], parameters: core, responses: { 200: { description: 'Collection' }, 404: exception } } };
    paths[`/collections/${id}/items`] = { get: {
      summary: `${definition.title} : entités`, operationId: `getFeatures_${id}`, tags: [id],
      parameters: [itemsF, ...itemsCommon, ...propertyParameters],
      responses: {
        200: { description: 'Entités', content: Object.fromEntries(itemsMedia.map((m) => [m, m === 'application/geo+json' ? { schema: { $ref: '#/components/schemas/featureCollection' } } : {}])) },
        400: exception, 406: exception,
      },
    } };
    paths[`/collections/${id}/items/{featureId}`] = { get: {
      summary: `${definition.title} : une entité`, operationId: `getFeature_${id}`, tags: [id],
      parameters: [{ name: 'featureId', in: 'path', required: true, description: `Identifiant (${definition.idProperties.join(' + ')})`, schema: { type: 'string' } }, featureF, ...contributions.flatMap((c) => c.featureParameters ?? [])],
      responses: { 200: { description: 'Entité', content: Object.fromEntries(featureMedia.map((m) => [m, {}])) }, 404: exception, 406: exception },
    } };
  }
  for (const c of contributions) Object.assign(paths, c.paths?.(catalog) ?? {});
  return {
    openapi: '3.0.3',
    info: { title: info.title, description: info.description, version: '1.0.0', license: { name: 'Licence Ouverte 2.0', url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/' } },
    servers: [{ url: base }],
    tags: catalog.list().map(({ definition }) => ({ name: definition.id, description: definition.title })),
    paths,
    components: {
      parameters: { limit },
      schemas: {
        exception: { type: 'object', required: ['code'], properties: { code: { type: 'string' }, description: { type: 'string' } } },
        featureCollection: { type: 'object', required: ['type', 'features'], properties: {
          type: { type: 'string', enum: ['FeatureCollection'] }, features: { type: 'array', items: { type: 'object' } },
          numberMatched: { type: 'integer' }, numberReturned: { type: 'integer' }, timeStamp: { type: 'string', format: 'date-time' }, links: { type: 'array', items: { type: 'object' } },
        } },
      },
    },
  };
}
