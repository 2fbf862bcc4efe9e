// The ApiPart serving a CompatApi: its paths, page/size (or cursor) paging, `fields`, `sort`,
// JSON/GeoJSON envelopes and CSV. Flow as for items: parameters → one CQL2 tree → compiled
// predicate and R-tree box → provider → page → writer.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { assertVisible } from '../auth/context.js';
import type { ServedCollection } from '../catalog.js';
import { baseUrl, type ServerContext } from '../context.js';
import { Cql2Error } from '../cql2/index.js';
import { OgcError } from '../errors.js';
import { etagMatches, PageCache } from '../page-cache.js';
import { sendEncoded } from '../compression.js';
import type { ApiPart } from '../part.js';
import { astPredicate } from '../routes/filter.js';
import { MAX_SORTED_DEPTH } from '../routes/items.js';
import { compareBy, topK } from '../sort.js';
import type { Feature, FeaturePredicate, QueryConditions, Rect } from '../types.js';
import { CompatParameterError, PAGING_PARAMETERS, parametersToCql2, spatialParameters, type CompatApi, type CompatEndpoint } from './api.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { compatPaths } from './openapi.js';
import { writeCsvPage, writeJsonPage, type PageToWrite } from './write.js';

/** Counts of filtered queries cost a full pass: kept per data version and filter. */
class CountCache {
  private entries = new Map<string, number>();
  constructor(private max = 2000) {}
  get(key: string): number | undefined { return this.entries.get(key); }
  set(key: string, value: number): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** Repeated parameters (`bbox=1&bbox=2…`, as some clients send lists) are joined by commas. */
function flatten(query: Request['query']): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) out.push([key, value.map(String).join(',')]);
    else if (typeof value === 'string') out.push([key, value]);
  }
  return out;
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CompatParameterError(name, `« ${raw} » : un entier entre ${min} et ${max} est attendu`);
  }
  return n;
}

/** Host names and ports only: a forged Host header must not end up in links. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function linkBase(ctx: ServerContext, req: Request): string {
  if (!ctx.info.baseUrl && !HOST.test(req.get('host') ?? '')) throw new OgcError(400, 'InvalidParameterValue', 'En-tête Host invalide');
  return baseUrl(ctx, req);
}

interface Planned { predicate?: FeaturePredicate; bbox?: Rect; filterKey: string; where?: QueryConditions }

function plan(endpoint: CompatEndpoint, collection: ServedCollection, params: Record<string, string>): Planned {
  const ast = parametersToCql2(endpoint, collection.definition, params);
  const filterKey = new URLSearchParams(Object.entries(params).filter(([k]) => !PAGING_PARAMETERS.includes(k)).sort()).toString();
  if (!ast) return { filterKey };
  try {
    // The tree goes to the provider too (`where`): its column sidecar can answer counts and pages.
    return { ...astPredicate(ast, collection.definition), filterKey, where: { definition: collection.definition, filter: ast } };
  } catch (error) {
    if (error instanceof Cql2Error) throw new CompatParameterError('', error.message);
    throw error;
  }
}

export interface CompatOptions {
  /** Bytes of recently served pages kept per process (0: none). Default 32 MiB. */
  pageCacheBytes?: number;
}

