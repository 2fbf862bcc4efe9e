// OGC API – Tiles (vector tiles, MVT): public API and JSON documents. No HTTP here.
import type { PropertyDefinition, Rect } from '../types.js';
import {
  CRS84,
  MAX_MERCATOR_LAT,
  resolveTms,
  TILE_MATRIX_SETS,
  tileMatrixLimits,
  WEB_MERCATOR_QUAD,
  type TmsRef,
} from './matrix-sets.js';

export * from './matrix-sets.js';
export { encodeTile, polygonBoxKeeper, TILE_BUFFER, TILE_EXTENT, type EncodeOptions, type TileLayerInput } from './encode.js';
export { cellsOf, clustersOnly, DEFAULT_MAX_BYTES, DEFAULT_MAX_FEATURES, type CellInput } from './thin.js';
export { PreAggregateBuilder, PreAggregateCache, PreAggregates, viewOf, viewSidecar, type PreAggregateSpec, type PreAggregateView, type TileCells } from './preaggregate.js';
export { defaultTileWorkers, TilePool } from './pool.js';
export { TileRenderer, TILE_MAX_BYTES, TILE_READ_BUDGET, type LayerQuery } from './render.js';
export { PrerenderedTiles, prerenderedSidecar, RENDERER_VERSION, writePrerenderedTiles, type PrerenderedFor } from './prerendered.js';

const CONF = 'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf';
export const TILES_CONFORMANCE = [
  `${CONF}/core`,
  `${CONF}/tileset`,
  `${CONF}/tilesets-list`,
  `${CONF}/geodata-tilesets`,
  `${CONF}/dataset-tilesets`,
  `${CONF}/mvt`,
];

export const MVT_MEDIA_TYPE = 'application/vnd.mapbox-vector-tile';
export const TILING_SCHEME_REL = 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme';

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
  templated?: boolean;
}

/** One collection served as one MVT layer (layer name = collection id). */
export interface TileLayerInfo {
  id: string;
  title: string;
  description?: string;
  geometryType: string | null;
  properties: PropertyDefinition[];
  /** Property summed in clusters (as `${sumProperty}_sum`), when the caller passes one to encodeTile. */
  sumProperty?: string;
  /** Zooms at which the layer is present (dataset tiles may show a layer only at some zooms). */
  minZoom?: number;
  maxZoom?: number;
}

export interface TilesetOptions {
  title?: string;
  description?: string;
  attribution?: string;
}

const JSON_TYPE = 'application/json';

function tilesetsUrl(baseUrl: string, collectionId?: string | null): string {
  const base = baseUrl.replace(/\/+$/, '');
  return collectionId ? `${base}/collections/${encodeURIComponent(collectionId)}/tiles` : `${base}/tiles`;
}

/** URL template of the tiles, in OGC order tileMatrix/tileRow/tileCol. */
export function tileUrlTemplate(baseUrl: string, tms: TmsRef, collectionId?: string | null): string {
  return `${tilesetsUrl(baseUrl, collectionId)}/${resolveTms(tms).id}/{tileMatrix}/{tileRow}/{tileCol}`;
}

function geometryKind(type: string | null): 'points' | 'lines' | 'polygons' | undefined {
  if (!type) return undefined;
  if (/Point$/.test(type)) return 'points';
  if (/LineString$/.test(type)) return 'lines';
  if (/Polygon$/.test(type)) return 'polygons';
  return undefined;
}

