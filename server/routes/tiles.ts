// OGC API – Tiles: tile matrix sets, collection and dataset tilesets, Mapbox Vector Tiles, plus a
// MapLibre style and map page. An empty tile is 204 No Content (with its ETag, cacheable); a tile
// outside its matrix is 404; a non-integer index is 400.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import type { ServedCollection } from '../catalog.js';
import { baseUrl, collectionOr404, queryStrings, type ServerContext } from '../context.js';
import { InvalidParameterValue, NotAcceptable, NotFound } from '../errors.js';
import { collectionCrumbs, linkList, page, templatePage } from '../formats/html.js';
import { langOf, t, varyOnNegotiation, type Lang } from '../i18n.js';
import { parseDatetime } from '../params/datetime.js';
import { negotiate, wantsHtml } from '../params/format.js';
import type { ApiPart } from '../part.js';
import { and, datetimePredicate, parseEquals, propertyPredicate } from '../plan.js';
import { parseFilterParams } from '../query/predicate.js';
import type { Interval } from '../params/datetime.js';
import { sendEncoded, type EncodedBody } from '../compression.js';
import { BodyCache, etagMatches } from '../page-cache.js';
import type { CollectionDefinition, FeaturePredicate, QueryConditions, Rect } from '../types.js';
import { filterPredicate } from './filter.js';
import { basemapStyle, type Basemap } from './basemap.js';
import { mapPage, styleDocument, STYLE_MEDIA_TYPE, type MapSelector, type MapView, type StyleLayer } from './map.js';
import { MAP_JS } from './map-client.js';
import {
  getTileMatrixSet, MVT_MEDIA_TYPE, tileJson, tileMatrixSetsList, tilesetDocument, tilesetsList, TileRenderer,
  TILES_CONFORMANCE, TILING_SCHEME_REL, validTile, type LayerQuery, type TileLayerInfo, type TileMatrixSet,
} from '../tiles/index.js';

export type { Choropleth, MapSelector, MapView, StyleLayer } from './map.js';

/**
 * A layer of the dataset tiles (/tiles/...): present only between its zooms, restricted by a
 * fixed CQL2 filter; `latest` shows only the last period of its temporal extent unless the
 * request gives a datetime. Lets aggregated collections stand in for the detailed ones at
 * national zooms.
 */
export interface DatasetLayer {
  collection: string;
  minZoom?: number;
  maxZoom?: number;
  /** CQL2 text on the collection's properties. */
  filter?: string;
  /** Property values applied when the request does not filter on that property (e.g. the all-usages row). */
  defaults?: Record<string, string>;
  latest?: boolean;
  /**
   * Properties this layer carries in the dataset tiles besides the id: what the map draws with (colour,
   * size, choropleth). All when absent. A map's popup reads the whole feature by its id; the collection
   * tiles always carry every property.
   */
  properties?: string[];
}

export interface TilesOptions {
  /** Layers of the dataset tiles, in drawing order; every spatial collection at every zoom when absent. */
  datasetLayers?: DatasetLayer[];
  /** Property summed in point clusters, per collection (e.g. volume). */
  sumProperty?: Record<string, string>;
  minZoom?: number;
  maxZoom?: number;
  /** Bytes of encoded tiles kept in memory (LRU); 0 disables the cache. */
  cacheBytes?: number;
  /** Cache-Control max-age of tiles, in seconds. */
  maxAge?: number;
  /** Layers of /styles/default; every spatial collection in a default colour when absent. */
  style?: StyleLayer[] | (() => StyleLayer[]);
  /** Initial view of /map; the data extent when absent. */
  mapView?: MapView;
  /** The basemap under (and over) the data of /styles/default and the map pages. */
  basemap?: Basemap;
  /** Selects of the dataset map page (/map) that add a parameter to the dataset tiles. */
  mapSelectors?: MapSelector[];
  /** Worker threads encoding tiles (0: in the event loop); TILE_WORKERS or the cores but one (1–4) by default. */
  workers?: number;
  /** Predicate of the `filter` parameters (filter, filter-lang, filter-crs); CQL2 by default. */
  filter?: (params: Record<string, string>, collection: CollectionDefinition) => FeaturePredicate | undefined;
}

