// OGC API – Tiles: tile matrix sets, collection and dataset tilesets, Mapbox Vector Tiles.
// An empty tile is 204 No Content; a tile outside its matrix is 404; a non-integer index is 400.
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { ServedCollection } from '../catalog.js';
import { baseUrl, collectionOr404, queryStrings, type ServerContext } from '../context.js';
import { InvalidParameterValue, NotFound } from '../errors.js';
import { parseDatetime } from '../params/datetime.js';
import type { ApiPart } from '../part.js';
import { and, datetimePredicate, propertyPredicate } from '../plan.js';
import type { Feature } from '../types.js';
import { filterPredicate } from './filter.js';
import { mapRouter, type StyleLayer } from './map.js';
import {
  bufferedTileBounds, encodeTile, getTileMatrixSet, MVT_MEDIA_TYPE, tileJson, tileMatrixSetsList, tilesetDocument, tilesetsList,
  TILES_CONFORMANCE, validTile, type TileLayerInfo, type TileMatrixSet,
} from '../tiles/index.js';

export interface TilesOptions {
  /** Property summed in point clusters, per collection (e.g. volume). */
  sumProperty?: Record<string, string>;
  maxZoom?: number;
  /** Bytes of encoded tiles kept in memory (LRU). */
  cacheBytes?: number;
  /** Layers of /styles/default; every spatial collection in a default colour when absent. */
  style?: StyleLayer[];
}

const FILTER_PARAMETERS = ['datetime', 'filter', 'filter-lang', 'filter-crs'];

class TileCache {
  private entries = new Map<string, Uint8Array>();
  private bytes = 0;
  constructor(private max: number) {}
  get(key: string): Uint8Array | undefined {
    const hit = this.entries.get(key);
    if (hit) { this.entries.delete(key); this.entries.set(key, hit); }
    return hit;
  }
  set(key: string, tile: Uint8Array): void {
    this.entries.set(key, tile);
    this.bytes += tile.length;
    while (this.bytes > this.max) {
      const [oldest, value] = this.entries.entries().next().value as [string, Uint8Array];
      this.entries.delete(oldest);
      this.bytes -= value.length;
    }
  }
}

function tmsOr404(id: string): TileMatrixSet {
  const tms = getTileMatrixSet(id);
  if (!tms) throw new NotFound(`Jeu de matrices de tuiles « ${id} » inconnu ; voir /tileMatrixSets`);
  return tms;
}

function integer(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new InvalidParameterValue(name, `« ${raw} » n'est pas un entier positif`);
  return Number(raw);
}

function layerInfo(c: ServedCollection, options: TilesOptions): TileLayerInfo {
  const d = c.definition;
  return { id: d.id, title: d.title, description: d.description, geometryType: d.geometryType, properties: d.properties, sumProperty: options.sumProperty?.[d.id] };
}

