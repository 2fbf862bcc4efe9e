// /collections/{id}/schema: the feature schema as JSON Schema 2020-12 (OGC API – Features –
// Part 5 style, with x-ogc-role), linked as `describedby` so clients (GDAL) get exact field types
// instead of guessing them from a first page.
import { Router } from 'express';
import { baseUrl, collectionOr404, queryStrings, type ServerContext } from '../context.js';
import type { ApiPart } from '../part.js';
import { collectionCrumbs, schemaPage } from '../formats/html.js';
import { langOf, t, varyOnNegotiation } from '../i18n.js';
import { wantsHtml } from '../params/format.js';
import type { CollectionDefinition } from '../types.js';
import { propertyJsonSchema } from '../query/property-types.js';

export const SCHEMA_MEDIA_TYPE = 'application/schema+json';

export { propertyJsonSchema };

export function featureSchema(definition: CollectionDefinition, id: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const p of definition.properties) properties[p.name] = propertyJsonSchema(p);
  if (definition.temporal) {
    (properties[definition.temporal.start] as Record<string, unknown>)['x-ogc-role'] = definition.temporal.end ? 'primary-interval-start' : 'primary-instant';
    if (definition.temporal.end) (properties[definition.temporal.end] as Record<string, unknown>)['x-ogc-role'] = 'primary-interval-end';
  }
  if (definition.idProperties.length === 1) (properties[definition.idProperties[0]] as Record<string, unknown>)['x-ogc-role'] = 'id';
  if (definition.geometryType) {
    properties.geometry = { 'x-ogc-role': 'primary-geometry', format: `geometry-${definition.geometryType.toLowerCase()}` };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id,
    type: 'object',
    title: definition.title,
    description: definition.description,
    properties,
  };
}

export const schemaPart: ApiPart = {
  name: 'schema',
  router: (ctx: ServerContext) => {
    const router = Router();
    router.get('/collections/:collectionId/schema', (req, res) => {
      queryStrings(req, ['f']);
      const { definition } = collectionOr404(ctx, req.params.collectionId);
      const base = baseUrl(ctx, req);
      const href = `${base}/collections/${definition.id}/schema`;
      const doc = featureSchema(definition, href);
      const html = wantsHtml(req, SCHEMA_MEDIA_TYPE);
      varyOnNegotiation(res, html);
      if (!html) { res.type(SCHEMA_MEDIA_TYPE).send(JSON.stringify(doc)); return; }
      const lang = langOf(req);
      res.type('html').send(schemaPage({
        base, lang, title: `${definition.title} — ${t(lang, 'featureSchema').toLowerCase()}`, breadcrumbs: collectionCrumbs(base, lang, definition),
        links: [{ href: `${href}?f=json`, rel: 'alternate', type: SCHEMA_MEDIA_TYPE }],
      }, doc, `${href}?f=json`));
    });
    return router;
  },
  collection: (doc, collection, base) => {
    doc.links.push({ href: `${base}/collections/${collection.definition.id}/schema`, rel: 'describedby', type: SCHEMA_MEDIA_TYPE, title: 'Schéma des entités (JSON Schema)' });
  },
  openapi: {
    paths: (catalog) => Object.fromEntries(catalog.list().map(({ definition }) => [`/collections/${definition.id}/schema`, {
      get: { summary: `${definition.title} : schéma des entités`, operationId: `getSchema_${definition.id}`, tags: [definition.id], responses: { 200: { description: 'JSON Schema', content: { [SCHEMA_MEDIA_TYPE]: {}, 'text/html': {} } } } },
    }])),
  },
};