export function compatPart(api: CompatApi, options: CompatOptions = {}): ApiPart {
  const router = (ctx: ServerContext) => {
    const r = Router();
    const counts = new CountCache();
    const pages = new PageCache(options.pageCacheBytes ?? 32 * 1024 * 1024);

    const handle = (endpoint: CompatEndpoint, csv: boolean) => async (req: Request, res: Response, next: NextFunction) => {
      try {
        await serve(ctx, req, res, endpoint, csv);
      } catch (error) {
        if (res.headersSent) { next(error); return; }
        if (error instanceof CompatParameterError) {
          res.status(400).json(api.errorBody(400, 'InvalidParameterValue', error.parameter ? `Paramètre « ${error.parameter} » invalide : ${error.message}` : error.message,
            error.parameter ? { field: error.parameter, message: error.message } : undefined));
        } else if (error instanceof OgcError) {
          res.status(error.status).set(error.headers).json(api.errorBody(error.status, error.code, error.message));
        } else next(error);
      }
    };

    async function serve(ctx: ServerContext, req: Request, res: Response, endpoint: CompatEndpoint, csv: boolean): Promise<void> {
      const entries = flatten(req.query);
      const params = Object.fromEntries(entries);
      const known = new Set([...PAGING_PARAMETERS, ...Object.keys(endpoint.parameters), ...spatialParameters(endpoint)]);
      const unknown = entries.find(([k]) => !known.has(k));
      if (unknown && api.unknownParameters === 'reject') throw new CompatParameterError(unknown[0], `paramètre inconnu ; paramètres acceptés : ${[...known].join(', ')}`);
      // Before anything else: a restricted collection answers 401/403 here as on /collections/{id}.
      assertVisible(endpoint.collection);
      const collection = ctx.catalog().get(endpoint.collection);
      if (!collection) throw new OgcError(404, 'NotFound', `Ressource « ${req.path} » indisponible`);
      const { definition } = collection;

      const format = csv ? 'csv' : (params.format || endpoint.formats[0]) as 'json' | 'geojson';
      if (!csv && !endpoint.formats.includes(format as 'json')) throw new CompatParameterError('format', `« ${params.format} » : ${endpoint.formats.join(' ou ')} attendu`);
      const sort = params.sort || undefined;
      if (sort !== undefined && sort !== 'asc' && sort !== 'desc') throw new CompatParameterError('sort', `« ${sort} » : asc ou desc attendu`);
      const size = integer('size', params.size, api.paging.defaultSize, 1, api.paging.maxSize);
      const stats = await collection.provider.stats();

      // Paging: page numbers (with the service's depth wall) or an opaque cursor (without).
      const cursorMode = params.cursor !== undefined;
      let offset: number;
      let page: number;
      if (cursorMode) {
        if (params.page !== undefined) throw new CompatParameterError('page', 'page et cursor ne vont pas ensemble');
        offset = decodeCursor(params.cursor, stats.version);
        page = Math.floor(offset / size) + 1;
      } else {
        page = integer('page', params.page, 1, 1, Number.MAX_SAFE_INTEGER);
        if (api.paging.depthLimit && page * size > api.paging.maxDepth) {
          throw new CompatParameterError('page', `page × size (${page} × ${size}) dépasse la profondeur maximale de ${api.paging.maxDepth} résultats ; ` +
            'restreignez la requête ou parcourez les résultats avec le paramètre cursor (cursor=* pour la première page, puis les liens next)');
        }
        offset = (page - 1) * size;
      }

      const fieldOrder = endpoint.fields ?? definition.properties.map((p) => p.name);
      const wanted = params.fields ? new Set(params.fields.split(',').map((f) => f.trim())) : undefined;
      const fields = wanted ? fieldOrder.filter((f) => wanted.has(f)) : fieldOrder;

      // The same page of the same data version, asked again: from the cache (or 304).
      const base = `${linkBase(ctx, req)}${api.prefix}${endpoint.path}${csv ? '.csv' : ''}`;
      const pageKey = `${api.name}|${stats.version}|${base}|${new URLSearchParams([...entries].sort()).toString()}`;
      const etag = PageCache.etagOf(pageKey);
      res.set('ETag', etag);
      if (etagMatches(req.headers['if-none-match'], etag)) { res.status(304).end(); return; }
      const cached = pages.get(pageKey);
      if (cached) {
        res.status(cached.response?.status ?? 200).set(cached.response?.headers ?? {});
        await sendEncoded(req, res, cached);
        return;
      }

      const planned = plan(endpoint, collection, params);
      const countKey = `${endpoint.path}|${stats.version}|${planned.filterKey}`;
      let count = counts.get(countKey);
      let features: Feature[];
      if (sort) {
        if (offset + size > MAX_SORTED_DEPTH) throw new CompatParameterError('sort', `trié, le parcours s'arrête à ${MAX_SORTED_DEPTH} résultats ; restreignez la requête`);
        const keys = endpoint.sortKeys.map((property) => ({ property, descending: sort === 'desc' }));
        const { top, count: n } = await topK(collection.provider.scan(planned.bbox, planned.predicate), offset + size, compareBy(keys));
        features = top.slice(offset);
        count = n;
      } else {
        const result = await collection.provider.query({ bbox: planned.bbox, where: planned.where, offset, limit: size, count: count === undefined });
        features = [];
        for await (const f of result.features) features.push(f);
        count ??= await result.numberMatched();
      }
      if (count === undefined) throw new Error('compat: the provider gave no count');
      counts.set(countKey, count);

      // Links keep every parameter as sent (repeated ones joined), changing only the page.
      const href = (change: Record<string, string>) => {
        const kept = entries.filter(([k]) => !(k in change) && k !== 'page' && k !== 'cursor');
        // Commas stay readable, as clients write lists (`code_departement=18,36`).
        return `${base}?${new URLSearchParams([...kept, ...Object.entries(change)]).toString().replace(/%2C/g, ',')}`;
      };
      const lastOffset = Math.max(0, Math.ceil(count / size) - 1) * size;
      const hasNext = offset + features.length < count;
      const pageLink = (p: number) => href({ page: String(p), size: String(size) });
      const cursorLink = (o: number) => href({ cursor: o === 0 ? '*' : encodeCursor(o, stats.version), size: String(size) });
      const wall = (o: number) => api.paging.depthLimit && o + size > api.paging.maxDepth;
      const links = cursorMode
        ? { first: cursorLink(0), last: cursorLink(lastOffset), prev: offset > 0 ? cursorLink(Math.max(0, offset - size)) : null, next: hasNext ? cursorLink(offset + size) : null }
        : {
          first: pageLink(1),
          // Past the wall a page number would be refused: those links continue with a cursor.
          last: wall(lastOffset) ? cursorLink(lastOffset) : pageLink(lastOffset / size + 1),
          prev: page > 1 ? pageLink(page - 1) : null,
          next: hasNext ? (wall(offset + size) ? cursorLink(offset + size) : pageLink(page + 1)) : null,
        };

      const status = links.next ? 206 : 200;
      const names = definition.properties.map((p) => p.name);
      const toWrite: PageToWrite = { features, fields, definition, allProperties: fields.length === names.length && fields.every((f, i) => f === names[i]) };
      let body: Buffer | undefined;
      const headers: Record<string, string> = {};
      if (csv) {
        headers.Link = Object.entries(links).filter(([, v]) => v).map(([rel, v]) => `<${v}>; rel="${rel}"`).join(', ');
        res.set(headers);
        body = await writeCsvPage(res, status, toWrite);
        headers['Content-Type'] = String(res.getHeader('Content-Type'));
      } else {
        body = await writeJsonPage(res, status, toWrite, api.envelope({ count, links, format: format as 'json' | 'geojson' }), format as 'json' | 'geojson');
        headers['Content-Type'] = String(res.getHeader('Content-Type'));
      }
      if (body) pages.set(pageKey, body, { status, headers });
    }

    for (const endpoint of api.endpoints) {
      r.get(`${api.prefix}${endpoint.path}`, handle(endpoint, false));
      r.get(`${api.prefix}${endpoint.path}.csv`, handle(endpoint, true));
    }
    return r;
  };
  return { name: api.name, router, openapi: { paths: (catalog) => compatPaths(api, catalog) } };
}
