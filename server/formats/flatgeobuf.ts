// Streamed FlatGeobuf: magic bytes and a header saying "count unknown, no index" (featuresCount 0,
// indexNodeSize 0), then each size-prefixed feature as it comes. Readers (GDAL, flatgeobuf's
// deserialize) then read features until the end of the stream; nothing is held back.
import type { Response } from 'express';
import type { Geometry, Position } from 'geojson';
import { parseGeometry } from 'flatgeobuf/lib/mjs/geojson/geometry.js';
import type { ServedCollection } from '../catalog.js';
import { parseCrs } from '../crs/index.js';
import { FeatureEncoder } from '../providers/flatgeobuf/encode.js';
import { MAGIC } from '../providers/flatgeobuf/format.js';
import { buildHeader, columnMetas } from '../providers/flatgeobuf/writer.js';
import { columnSpecs } from '../query/property-types.js';
import type { Feature } from '../types.js';
import { exportFeatures, exportProperties } from './export.js';
import type { FeatureShaper } from './geojson.js';
import { BufferedByteWriter } from './stream.js';

export const FLATGEOBUF_MEDIA_TYPE = 'application/flatgeobuf';

// The mapping the data build uses (server/query/property-types.ts), so exports read like the stored files.
export { columnSpecs };

/**
 * EPSG code of the output geometries, from the Content-Crs the crs part set. FlatGeobuf stores
 * x (east) first, so a lat,lon CRS such as EPSG:4326 has its axes swapped back.
 */
function outputCrs(res: Response): { epsg: number; swap: boolean } {
  const header = res.getHeader('Content-Crs');
  if (typeof header !== 'string') return { epsg: 4326, swap: false };
  try {
    const crs = parseCrs(header.replace(/^<|>$/g, ''));
    return { epsg: crs.epsg ?? 4326, swap: crs.axisOrder === 'yx' };
  } catch {
    return { epsg: 4326, swap: false };
  }
}

function swapAxes(geometry: Geometry): Geometry {
  const swap = (p: Position): Position => [p[1], p[0], ...p.slice(2)];
  switch (geometry.type) {
    case 'Point': return { ...geometry, coordinates: swap(geometry.coordinates) };
    case 'MultiPoint': case 'LineString': return { ...geometry, coordinates: geometry.coordinates.map(swap) } as Geometry;
    case 'MultiLineString': case 'Polygon': return { ...geometry, coordinates: geometry.coordinates.map((r) => r.map(swap)) } as Geometry;
    case 'MultiPolygon': return { ...geometry, coordinates: geometry.coordinates.map((p) => p.map((r) => r.map(swap))) };
    case 'GeometryCollection': return { ...geometry, geometries: geometry.geometries.map(swapAxes) };
  }
}

export async function writeFlatGeobuf(res: Response, features: AsyncIterable<Feature>, shape: FeatureShaper, collection: ServedCollection): Promise<void> {
  const { definition } = collection;
  res.status(200).setHeader('Content-Type', FLATGEOBUF_MEDIA_TYPE);
  const crs = outputCrs(res);
  const out = new BufferedByteWriter(res);
  let encoder: FeatureEncoder | undefined;
  await exportFeatures(res, features, shape, async (first) => {
    const columns = columnMetas(columnSpecs(exportProperties(definition, first)));
    encoder = new FeatureEncoder(columns);
    await out.push(MAGIC);
    await out.push(buildHeader({
      name: definition.id, title: definition.title, description: definition.description,
      geometryType: definition.geometryType, columns, epsg: crs.epsg,
      featuresCount: 0, indexNodeSize: 0, extent: null,
    }));
  }, async (shaped) => {
    const geometry = shaped.geometry && crs.swap ? swapAxes(shaped.geometry) : shaped.geometry;
    await out.push(encoder!.encode(shaped.properties ?? {}, geometry ? parseGeometry(geometry as any) : null));
  });
  await out.flush();
  res.end();
}
