// The compat paths in /api: the same table the routes serve, for the collections the caller sees.
import type { Catalog } from '../catalog.js';
import type { OpenApiParameter } from '../openapi.js';
import type { PropertyDefinition } from '../types.js';
import type { CompatApi, CompatEndpoint, ParameterRule } from './api.js';

const exception = { description: 'Erreur', content: { 'application/json': {} } };

function schemaOf(rule: ParameterRule, property: PropertyDefinition | undefined): Record<string, unknown> {
  if (rule.kind === 'activeOn') return { type: 'string', format: 'date' };
  // Lists travel as comma-separated text; a single bound keeps the property's type.
  const type = property?.type === 'integer' || property?.type === 'number' || property?.type === 'boolean' ? property.type : 'string';
  return rule.kind === 'min' || rule.kind === 'max' ? { type } : { type: 'string' };
}

function parameters(api: CompatApi, endpoint: CompatEndpoint, properties: PropertyDefinition[]): OpenApiParameter[] {
  const byName = new Map(properties.map((p) => [p.name, p]));
  const mapped = Object.entries(endpoint.parameters).map(([name, rule]): OpenApiParameter => {
    const property = byName.get('property' in rule ? rule.property : rule.start);
    const what = rule.kind === 'min' ? 'minimum' : rule.kind === 'max' ? 'maximum' : rule.kind === 'activeOn' ? 'en exploitation ce jour' : 'une ou plusieurs valeurs, séparées par des virgules';
    return { name, in: 'query', description: `${property?.title ?? name} (${what})`, schema: schemaOf(rule, property) };
  });
  const spatial: OpenApiParameter[] = [
    ...(endpoint.bbox ? [{ name: 'bbox', in: 'query' as const, description: 'Emprise lonMin,latMin,lonMax,latMax (WGS84)', style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } } }] : []),
    ...(endpoint.distance ? [
      { name: 'distance', in: 'query' as const, description: 'Rayon en km autour de latitude, longitude', schema: { type: 'number' } },
      { name: 'latitude', in: 'query' as const, description: 'Latitude du centre (WGS84)', schema: { type: 'number' } },
      { name: 'longitude', in: 'query' as const, description: 'Longitude du centre (WGS84)', schema: { type: 'number' } },
    ] : []),
  ];
  const { defaultSize, maxSize, maxDepth, depthLimit } = api.paging;
  return [...mapped, ...spatial,
    { name: 'fields', in: 'query', description: 'Champs renvoyés, séparés par des virgules', schema: { type: 'string' } },
    { name: 'format', in: 'query', description: 'Format de la réponse', schema: { type: 'string', enum: endpoint.formats, default: endpoint.formats[0] } },
    { name: 'sort', in: 'query', description: `Tri sur ${endpoint.sortKeys.join(', ')}`, schema: { type: 'string', enum: ['asc', 'desc'] } },
    { name: 'page', in: 'query', description: depthLimit ? `Numéro de page (page × size ≤ ${maxDepth})` : 'Numéro de page', schema: { type: 'integer', minimum: 1, default: 1 } },
    { name: 'size', in: 'query', description: 'Taille de page', schema: { type: 'integer', minimum: 1, maximum: maxSize, default: defaultSize } },
    { name: 'cursor', in: 'query', description: 'Pagination profonde : * pour commencer, puis les liens next', schema: { type: 'string' } },
  ];
}

export function compatPaths(api: CompatApi, catalog: Catalog): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const endpoint of api.endpoints) {
    const collection = catalog.get(endpoint.collection);
    if (!collection) continue;
    const params = parameters(api, endpoint, collection.definition.properties);
    const responses = (media: string) => ({
      200: { description: 'Dernière page', content: { [media]: {} } },
      206: { description: "D'autres pages suivent (lien next)", content: { [media]: {} } },
      400: exception, 401: exception, 403: exception,
    });
    const id = `${api.name}${endpoint.path.replace(/\W+/g, '_')}`;
    paths[`${api.prefix}${endpoint.path}`] = { get: { summary: `${collection.definition.title} (${api.name})`, operationId: id, tags: [endpoint.collection], parameters: params, responses: responses('application/json') } };
    paths[`${api.prefix}${endpoint.path}.csv`] = { get: { summary: `${collection.definition.title} (${api.name}, CSV)`, operationId: `${id}_csv`, tags: [endpoint.collection], parameters: params.filter((p) => p.name !== 'format'), responses: responses('text/csv') } };
  }
  return paths;
}