const FILTER_PARAMETERS = ['datetime', 'filter', 'filter-lang', 'filter-crs'];
const META_FORMATS = [{ key: 'json', mediaType: 'application/json' }, { key: 'html', mediaType: 'text/html' }];
const TILESET_FORMATS = [{ key: 'json', mediaType: 'application/json' }, { key: 'tilejson', mediaType: 'application/vnd.mapbox.tile+json' }, { key: 'html', mediaType: 'text/html' }];
const TILESETS_REL = 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector';
const require = createRequire(import.meta.url);

/** Encoded tiles, LRU by bytes; each entry also costs its key and bookkeeping, so empty tiles are bounded too. */
export class TileCache extends BodyCache {
  constructor(maxBytes: number) { super({ maxBytes, name: 'tile' }); }
}

function tmsOr404(id: string): TileMatrixSet {
  const tms = getTileMatrixSet(id);
  if (!tms) throw new NotFound(`Jeu de matrices de tuiles « ${id} » inconnu ; voir /tileMatrixSets`);
  return tms;
}

/** A tile matrix set for people: one row per zoom level. */
function tileMatrixSetHtml(tms: TileMatrixSet, base: string, lang: Lang): string {
  const rows = tms.tileMatrices.map((m) => ({ id: m.id, scale: Math.round(m.scaleDenominator), cellSize: m.cellSize.toPrecision(6), width: m.matrixWidth, height: m.matrixHeight }));
  return templatePage({
    base, lang, title: tms.title ?? tms.id,
    breadcrumbs: [{ href: `${base}/?f=html`, label: t(lang, 'home') }, { href: `${base}/tileMatrixSets?f=html`, label: t(lang, 'tileMatrixSets') }],
    links: [{ href: `${base}/tileMatrixSets/${tms.id}?f=json`, rel: 'alternate', type: 'application/json' }],
  }, 'tileMatrixSet', { id: tms.id, uri: tms.uri ?? '', crs: typeof tms.crs === 'string' ? tms.crs : JSON.stringify(tms.crs), rows });
}

/** A tileset's metadata for people: its layers with their zoom levels, the limits per zoom, its links. */
function tilesetHtml(doc: ReturnType<typeof tilesetDocument>, base: string, lang: Lang, collection: CollectionDefinition | null, mapHref: string): string {
  const layers = doc.layers.map((l) => ({ id: l.id, title: l.title, geometryType: l.geometryType ?? '', min: l.minTileMatrix, max: l.maxTileMatrix }));
  const self = doc.links.find((l) => l.rel === 'self')!.href;
  const links = [
    { href: mapHref, rel: 'related', type: 'text/html', title: t(lang, 'map') },
    ...(doc.tileMatrixSetURI.endsWith('WebMercatorQuad') ? [{ href: `${self}?f=tilejson`, rel: 'alternate', type: 'application/vnd.mapbox.tile+json', title: 'TileJSON 3.0' }] : []),
    ...doc.links.map((l) => (l.rel === TILING_SCHEME_REL ? { ...l, href: `${l.href}?f=html`, type: 'text/html' } : l)),
  ];
  const crumbs = collection ? collectionCrumbs(base, lang, collection) : [{ href: `${base}/?f=html`, label: t(lang, 'home') }];
  const data = { description: 'description' in doc ? doc.description : undefined, mapHref, layers, limits: doc.tileMatrixSetLimits ?? [], links };
  return templatePage({ base, lang, title: `${doc.title} — ${t(lang, 'tileset').toLowerCase()}`, breadcrumbs: crumbs, links: [{ href: `${self}?f=json`, rel: 'alternate', type: 'application/json' }] }, 'tileset', data);
}

function integer(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new InvalidParameterValue(name, `« ${raw} » n'est pas un entier positif`);
  return Number(raw);
}

/** RFC 9110: a list of (possibly weak) entity tags, or `*`. */
function unionExtent(extents: (Rect | null)[]): Rect | null {
  const list = extents.filter((e): e is Rect => e !== null);
  if (!list.length) return null;
  return {
    minX: Math.min(...list.map((e) => e.minX)), minY: Math.min(...list.map((e) => e.minY)),
    maxX: Math.max(...list.map((e) => e.maxX)), maxY: Math.max(...list.map((e) => e.maxY)),
  };
}

const queryables = (d: CollectionDefinition) => d.properties.filter((p) => p.queryable !== false).map((p) => p.name);

