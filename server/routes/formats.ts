// Export formats of items: CSV (Hub'Eau style), FlatGeobuf, GeoJSON text sequences. Each is
// chosen by `f` or Accept; without `limit` the whole result streams out, with it one page.
import type { Response } from 'express';
import type { ServedCollection } from '../catalog.js';
import { CSV_CONTENT_TYPE, CSV_MEDIA_TYPE, writeCsv } from '../formats/csv.js';
import { FLATGEOBUF_MEDIA_TYPE, writeFlatGeobuf } from '../formats/flatgeobuf.js';
import type { FeatureShaper } from '../formats/geojson.js';
import { GEOJSON_SEQ_MEDIA_TYPE, writeGeoJsonSeq } from '../formats/geojsonseq.js';
import type { OpenApiContribution } from '../openapi.js';
import type { ApiPart } from '../part.js';
import type { Feature } from '../types.js';
import type { CollectionDecorator } from './collections.js';
import type { ItemsExtension, ItemsFormat } from './items.js';

type Writer = (res: Response, features: AsyncIterable<Feature>, shape: FeatureShaper, collection: ServedCollection) => Promise<void>;

interface ExportFormat { key: string; mediaType: string; contentType: string; extension: string; disposition: 'attachment' | 'inline'; write: Writer }

const EXPORTS: ExportFormat[] = [
  { key: 'csv', mediaType: CSV_MEDIA_TYPE, contentType: CSV_CONTENT_TYPE, extension: 'csv', disposition: 'attachment', write: writeCsv },
  { key: 'fgb', mediaType: FLATGEOBUF_MEDIA_TYPE, contentType: FLATGEOBUF_MEDIA_TYPE, extension: 'fgb', disposition: 'attachment', write: writeFlatGeobuf },
  // Text a browser can show; .geojsons is the extension GDAL's GeoJSONSeq driver reads as RS-separated.
  { key: 'geojsonseq', mediaType: GEOJSON_SEQ_MEDIA_TYPE, contentType: GEOJSON_SEQ_MEDIA_TYPE, extension: 'geojsons', disposition: 'inline', write: writeGeoJsonSeq },
];

/** A file name any system accepts: ids may hold characters that are not safe in one. */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || 'export';
}

function itemsFormat(format: ExportFormat): ItemsFormat {
  return {
    key: format.key,
    mediaType: format.mediaType,
    async write(res, features, shape, collection, fileName = collection.definition.id) {
      res.status(200).set({
        'Content-Type': format.contentType,
        'Content-Disposition': `${format.disposition}; filename="${safeFileName(fileName)}.${format.extension}"`,
      });
      // HEAD (GDAL's /vsicurl/ starts with one): the headers only, without running the export.
      if (res.req.method === 'HEAD') { res.end(); return; }
      await format.write(res, features, shape, collection);
    },
  };
}

export const formatsExtension: ItemsExtension = {
  parameters: [],
  apply() { /* formats only: no parameter of their own */ },
  formats: EXPORTS.map(itemsFormat),
};

// The formats of a single feature, for when server/openapi.ts reads them (not yet: a spread is
// not checked against OpenApiContribution).
const featureFormats = { featureMediaTypes: EXPORTS.map((f) => f.mediaType), featureFormats: EXPORTS.map((f) => f.key) };

export const formatsOpenApi: OpenApiContribution = {
  itemsMediaTypes: EXPORTS.map((f) => f.mediaType),
  itemsFormats: EXPORTS.map((f) => f.key),
  ...featureFormats,
};

const TITLES: Record<string, string> = { csv: 'CSV', fgb: 'FlatGeobuf', geojsonseq: 'séquence GeoJSON' };

/** The collection links to its whole content in each streamed format. */
const collectionLinks: CollectionDecorator = (doc, collection, base) => {
  const href = `${base}/collections/${collection.definition.id}/items`;
  for (const f of EXPORTS) doc.links.push({ href: `${href}?f=${f.key}`, rel: 'items', type: f.mediaType, title: `Toutes les entités (${TITLES[f.key]}, en flux)` });
};

export const formatsPart: ApiPart = { name: 'formats', items: formatsExtension, openapi: formatsOpenApi, collection: collectionLinks };