/** Attributes as they appear in the tiles: dates as strings, arrays as JSON strings. */
function propertiesSchema(layer: TileLayerInfo): Record<string, unknown> {
  const props: Record<string, Record<string, unknown>> = {
    id: { title: 'Feature identifier', type: 'string' },
  };
  for (const p of layer.properties) {
    const s: Record<string, unknown> = { title: p.title };
    if (p.description) s.description = p.description;
    if (p.type === 'date') Object.assign(s, { type: 'string', format: 'date' });
    else if (p.type === 'array') Object.assign(s, { type: 'string', contentMediaType: 'application/json' });
    else s.type = p.type;
    if (p.format === 'uri') s.format = 'uri';
    if (p.enum) {
      const keys = Object.keys(p.enum);
      s.enum = p.type === 'integer' || p.type === 'number' ? keys.map(Number) : keys;
    }
    props[p.name] = s;
  }
  if (geometryKind(layer.geometryType) === 'points') {
    const note = 'Only on clustered points of dense low-zoom tiles';
    props.cluster = { title: 'Cluster of points', description: note, type: 'boolean' };
    props.point_count = { title: 'Number of points in the cluster', description: note, type: 'integer' };
    if (layer.sumProperty) {
      props[`${layer.sumProperty}_sum`] = { title: `Sum of ${layer.sumProperty}`, description: note, type: 'number' };
    }
  }
  return { type: 'object', properties: props };
}

function boundingBox(extent: Rect) {
  return { lowerLeft: [extent.minX, extent.minY], upperRight: [extent.maxX, extent.maxY], crs: CRS84 };
}

/** Entry of a tilesets list for one tile matrix set. */
function tilesetItem(baseUrl: string, tms: TmsRef, collectionId: string | null, title?: string) {
  const set = resolveTms(tms);
  const href = `${tilesetsUrl(baseUrl, collectionId)}/${set.id}`;
  return {
    ...(title ? { title: `${title} (${set.id})` } : {}),
    dataType: 'vector' as const,
    crs: set.crs,
    tileMatrixSetURI: set.uri,
    links: [
      { rel: 'self', type: JSON_TYPE, title: `Tileset in ${set.id}`, href },
      { rel: TILING_SCHEME_REL, type: JSON_TYPE, title: set.title, href: tileMatrixSetUrl(baseUrl, set.id) },
    ],
  };
}

export function tileMatrixSetUrl(baseUrl: string, tms: TmsRef): string {
  return `${baseUrl.replace(/\/+$/, '')}/tileMatrixSets/${resolveTms(tms).id}`;
}

/** /tileMatrixSets: the supported tile matrix sets. */
export function tileMatrixSetsList(baseUrl: string) {
  return {
    tileMatrixSets: Object.values(TILE_MATRIX_SETS).map((set) => ({
      id: set.id,
      title: set.title,
      uri: set.uri,
      crs: set.crs,
      links: [{ rel: 'self', type: JSON_TYPE, title: set.title, href: tileMatrixSetUrl(baseUrl, set) }],
    })),
    links: [{ rel: 'self', type: JSON_TYPE, href: `${baseUrl.replace(/\/+$/, '')}/tileMatrixSets` }],
  };
}

/** /tiles (dataset) or /collections/{id}/tiles (geodata): one tileset per tile matrix set. */
export function tilesetsList(baseUrl: string, collectionId?: string, title?: string) {
  return {
    links: [{ rel: 'self', type: JSON_TYPE, href: tilesetsUrl(baseUrl, collectionId) }],
    tilesets: Object.values(TILE_MATRIX_SETS).map((set) => tilesetItem(baseUrl, set, collectionId ?? null, title)),
  };
}