export function tilesPart(options: TilesOptions = {}): ApiPart {
  const maxZoom = options.maxZoom ?? 16;
  const cache = new TileCache(options.cacheBytes ?? 64 * 1024 * 1024);
  const spatial = (ctx: ServerContext) => ctx.catalog().list().filter((c) => c.definition.geometryType);

  async function tile(ctx: ServerContext, req: Request, res: Response, collections: ServedCollection[]): Promise<void> {
    const tms = tmsOr404(req.params.tileMatrixSetId as string);
    const z = integer('tileMatrix', req.params.tileMatrix as string);
    const row = integer('tileRow', req.params.tileRow as string);
    const col = integer('tileCol', req.params.tileCol as string);
    if (!validTile(tms, z, row, col)) throw new NotFound(`Tuile ${z}/${row}/${col} hors de la matrice ${tms.id}`);
    const queryables = collections.length === 1 ? collections[0].definition.properties.filter((p) => p.queryable !== false).map((p) => p.name) : [];
    const params = queryStrings(req, ['f', ...FILTER_PARAMETERS, ...queryables]);
    const versions = (await Promise.all(collections.map((c) => c.provider.stats()))).map((s) => s.version).join(',');
    const etag = `"${createHash('sha1').update(`${versions}|${req.originalUrl}`).digest('base64url')}"`;
    res.set({ ETag: etag, 'Cache-Control': 'public, max-age=3600', Vary: 'Accept' });
    if (req.headers['if-none-match'] === etag) { res.status(304).end(); return; }
    let bytes = cache.get(etag);
    if (!bytes) {
      const bbox = bufferedTileBounds(tms, z, row, col);
      const layers = [];
      for (const c of collections) {
        const filtered = filterPredicate(params, c.definition).predicate;
        const predicate = and([datetimePredicate(c.definition, parseDatetime(params.datetime)), propertyPredicate(c.definition, params), filtered]);
        const features: Feature[] = [];
        for await (const f of c.provider.scan(bbox, predicate)) features.push(f);
        layers.push({ name: c.definition.id, features });
      }
      const sumProperty = collections.length === 1 ? options.sumProperty?.[collections[0].definition.id] : undefined;
      // 500 KB in decimal units, the stricter reading of the limit.
      bytes = encodeTile(layers, tms, z, row, col, { sumProperty, maxBytes: 500_000 });
      cache.set(etag, bytes);
    }
    if (bytes.length === 0) { res.status(204).end(); return; }
    res.type(MVT_MEDIA_TYPE).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  }

  function tileset(ctx: ServerContext, req: Request, res: Response, collections: ServedCollection[], collectionId: string | null): Promise<void> | void {
    queryStrings(req, ['f']);
    const tms = tmsOr404(req.params.tileMatrixSetId as string);
    const base = baseUrl(ctx, req);
    return Promise.all(collections.map((c) => c.provider.stats())).then((stats) => {
      const extents = stats.map((s) => s.extent).filter((e) => e !== null);
      const extent = extents.length ? {
        minX: Math.min(...extents.map((e) => e.minX)), minY: Math.min(...extents.map((e) => e.minY)),
        maxX: Math.max(...extents.map((e) => e.maxX)), maxY: Math.max(...extents.map((e) => e.maxY)),
      } : null;
      const layers = collections.map((c) => layerInfo(c, options));
      if (req.query.f === 'tilejson') {
        res.json(tileJson(base, collectionId, layers, extent, 0, maxZoom, { attribution: collections[0]?.definition.attribution }));
        return;
      }
      res.json(tilesetDocument(base, tms, collectionId, layers, extent, 0, maxZoom));
    });
  }

  return {
    name: 'tiles',
    conformance: TILES_CONFORMANCE,
    router: (ctx) => {
      const router = Router();
      router.use(mapRouter(ctx, () => options.style ?? spatial(ctx).map((c) => ({ collection: c.definition.id }))));
      router.get('/tileMatrixSets', (req, res) => { queryStrings(req, ['f']); res.json(tileMatrixSetsList(baseUrl(ctx, req))); });
      router.get('/tileMatrixSets/:tileMatrixSetId', (req, res) => { queryStrings(req, ['f']); res.json(tmsOr404(req.params.tileMatrixSetId)); });
      router.get('/tiles', (req, res) => { queryStrings(req, ['f']); res.json(tilesetsList(baseUrl(ctx, req))); });
      router.get('/tiles/:tileMatrixSetId', (req, res) => tileset(ctx, req, res, spatial(ctx), null));
      router.get('/tiles/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol', (req, res) => tile(ctx, req, res, spatial(ctx)));
      router.get('/collections/:collectionId/tiles', (req, res) => {
        queryStrings(req, ['f']);
        const c = collectionOr404(ctx, req.params.collectionId);
        res.json(tilesetsList(baseUrl(ctx, req), c.definition.id, c.definition.title));
      });
      router.get('/collections/:collectionId/tiles/:tileMatrixSetId', (req, res) => {
        const c = collectionOr404(ctx, req.params.collectionId);
        return tileset(ctx, req, res, [c], c.definition.id);
      });
      router.get('/collections/:collectionId/tiles/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol', (req, res) => tile(ctx, req, res, [collectionOr404(ctx, req.params.collectionId as string)]));
      return router;
    },
    collection: (doc, collection, base) => {
      if (!collection.definition.geometryType) return;
      doc.links.push({ href: `${base}/collections/${collection.definition.id}/tiles`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector', type: 'application/json', title: 'Tuiles vectorielles' });
    },
    landingLinks: (base) => [
      { href: `${base}/tileMatrixSets`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes', type: 'application/json', title: 'Jeux de matrices de tuiles' },
      { href: `${base}/tiles`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector', type: 'application/json', title: 'Tuiles vectorielles du jeu de données' },
      { href: `${base}/styles/default`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/styles', type: 'application/vnd.mapbox.style+json', title: 'Style MapLibre' },
      { href: `${base}/map`, rel: 'related', type: 'text/html', title: 'Carte des tuiles vectorielles' },
    ],
    openapi: {
      paths: (catalog) => {
        const tileParams = ['tileMatrixSetId', 'tileMatrix', 'tileRow', 'tileCol'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
        const mvt = { 200: { description: 'Tuile MVT', content: { [MVT_MEDIA_TYPE]: {} } }, 204: { description: 'Tuile vide' }, 404: { description: 'Hors de la matrice' } };
        const paths: Record<string, unknown> = {
          '/tileMatrixSets': { get: { summary: 'Jeux de matrices de tuiles', operationId: 'getTileMatrixSets', responses: { 200: { description: 'Liste' } } } },
          '/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}': { get: { summary: 'Tuile du jeu de données', operationId: 'getDatasetTile', parameters: tileParams, responses: mvt } },
        };
        for (const { definition } of catalog.list()) {
          if (!definition.geometryType) continue;
          paths[`/collections/${definition.id}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}`] = { get: { summary: `${definition.title} : tuile`, operationId: `getTile_${definition.id}`, tags: [definition.id], parameters: tileParams, responses: mvt } };
        }
        return paths;
      },
    },
  };
}