export function tilesPart(options: TilesOptions = {}): ApiPart {
  const minZoom = options.minZoom ?? 0;
  const maxZoom = options.maxZoom ?? 16;
  const maxAge = options.maxAge ?? 3600;
  const cache = new TileCache(options.cacheBytes ?? 64 * 1024 * 1024);
  const inFlight = new Map<string, Promise<EncodedBody>>();
  const renderer = new TileRenderer(options.workers, options.sumProperty);
  const filterOf = options.filter ?? ((params, d) => filterPredicate(params, d).predicate);
  const spatial = (ctx: ServerContext) => ctx.catalog().list().filter((c) => c.definition.geometryType);
  const spatialOr404 = (ctx: ServerContext, id: string) => {
    const c = collectionOr404(ctx, id);
    if (!c.definition.geometryType) throw new NotFound(`La collection « ${id} » n'a pas de géométrie, donc pas de tuiles`);
    return c;
  };
  const datasetLayer = new Map((options.datasetLayers ?? []).map((l) => [l.collection, l]));
  /** Properties of a collection's layer in the dataset tiles; undefined: all. */
  const carried = (id: string) => datasetLayer.get(id)?.properties;
  const layerInfo = ({ definition: d }: ServedCollection, dataset = false): TileLayerInfo => ({
    id: d.id, title: d.title, description: d.description, geometryType: d.geometryType, sumProperty: options.sumProperty?.[d.id],
    properties: dataset && carried(d.id) ? d.properties.filter((p) => carried(d.id)!.includes(p.name) || d.idProperties.includes(p.name)) : d.properties,
    ...(dataset ? { minZoom: datasetLayer.get(d.id)?.minZoom, maxZoom: datasetLayer.get(d.id)?.maxZoom } : {}),
  });
  /** The dataset tiles' layers: the configured ones this caller's catalog has, in their order. */
  const datasetCollections = (ctx: ServerContext): ServedCollection[] => {
    const all = spatial(ctx);
    if (!options.datasetLayers) return all;
    const byId = new Map(all.map((c) => [c.definition.id, c]));
    return options.datasetLayers.map((l) => byId.get(l.collection)).filter((c): c is ServedCollection => c !== undefined);
  };
  const inZoom = (id: string, z: number) => {
    const l = datasetLayer.get(id);
    return !l || ((l.minZoom ?? 0) <= z && z <= (l.maxZoom ?? Infinity));
  };
  /** Fixed filter and default period of a dataset layer, as a predicate and (defaults, period) as conditions. */
  async function datasetPredicate(c: ServedCollection, params: Record<string, string>): Promise<{ predicate?: FeaturePredicate; equals?: Record<string, unknown[]>; datetime?: Interval }> {
    const l = datasetLayer.get(c.definition.id);
    if (!l) return {};
    const fixed = l.filter ? filterPredicate({ filter: l.filter, 'filter-lang': 'cql2-text' }, c.definition).predicate : undefined;
    const defaults = Object.fromEntries(Object.entries(l.defaults ?? {}).filter(([name]) => params[name] === undefined));
    const defaulted = Object.keys(defaults).length ? propertyPredicate(c.definition, defaults) : undefined;
    let latest: Interval | undefined;
    if (l.latest && params.datetime === undefined && c.definition.temporal) {
      const end = (await c.provider.stats()).metadata?.temporalExtent?.[1];
      // The last year (or day) of the extent: a year-valued collection shows that year.
      if (typeof end === 'string') {
        latest = parseDatetime(c.definition.temporal.kind === 'year' ? `${end.slice(0, 4)}-01-01/${end.slice(0, 4)}-12-31` : end.slice(0, 10));
      }
    }
    return {
      predicate: and([fixed, defaulted, datetimePredicate(c.definition, latest)]),
      equals: Object.keys(defaults).length ? parseEquals(c.definition, defaults) : undefined,
      datetime: latest,
    };
  }
  /** Years offered by the map page: those of the dataset layers shown for the latest period. */
  async function yearsOf(collections: ServedCollection[]): Promise<number[]> {
    const latest = collections.filter((c) => datasetLayer.get(c.definition.id)?.latest && c.definition.temporal);
    const extents = await Promise.all(latest.map(async (c) => (await c.provider.stats()).metadata?.temporalExtent));
    const years = extents.flatMap((e) => (e && typeof e[0] === 'string' && typeof e[1] === 'string' ? [Number(e[0].slice(0, 4)), Number(e[1].slice(0, 4))] : []));
    if (!years.length) return [];
    const [min, max] = [Math.min(...years), Math.max(...years)];
    return Array.from({ length: Math.min(100, max - min + 1) }, (_, i) => min + i);
  }
  const basemapOf = (base: string) => (options.basemap ? basemapStyle(options.basemap, base) : undefined);
  const onlineStyle = options.basemap?.online?.kind === 'style' ? options.basemap.online.url : undefined;
  const extentOf = async (collections: ServedCollection[]) => unionExtent((await Promise.all(collections.map((c) => c.provider.stats()))).map((s) => s.extent));
  /** Style layers of these collections; on the dataset style, with the dataset layers' zooms. */
  const styleLayers = (collections: ServedCollection[], dataset = false): StyleLayer[] => {
    const configured = typeof options.style === 'function' ? options.style() : options.style;
    const ids = collections.map((c) => c.definition.id);
    const chosen = configured ? ids.flatMap((id) => configured.filter((l) => l.collection === id)) : ids.map((collection) => ({ collection }));
    if (!dataset) return chosen;
    return chosen.map((l) => ({ ...l, minZoom: datasetLayer.get(l.collection)?.minZoom, maxZoom: datasetLayer.get(l.collection)?.maxZoom }));
  };

  /**
   * Predicates per layer. On a collection tile a filter the collection cannot evaluate is a 400;
   * on a dataset tile the layers that cannot evaluate it are left out (no feature matches).
   */
  async function layerPredicates(collections: ServedCollection[], params: Record<string, string>, dataset: boolean, z: number) {
    const interval = parseDatetime(params.datetime);
    // `exact`: the predicate tests exactly `where` (no custom filter function, no fixed CQL2 of a dataset layer).
    const out: LayerQuery[] = [];
    for (const c of collections) {
      const d = c.definition;
      if (dataset) {
        if (!inZoom(d.id, z)) continue;
        if (interval && !d.temporal) continue;
        const known = new Set(queryables(d));
        if (Object.keys(params).some((k) => !FILTER_PARAMETERS.includes(k) && k !== 'f' && !known.has(k))) continue;
      }
      const fixed = dataset ? await datasetPredicate(c, params) : {};
      const predicate = and([datetimePredicate(d, interval), propertyPredicate(d, params), filterOf(params, d), fixed.predicate]);
      // The same conditions, declaratively, for the provider's indexes (a custom filter stays a closure).
      const parsed = options.filter ? undefined : parseFilterParams(params);
      const equals = { ...parseEquals(d, params), ...fixed.equals };
      const where: QueryConditions = {
        definition: d,
        ...(interval ?? fixed.datetime ? { datetime: interval ?? fixed.datetime } : {}),
        ...(Object.keys(equals).length ? { equals } : {}),
        ...(parsed ? { filter: parsed.ast, filterCrs: parsed.crs } : {}),
      };
      const exact = !options.filter && !(dataset && datasetLayer.get(d.id)?.filter);
      out.push({ collection: c, predicate, where: predicate && Object.keys(where).length > 1 ? where : undefined, exact, properties: dataset ? carried(d.id) : undefined });
    }
    return out;
  }

  async function tile(req: Request, res: Response, collections: ServedCollection[], dataset: boolean): Promise<void> {
    const tms = tmsOr404(req.params.tileMatrixSetId as string);
    const z = integer('tileMatrix', req.params.tileMatrix as string);
    const row = integer('tileRow', req.params.tileRow as string);
    const col = integer('tileCol', req.params.tileCol as string);
    if (!validTile(tms, z, row, col)) throw new NotFound(`Tuile ${z}/${row}/${col} hors de la matrice ${tms.id}`);
    const params = queryStrings(req, ['f', ...FILTER_PARAMETERS, ...new Set(collections.flatMap((c) => queryables(c.definition)))]);
    if (params.f !== undefined && params.f !== 'mvt') throw new NotAcceptable(['mvt']);
    const layers = await layerPredicates(collections, params, dataset, z);
    // The data version changes with every new build or ingest: it invalidates ETags and cache.
    // Layer ids too: two callers' tiles of the same URL may hold different layers (access scopes).
    const versions = (await Promise.all(layers.map(async (l) => `${l.collection.definition.id}=${(await l.collection.provider.stats()).version}`))).join(',');
    const etag = `"${createHash('sha1').update(`${versions}|${req.originalUrl}`).digest('base64url')}"`;
    res.set({ ETag: etag, 'Cache-Control': `public, max-age=${maxAge}` });
    if (etagMatches(req.headers['if-none-match'], etag)) { res.status(304).end(); return; }
    let body = cache.get(etag);
    if (!body) {
      // Concurrent requests of one tile share one rendering, and its compressed variants (made once per
      // encoding, even with the cache off: a 500 KB tile takes ~15 ms of brotli).
      let pending = inFlight.get(etag);
      if (!pending) {
        pending = renderer.render(layers, tms, z, row, col).then((bytes) => cache.set(etag, bytes)).finally(() => inFlight.delete(etag));
        inFlight.set(etag, pending);
      }
      body = await pending;
    }
    if (body.identity.length === 0) { res.status(204).end(); return; }
    res.type(MVT_MEDIA_TYPE);
    await sendEncoded(req, res, body);
  }

  async function tileset(ctx: ServerContext, req: Request, res: Response, collections: ServedCollection[], collectionId: string | null): Promise<void> {
    queryStrings(req, ['f']);
    const tms = tmsOr404(req.params.tileMatrixSetId as string);
    const format = negotiate(req, TILESET_FORMATS);
    const base = baseUrl(ctx, req);
    const extent = await extentOf(collections);
    const layers = collections.map((c) => layerInfo(c, collectionId === null));
    const meta = collectionId ? { attribution: collections[0].definition.attribution } : { title: ctx.info.title, description: ctx.info.description };
    if (format.key === 'tilejson') {
      if (tms.id !== 'WebMercatorQuad') throw new NotAcceptable(['json']);
      res.json(tileJson(base, collectionId, layers, extent, minZoom, maxZoom, meta));
      return;
    }
    const doc = tilesetDocument(base, tms, collectionId, layers, extent, minZoom, maxZoom, meta);
    varyOnNegotiation(res, format.key === 'html');
    if (format.key !== 'html') { res.json(doc); return; }
    const mapHref = `${base}${collectionId ? `/collections/${encodeURIComponent(collectionId)}` : ''}/tiles?f=html`;
    res.type('html').send(tilesetHtml(doc, base, langOf(req), collectionId ? collections[0].definition : null, mapHref));
  }

  async function tilesets(ctx: ServerContext, req: Request, res: Response, collection: ServedCollection | null): Promise<void> {
    queryStrings(req, ['f']);
    const format = negotiate(req, META_FORMATS);
    const base = baseUrl(ctx, req);
    const id = collection?.definition.id;
    const doc = tilesetsList(base, id, collection?.definition.title);
    varyOnNegotiation(res, format.key !== 'json');
    if (format.key === 'json') { res.json(doc); return; }
    const lang = langOf(req);
    const self = id ? `${base}/collections/${encodeURIComponent(id)}/tiles` : `${base}/tiles`;
    const title = `${collection ? collection.definition.title : ctx.info.title} — ${t(lang, 'tiles').toLowerCase()}`;
    res.type('html').send(mapPage({
      base, title, lang, view: options.mapView, legend: styleLayers(collection ? [collection] : datasetCollections(ctx), !collection), onlineStyle,
      ...(collection ? {} : { selectors: options.mapSelectors, years: await yearsOf(datasetCollections(ctx)) }),
      styleUrl: `${base}/styles/default${id ? `?collection=${encodeURIComponent(id)}` : ''}`,
      extent: await extentOf(collection ? [collection] : datasetCollections(ctx)),
      links: [{ href: `${self}?f=json`, title: 'Tilesets (JSON)' }, { href: `${self}/WebMercatorQuad?f=tilejson`, title: 'TileJSON' }],
    }));
  }

  function router(ctx: ServerContext): Router {
    const r = Router();
    r.get('/assets/web/map.js', (_req, res) => { res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(MAP_JS); });
    r.use('/assets/maplibre', express.static(dirname(require.resolve('maplibre-gl/dist/maplibre-gl.css')), { maxAge: '7d' }));
    r.get('/tileMatrixSets', (req, res) => {
      queryStrings(req, ['f']);
      const base = baseUrl(ctx, req);
      const doc = tileMatrixSetsList(base);
      const format = negotiate(req, META_FORMATS);
      varyOnNegotiation(res, format.key !== 'json');
      if (format.key === 'json') { res.json(doc); return; }
      const lang = langOf(req);
      const links = doc.tileMatrixSets.map((t) => ({ href: `${t.links[0].href}?f=html`, rel: 'item', type: 'text/html', title: `${t.title} (${t.id})` }));
      res.type('html').send(page({ base, lang, title: t(lang, 'tileMatrixSets'), breadcrumbs: [{ href: `${base}/?f=html`, label: t(lang, 'home') }] }, linkList(links, lang)));
    });
    r.get('/tileMatrixSets/:tileMatrixSetId', (req, res) => {
      queryStrings(req, ['f']);
      const tms = tmsOr404(req.params.tileMatrixSetId);
      const html = wantsHtml(req);
      varyOnNegotiation(res, html);
      if (html) res.type('html').send(tileMatrixSetHtml(tms, baseUrl(ctx, req), langOf(req)));
      else res.json(tms);
    });
    r.get('/tiles', (req, res) => tilesets(ctx, req, res, null));
    r.get('/tiles/:tileMatrixSetId', (req, res) => tileset(ctx, req, res, datasetCollections(ctx), null));
    r.get('/tiles/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol', (req, res) => tile(req, res, datasetCollections(ctx), true));
    r.get('/collections/:collectionId/tiles', (req, res) => tilesets(ctx, req, res, spatialOr404(ctx, req.params.collectionId)));
    r.get('/collections/:collectionId/tiles/:tileMatrixSetId', (req, res) => {
      const c = spatialOr404(ctx, req.params.collectionId);
      return tileset(ctx, req, res, [c], c.definition.id);
    });
    r.get('/collections/:collectionId/tiles/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol', (req, res) =>
      tile(req, res, [spatialOr404(ctx, req.params.collectionId as string)], false));
    r.get('/styles/default', (req, res) => {
      const { collection: id } = queryStrings(req, ['f', 'collection']);
      if (req.query.f !== undefined && req.query.f !== 'json' && req.query.f !== 'mapbox') throw new NotAcceptable(['json']);
      const base = baseUrl(ctx, req);
      const collections = id === undefined ? datasetCollections(ctx) : [spatialOr404(ctx, id)];
      const tileJsonUrl = `${base}${id === undefined ? '' : `/collections/${encodeURIComponent(id)}`}/tiles/WebMercatorQuad?f=tilejson`;
      const layers = styleLayers(collections, id === undefined);
      res.type(STYLE_MEDIA_TYPE).send(JSON.stringify(styleDocument(tileJsonUrl, layers.length ? layers : collections.map((c) => ({ collection: c.definition.id })), ctx.info.title, basemapOf(base))));
    });
    r.get('/map', async (req, res) => {
      queryStrings(req, []);
      const base = baseUrl(ctx, req);
      const lang = langOf(req);
      res.vary('Accept-Language');
      res.type('html').send(mapPage({
        base, lang, title: `${ctx.info.title} — ${t(lang, 'map').toLowerCase()}`, styleUrl: `${base}/styles/default`, view: options.mapView, extent: await extentOf(datasetCollections(ctx)),
        legend: styleLayers(datasetCollections(ctx), true), selectors: options.mapSelectors, years: await yearsOf(datasetCollections(ctx)), onlineStyle,
        links: [{ href: `${base}/tiles?f=json`, title: 'Tuiles' }, { href: `${base}/styles/default`, title: 'Style' }],
      }));
    });
    return r;
  }

  const tileParameters = (collection?: CollectionDefinition) => [
    ...['tileMatrixSetId', 'tileMatrix', 'tileRow', 'tileCol'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    { name: 'datetime', in: 'query', description: 'Instant ou intervalle RFC 3339', schema: { type: 'string' } },
    { name: 'filter', in: 'query', description: 'Filtre CQL2', schema: { type: 'string' } },
    { name: 'filter-lang', in: 'query', schema: { type: 'string', enum: ['cql2-text', 'cql2-json'] } },
    { name: 'filter-crs', in: 'query', schema: { type: 'string' } },
    ...(collection ? queryables(collection).map((name) => ({ name, in: 'query', description: 'Égalité (valeurs séparées par des virgules)', schema: { type: 'string' } })) : []),
  ];
  const mvt = {
    200: { description: 'Tuile MVT', content: { [MVT_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } } } },
    204: { description: 'Tuile vide' }, 304: { description: 'Inchangée (If-None-Match)' },
    400: { description: 'Paramètre invalide' }, 404: { description: 'Hors de la matrice ou jeu de matrices inconnu' },
  };
  const json = (summary: string, operationId: string, extra: Record<string, unknown> = {}) =>
    ({ get: { summary, operationId, ...extra, responses: { 200: { description: summary, content: { 'application/json': {}, 'text/html': {} } }, 404: { description: 'Inconnu' } } } });
  const tmsParam = { name: 'tileMatrixSetId', in: 'path', required: true, schema: { type: 'string', enum: ['WebMercatorQuad', 'WorldCRS84Quad'] } };
  const fParam = (values: string[]) => ({ name: 'f', in: 'query', schema: { type: 'string', enum: values } });

  return {
    name: 'tiles',
    conformance: TILES_CONFORMANCE,
    router,
    collection: (doc, collection, base) => {
      if (!collection.definition.geometryType) return;
      const href = `${base}/collections/${encodeURIComponent(collection.definition.id)}/tiles`;
      doc.links.push({ href, rel: TILESETS_REL, type: 'application/json', title: 'Tuiles vectorielles' });
    },
    landingLinks: (base) => [
      { href: `${base}/tileMatrixSets`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes', type: 'application/json', title: 'Jeux de matrices de tuiles' },
      { href: `${base}/tiles`, rel: TILESETS_REL, type: 'application/json', title: 'Tuiles vectorielles du jeu de données' },
      { href: `${base}/styles/default`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/styles', type: STYLE_MEDIA_TYPE, title: 'Style MapLibre' },
      { href: `${base}/map`, rel: 'related', type: 'text/html', title: 'Carte des tuiles vectorielles' },
    ],
    openapi: {
      paths: (catalog) => {
        const paths: Record<string, unknown> = {
          '/tileMatrixSets': json('Jeux de matrices de tuiles', 'getTileMatrixSetsList', { parameters: [fParam(['json', 'html'])] }),
          '/tileMatrixSets/{tileMatrixSetId}': json('Jeu de matrices de tuiles', 'getTileMatrixSet', { parameters: [tmsParam, fParam(['json', 'html'])] }),
          '/tiles': json('Tilesets du jeu de données', 'getDatasetVectorTileSetsList', { parameters: [fParam(['json', 'html'])] }),
          '/tiles/{tileMatrixSetId}': json('Tileset du jeu de données (ou TileJSON)', 'getDatasetVectorTileSet', { parameters: [tmsParam, fParam(['json', 'tilejson', 'html'])] }),
          '/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}': { get: { summary: 'Tuile du jeu de données (une couche par collection)', operationId: 'getDatasetVectorTile', parameters: tileParameters(), responses: mvt } },
          '/styles/default': { get: { summary: 'Style MapLibre (version 8)', operationId: 'getDefaultStyle', parameters: [{ name: 'collection', in: 'query', schema: { type: 'string' } }], responses: { 200: { description: 'Style', content: { [STYLE_MEDIA_TYPE]: {} } } } } },
          '/map': { get: { summary: 'Carte des tuiles vectorielles (MapLibre GL JS)', operationId: 'getMap', responses: { 200: { description: 'Page HTML', content: { 'text/html': {} } } } } },
        };
        for (const { definition: d } of catalog.list()) {
          if (!d.geometryType) continue;
          const p = `/collections/${d.id}/tiles`;
          const tags = [d.id];
          paths[p] = json(`${d.title} : tilesets`, `getVectorTileSetsList_${d.id}`, { tags, parameters: [fParam(['json', 'html'])] });
          paths[`${p}/{tileMatrixSetId}`] = json(`${d.title} : tileset (ou TileJSON)`, `getVectorTileSet_${d.id}`, { tags, parameters: [tmsParam, fParam(['json', 'tilejson', 'html'])] });
          paths[`${p}/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}`] = { get: { summary: `${d.title} : tuile`, operationId: `getVectorTile_${d.id}`, tags, parameters: tileParameters(d), responses: mvt } };
        }
        return paths;
      },
    },
  };
}