/** Tileset metadata (OGC 17-083r4 TileSet, as required by OGC API – Tiles "tileset"). */
export function tilesetDocument(
  baseUrl: string,
  tms: TmsRef,
  collectionId: string | null,
  layers: TileLayerInfo[],
  extent: Rect | null,
  minZoom: number,
  maxZoom: number,
  options: TilesetOptions = {},
) {
  const set = resolveTms(tms);
  const base = baseUrl.replace(/\/+$/, '');
  const self = `${tilesetsUrl(base, collectionId)}/${set.id}`;
  const links: Link[] = [
    { rel: 'self', type: JSON_TYPE, title: 'This tileset', href: self },
    { rel: TILING_SCHEME_REL, type: JSON_TYPE, title: set.title, href: tileMatrixSetUrl(base, set) },
    { rel: 'item', type: MVT_MEDIA_TYPE, title: 'Mapbox vector tiles', href: tileUrlTemplate(base, set, collectionId), templated: true },
    collectionId
      ? { rel: 'collection', type: JSON_TYPE, href: `${base}/collections/${encodeURIComponent(collectionId)}` }
      : { rel: 'dataset', type: JSON_TYPE, href: base },
  ];
  return {
    title: options.title ?? (collectionId ? (layers[0]?.title ?? collectionId) : 'Vector tiles'),
    ...(options.description ? { description: options.description } : {}),
    ...(options.attribution ? { attribution: options.attribution } : {}),
    dataType: 'vector' as const,
    crs: set.crs,
    tileMatrixSetURI: set.uri,
    mediaTypes: [MVT_MEDIA_TYPE],
    ...(extent
      ? { boundingBox: boundingBox(extent), tileMatrixSetLimits: tileMatrixLimits(set, extent, minZoom, maxZoom) }
      : {}),
    layers: layers.map((layer) => ({
      id: layer.id,
      title: layer.title,
      ...(layer.description ? { description: layer.description } : {}),
      dataType: 'vector' as const,
      ...(geometryKind(layer.geometryType) ? { geometryType: geometryKind(layer.geometryType) } : {}),
      minTileMatrix: String(Math.max(minZoom, layer.minZoom ?? minZoom)),
      maxTileMatrix: String(Math.min(maxZoom, layer.maxZoom ?? maxZoom)),
      ...(extent ? { boundingBox: boundingBox(extent) } : {}),
      propertiesSchema: propertiesSchema(layer),
      links: [{ rel: 'collection', type: JSON_TYPE, href: `${base}/collections/${encodeURIComponent(layer.id)}` }],
    })),
    links,
  };
}

const FIELD_TYPES: Record<string, string> = { integer: 'Number', number: 'Number', boolean: 'Boolean' };

/** TileJSON 3.0.0 for MapLibre/Mapbox clients (WebMercatorQuad only, {z}/{y}/{x} = OGC order). */
export function tileJson(
  baseUrl: string,
  collectionId: string | null,
  layers: TileLayerInfo[],
  extent: Rect | null,
  minZoom: number,
  maxZoom: number,
  options: TilesetOptions = {},
) {
  const template = tileUrlTemplate(baseUrl, WEB_MERCATOR_QUAD, collectionId)
    .replace('{tileMatrix}', '{z}')
    .replace('{tileRow}', '{y}')
    .replace('{tileCol}', '{x}');
  const clampLat = (v: number) => Math.max(-MAX_MERCATOR_LAT, Math.min(MAX_MERCATOR_LAT, v));
  return {
    tilejson: '3.0.0',
    name: options.title ?? (collectionId ? (layers[0]?.title ?? collectionId) : 'Vector tiles'),
    ...(options.description ? { description: options.description } : {}),
    ...(options.attribution ? { attribution: options.attribution } : {}),
    scheme: 'xyz',
    tiles: [template],
    minzoom: minZoom,
    maxzoom: maxZoom,
    bounds: extent
      ? [Math.max(-180, extent.minX), clampLat(extent.minY), Math.min(180, extent.maxX), clampLat(extent.maxY)]
      : [-180, -MAX_MERCATOR_LAT, 180, MAX_MERCATOR_LAT],
    vector_layers: layers.map((layer) => {
      const schema = propertiesSchema(layer).properties as Record<string, { type: string }>;
      const fields: Record<string, string> = {};
      for (const [name, s] of Object.entries(schema)) fields[name] = FIELD_TYPES[s.type] ?? 'String';
      return {
        id: layer.id,
        ...(layer.description ? { description: layer.description } : {}),
        minzoom: Math.max(minZoom, layer.minZoom ?? minZoom),
        maxzoom: Math.min(maxZoom, layer.maxZoom ?? maxZoom),
        fields,
      };
    }),
  };
}
