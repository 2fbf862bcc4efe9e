// A QGIS layer definition (.qlr) per collection: QGIS's fastest way in. The layer reads the whole
// collection as one FlatGeobuf stream (`/vsicurl_streaming/…?f=fgb`: seconds), where paging through
// OGC API – Features takes QGIS tens of seconds; `?source=oapif` gives the OAPIF layer instead
// (paged, filtered per view extent: for collections too large to load whole).
import { Router } from 'express';
import { baseUrl, collectionOr404, queryStrings, type ServerContext } from '../context.js';
import { InvalidParameterValue } from '../errors.js';
import type { ApiPart } from '../part.js';
import type { CollectionDecorator } from './collections.js';
import { safeFileName } from './formats.js';

export const QLR_MEDIA_TYPE = 'application/x-qgis-layer-definition';

const EXCEPTION = { description: 'Erreur', content: { 'application/json': { schema: { $ref: '#/components/schemas/exception' } } } };

const xml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** QGIS's WKB type names for the layer's geometry (an empty geometry: a table). */
const WKB: Record<string, string> = {
  Point: 'Point', MultiPoint: 'MultiPoint', LineString: 'LineString', MultiLineString: 'MultiLineString',
  Polygon: 'Polygon', MultiPolygon: 'MultiPolygon',
};
const GEOMETRY: Record<string, string> = {
  Point: 'Point', MultiPoint: 'Point', LineString: 'Line', MultiLineString: 'Line', Polygon: 'Polygon', MultiPolygon: 'Polygon',
};

export function layerDefinition(options: { id: string; title: string; abstract: string; geometryType: string | null; source: string; provider: 'ogr' | 'OAPIF' }): string {
  const { id, title, source, provider } = options;
  const layerId = `${safeFileName(id)}_prelevements`;
  const wkb = options.geometryType ? WKB[options.geometryType] ?? 'Unknown' : 'NoGeometry';
  const geometry = options.geometryType ? GEOMETRY[options.geometryType] ?? 'Unknown geometry' : 'No geometry';
  return `<!DOCTYPE qgis-layer-definition>
<qlr>
  <layer-tree-group expanded="1" checked="Qt::Checked" name="">
    <customproperties/>
    <layer-tree-layer expanded="1" checked="Qt::Checked" id="${xml(layerId)}" name="${xml(title)}" source="${xml(source)}" providerKey="${provider}">
      <customproperties/>
    </layer-tree-layer>
  </layer-tree-group>
  <maplayers>
    <maplayer type="vector" geometry="${geometry}" wkbType="${wkb}">
      <id>${xml(layerId)}</id>
      <datasource>${xml(source)}</datasource>
      <layername>${xml(title)}</layername>
      <abstract>${xml(options.abstract)}</abstract>
      <srs>
        <spatialrefsys>
          <authid>EPSG:4326</authid>
        </spatialrefsys>
      </srs>
      <provider encoding="UTF-8">${provider}</provider>
    </maplayer>
  </maplayers>
</qlr>
`;
}

const decorator: CollectionDecorator = (doc, collection, base) => {
  doc.links.push({ href: `${base}/collections/${collection.definition.id}/qgis.qlr`, rel: 'alternate', type: QLR_MEDIA_TYPE, title: 'Couche QGIS (.qlr, FlatGeobuf en flux : le chargement le plus rapide)' });
};

export const qgisPart: ApiPart = {
  name: 'qgis',
  collection: decorator,
  openapi: {
    paths: (catalog) => Object.fromEntries(catalog.list().map(({ definition: d }) => [`/collections/${d.id}/qgis.qlr`, { get: {
      summary: `${d.title} : couche QGIS (.qlr)`, operationId: `getQgisLayer_${d.id}`, tags: [d.id],
      parameters: [{ name: 'source', in: 'query', description: 'fgb (le flux FlatGeobuf, par défaut) ou oapif (pagination OGC API)', schema: { type: 'string', enum: ['fgb', 'oapif'], default: 'fgb' } }],
      responses: { 200: { description: 'Définition de couche QGIS', content: { [QLR_MEDIA_TYPE]: { schema: { type: 'string' } } } },
        400: EXCEPTION, 404: EXCEPTION },
    } }])),
  },
  router: (ctx: ServerContext) => {
    const router = Router();
    router.get('/collections/:collectionId/qgis.qlr', (req, res) => {
      const { definition } = collectionOr404(ctx, req.params.collectionId as string);
      const params = queryStrings(req, ['source']);
      const kind = params.source ?? 'fgb';
      if (kind !== 'fgb' && kind !== 'oapif') throw new InvalidParameterValue('source', `« ${kind} » : fgb ou oapif attendu`);
      const base = baseUrl(ctx, req);
      const source = kind === 'fgb'
        ? `/vsicurl_streaming/${base}/collections/${encodeURIComponent(definition.id)}/items?f=fgb`
        : `url='${base}' typename='${definition.id}'`;
      res.type(QLR_MEDIA_TYPE)
        .set('Content-Disposition', `attachment; filename="${safeFileName(definition.id)}${kind === 'oapif' ? '-oapif' : ''}.qlr"`)
        .send(layerDefinition({ id: definition.id, title: definition.title, abstract: definition.description, geometryType: definition.geometryType, source, provider: kind === 'fgb' ? 'ogr' : 'OAPIF' }));
    });
    return router;
  },
};
