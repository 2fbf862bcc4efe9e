// OGC API – Features Core: /collections/{collectionId}/items and /items/{featureId}.
// Flow: parse parameters → plan (extensions add bbox, predicates, shapers) → provider → format.
import { Router, type Request, type Response } from 'express';
import type { Feature as GeoJsonFeature } from 'geojson';
import type { ServedCollection } from '../catalog.js';
import { baseUrl, collectionOr404, queryStrings, type ServerContext } from '../context.js';
import { InvalidParameterValue, NotFound } from '../errors.js';
import { linkHeader, peekPage } from '../formats/link-header.js';
import { featureDocumentJson, plainShaper, writeFeatureCollection, type FeatureShaper, type Link } from '../formats/geojson.js';
import { featureRows, filterForm, mapScript, page, propertyTable, render, templatePage } from '../formats/html.js';
import { formatLabel, formatNumber, langOf, t, varyOnNegotiation, type Lang } from '../i18n.js';
import { parseBbox } from '../params/bbox.js';
import { parseDatetime } from '../params/datetime.js';
import { negotiate, type FormatChoice } from '../params/format.js';
import { parseLimit, parseOffset } from '../params/limit.js';
import { and, parseEquals } from '../query/predicate.js';
import { MAX_SORTED_DEPTH, runQuery } from '../query/run.js';
import type { ItemsExtension, ItemsFormat, ItemsPlan } from '../query/extensions.js';
import type { Feature, ProviderQuery, ProviderResult } from '../types.js';
import { etagMatches, PageCache } from '../page-cache.js';
import { SortOrders } from '../sort.js';
import { sendEncoded } from '../compression.js';

// The contracts live in server/query/; re-exported for the parts that import them from here.
export type { ItemsExtension, ItemsFormat, ItemsPlan };
export { MAX_SORTED_DEPTH };

const CORE_ITEMS_PARAMETERS = ['f', 'limit', 'offset', 'bbox', 'datetime'];
const BASE_FORMATS: FormatChoice[] = [
  { key: 'json', mediaType: 'application/geo+json' },
  { key: 'html', mediaType: 'text/html' },
];

/** numberMatched of filtered queries costs a full pass: remember it per file version and query. */
class CountCache {
  private entries = new Map<string, number>();
  constructor(private max = 2000) {}
  get(key: string): number | undefined { return this.entries.get(key); }
  set(key: string, value: number): void {
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}

const numberSets = new WeakMap<object, Set<string>>();
function numberProperties(definition: ServedCollection['definition']): Set<string> {
  let set = numberSets.get(definition);
  if (!set) numberSets.set(definition, (set = new Set(definition.properties.filter((p) => p.type === 'number').map((p) => p.name))));
  return set;
}

function composeShaper(shapers: ((f: GeoJsonFeature) => GeoJsonFeature)[]): FeatureShaper {
  if (shapers.length === 0) return plainShaper;
  return (f) => shapers.reduce((acc, s) => s(acc), plainShaper(f));
}

function hrefWith(base: string, path: string, params: Record<string, string>, changes: Record<string, string | undefined>): string {
  const merged: Record<string, string> = { ...params };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  const qs = new URLSearchParams(merged).toString();
  return `${base}${path}${qs ? `?${qs}` : ''}`;
}

interface ItemsPage {
  lang: Lang; base: string; path: string; params: Record<string, string>; collection: ServedCollection;
  features: Feature[]; numberMatched: number | undefined; offset: number; limit: number; links: Link[]; cql2: boolean; exports: ItemsFormat[];
}

/** Items page: filter form, map (features and requested bbox), pager, table, downloads. */
function itemsHtml(p: ItemsPage): string {
  const { lang, base, path, params, collection: { definition } } = p;
  const htmlHref = (href: string) => hrefWith(base, path, Object.fromEntries(new URL(href).searchParams), { f: 'html' });
  const pager = (['prev', 'next'] as const).flatMap((rel) => p.links.filter((l) => l.rel === rel).slice(0, 1).map((l) => ({ href: htmlHref(l.href), rel })));
  const count = p.features.length
    ? `${t(lang, 'shown', formatNumber(lang, p.offset + 1), formatNumber(lang, p.offset + p.features.length))}${p.numberMatched !== undefined ? ` ${t(lang, 'of', formatNumber(lang, p.numberMatched))}` : ''}.`
    : t(lang, 'noFeature');
  const bbox = params.bbox?.split(',').map(Number);
  const map = definition.geometryType
    ? mapScript('map', { type: 'FeatureCollection', features: p.features.map((f) => ({ type: 'Feature', id: f.id, geometry: f.geometry, properties: {} })) },
      { base, label: t(lang, 'featuresMap'), bbox })
    : '';
  const columns = definition.properties.slice(0, 8).map((prop) => prop.name);
  // This page in every streamed format, and the whole filtered result (no limit) for each.
  const { limit: _l, offset: _o, ...filterParams } = params;
  const downloads = p.exports.map((f) => ({
    label: formatLabel(lang, f.key), page: hrefWith(base, path, params, { f: f.key, limit: String(p.limit) }), all: hrefWith(base, path, filterParams, { f: f.key }),
  }));
  const data = {
    form: filterForm({ lang, action: `${base}${path}`, params, properties: definition.properties, temporal: !!definition.temporal, spatial: !!definition.geometryType, cql2: p.cql2, limit: p.limit }),
    map, noGeometry: !definition.geometryType, bboxShown: !!bbox, count, pager, downloads,
    table: featureRows(p.features, columns, (f) => `${base}${path}/${encodeURIComponent(f.id)}?f=html`, t(lang, 'tableCaption', columns.length)),
  };
  return templatePage({ base, lang, title: `${definition.title} — ${t(lang, 'features').toLowerCase()}`, links: p.links, breadcrumbs: [
    { href: `${base}/?f=html`, label: t(lang, 'home') }, { href: `${base}/collections?f=html`, label: t(lang, 'collections') },
    { href: `${base}/collections/${definition.id}?f=html`, label: definition.title }] }, 'items', data, { map: !!definition.geometryType, script: true });
}

export interface ItemsOptions {
  /** Bytes of recently served GeoJSON pages kept per process (0: none). Default 64 MiB. */
  pageCacheBytes?: number;
  /** numberMatched is left out when counting would test more features than this (see README). Default 3,000,000. */
  countLimit?: number;
}

export const DEFAULT_COUNT_LIMIT = 3_000_000;

export function itemsRouter(ctx: ServerContext, extensions: ItemsExtension[] = [], options: ItemsOptions = {}): Router {
  const router = Router();
  const counts = new CountCache();
  const pages = new PageCache(options.pageCacheBytes);
  const orders = new SortOrders();
  const extraFormats = extensions.flatMap((e) => e.formats ?? []);
  const formats = [...BASE_FORMATS, ...extraFormats];

  async function plan(params: Record<string, string>, collection: ServedCollection, forFeature: boolean): Promise<ItemsPlan> {
    const result: ItemsPlan = { where: { definition: collection.definition }, predicates: [], shapers: [], headers: {} };
    if (!forFeature) {
      result.bbox = parseBbox(params.bbox);
      const datetime = parseDatetime(params.datetime);
      if (datetime) {
        if (!collection.definition.temporal) throw new InvalidParameterValue('datetime', "cette collection n'a pas de propriété temporelle");
        result.where.datetime = datetime;
      }
      result.where.equals = parseEquals(collection.definition, params);
    }
    for (const extension of extensions) await extension.apply(params, collection, result);
    return result;
  }

  router.get('/collections/:collectionId/items', async (req: Request, res: Response) => {
    const collection = collectionOr404(ctx, req.params.collectionId as string);
    const { definition } = collection;
    const queryables = definition.properties.filter((p) => p.queryable !== false).map((p) => p.name);
    const params = queryStrings(req, [...CORE_ITEMS_PARAMETERS, ...extensions.flatMap((e) => e.parameters), ...queryables]);
    const limit = parseLimit(params.limit);
    const offset = parseOffset(params.offset);
    const format = negotiate(req, formats);
    const itemsPlan = await plan(params, collection, false);
    const query: ProviderQuery = {
      bbox: itemsPlan.bbox, where: itemsPlan.where, predicate: and(itemsPlan.predicates), sort: itemsPlan.sort, properties: itemsPlan.properties,
      offset, limit, count: false, countLimit: options.countLimit ?? DEFAULT_COUNT_LIMIT,
    };
    const shape = composeShaper(itemsPlan.shapers);
    const provider = collection.provider;
    const base = baseUrl(ctx, req);
    const path = `/collections/${definition.id}/items`;
    res.set(itemsPlan.headers);
    varyOnNegotiation(res, format.key === 'html');
    // A sort order is the same for every page and format of one query on one data version.
    const sortCache = async () => {
      if (!itemsPlan.sort) return undefined;
      const { limit: _l, offset: _o, f: _f, properties: _p, skipGeometry: _s, crs: _c, ...rest } = params;
      return { orders, key: `${definition.id}|${ctx.dataVersion?.() ?? ''}|${(await provider.stats()).version}|${new URLSearchParams(Object.entries(rest).sort()).toString()}` };
    };

    const extra = extraFormats.find((f) => f.key === format.key);
    if (extra) {
      // Streaming formats: the page (offset/limit), or the whole result when limit is absent.
      const wholeResult = params.limit === undefined;
      if (wholeResult && itemsPlan.sort) throw new InvalidParameterValue('sortby', 'un export complet trié demande un paramètre limit');
      // A page is asked with one feature more: whether a next page exists goes in its Link header.
      const asked = wholeResult ? Number.MAX_SAFE_INTEGER : limit + (itemsPlan.sort && offset + limit >= MAX_SORTED_DEPTH ? 0 : 1);
      const result = await runQuery(provider, { ...query, limit: asked }, await sortCache());
      let features = result.features;
      if (!wholeResult) {
        const page = await peekPage(features, limit);
        features = page.features;
        const paging = (rel: string, at: number) => ({ href: hrefWith(base, path, params, { offset: at > 0 ? String(at) : undefined, limit: String(limit) }), rel, type: format.mediaType });
        res.setHeader('Link', linkHeader([paging('self', offset), ...(page.more ? [paging('next', offset + limit)] : []), ...(offset > 0 ? [paging('prev', Math.max(0, offset - limit))] : [])]));
      }
      await extra.write(res, features, shape, collection);
      return;
    }

    const pinned = ctx.dataVersion?.();
    const version = `${pinned ?? ''}|${(await provider.stats()).version}`;
    // The same page of the same data version, asked again: sent from the cache (or 304).
    const pageKey = format.key === 'html' ? null : `${definition.id}|${version}|${format.mediaType}|${base}|${new URLSearchParams(Object.entries(params).sort()).toString()}`;
    if (pageKey) {
      // The tag depends only on the key (data version included): a match is a 304, cached or not.
      const etag = PageCache.etagOf(pageKey);
      res.set({ ...itemsPlan.headers, ETag: etag });
      if (etagMatches(req.headers['if-none-match'], etag)) { res.status(304).end(); return; }
      const cachedPage = pages.get(pageKey);
      if (cachedPage) {
        res.status(200).type(format.mediaType);
        await sendEncoded(req, res, cachedPage);
        return;
      }
    }
    const { limit: _l, offset: _o, f: _f, ...filterParams } = params;
    const countKey = `${definition.id}|${version}|${new URLSearchParams(Object.entries(filterParams).sort()).toString()}`;
    const cached = counts.get(countKey);
    const result: ProviderResult = await runQuery(provider, { ...query, count: cached === undefined }, await sortCache());

    // Paging stays on the version it started on: next/prev (and self) carry it.
    const pin = pinned ? { v: pinned } : {};
    const links = (numberReturned: number, numberMatched: number | undefined): Link[] => {
      const list: Link[] = [
        { href: hrefWith(base, path, params, pin), rel: 'self', type: format.mediaType, title: 'Cette page' },
        // A streamed format without limit is the whole result: its alternate carries this page's limit.
        ...formats.filter((f) => f.key !== format.key).map((f) => ({ href: hrefWith(base, path, params, { f: f.key, ...(extraFormats.includes(f as ItemsFormat) ? { limit: String(limit) } : {}) }), rel: 'alternate', type: f.mediaType, title: `Cette page (${f.key})` })),
        { href: `${base}/collections/${definition.id}`, rel: 'collection', type: 'application/json', title: definition.title },
      ];
      const hasNext = numberMatched !== undefined ? offset + numberReturned < numberMatched : numberReturned === limit;
      if (hasNext) list.push({ href: hrefWith(base, path, params, { offset: String(offset + limit), limit: String(limit), ...pin }), rel: 'next', type: format.mediaType, title: 'Page suivante' });
      if (offset > 0) list.push({ href: hrefWith(base, path, params, { offset: offset - limit > 0 ? String(offset - limit) : undefined, limit: String(limit), ...pin }), rel: 'prev', type: format.mediaType, title: 'Page précédente' });
      return list;
    };
    const matched = async () => {
      const n = cached ?? (await result.numberMatched());
      if (n !== undefined) counts.set(countKey, n);
      return n;
    };

    if (format.key === 'html') {
      const features: Feature[] = [];
      for await (const f of result.features) features.push(f);
      const numberMatched = await matched();
      const pageLinks = links(features.length, numberMatched);
      res.type('html').send(itemsHtml({ lang: langOf(req), base, path, params, collection, features, numberMatched, offset, limit, links: pageLinks,
        cql2: extensions.some((e) => e.parameters.includes('filter')), exports: extraFormats }));
      return;
    }

    const body = await writeFeatureCollection(res, {
      features: result.features,
      finish: async (numberReturned) => {
        const numberMatched = await matched();
        return { numberMatched, links: links(numberReturned, numberMatched) };
      },
    }, shape, format.mediaType, numberProperties(definition));
    if (body && pageKey) pages.set(pageKey, body);
  });

  router.get('/collections/:collectionId/items/:featureId', async (req: Request, res: Response) => {
    const collection = collectionOr404(ctx, req.params.collectionId as string);
    const { definition } = collection;
    const params = queryStrings(req, ['f', ...extensions.flatMap((e) => e.featureParameters ?? [])]);
    const format = negotiate(req, [...BASE_FORMATS, ...extraFormats]);
    const itemsPlan = await plan(params, collection, true);
    const featureId = req.params.featureId as string;
    // A feature asked again: the page cache, as for items pages (GeoJSON only).
    const json = format.key !== 'html' && !extraFormats.some((f) => f.key === format.key);
    const featureKey = json ? `feature|${definition.id}|${ctx.dataVersion?.() ?? ''}|${(await collection.provider.stats()).version}|${format.mediaType}|${baseUrl(ctx, req)}|${featureId}|${new URLSearchParams(Object.entries(params).sort()).toString()}` : null;
    if (featureKey) {
      const etag = PageCache.etagOf(featureKey);
      res.set({ ...itemsPlan.headers, ETag: etag });
      varyOnNegotiation(res, false);
      if (etagMatches(req.headers['if-none-match'], etag)) { res.status(304).end(); return; }
      const cachedFeature = pages.get(featureKey);
      if (cachedFeature) { res.status(200).type('application/geo+json'); await sendEncoded(req, res, cachedFeature); return; }
    }
    const feature = await collection.provider.get(featureId);
    if (!feature) throw new NotFound(`Entité « ${featureId} » introuvable dans la collection « ${definition.id} »`);
    const base = baseUrl(ctx, req);
    const href = `${base}/collections/${definition.id}/items/${encodeURIComponent(feature.id)}`;
    const links: Link[] = [
      { href: hrefWith(href, '', params, {}), rel: 'self', type: format.mediaType, title: 'Cette entité' },
      { href: hrefWith(href, '', params, { f: format.key === 'html' ? 'json' : 'html' }), rel: 'alternate', type: format.key === 'html' ? 'application/geo+json' : 'text/html', title: format.key === 'html' ? 'GeoJSON' : 'HTML' },
      ...extraFormats.map((f) => ({ href: hrefWith(href, '', params, { f: f.key }), rel: 'alternate', type: f.mediaType, title: `Cette entité (${f.key})` })),
      { href: `${base}/collections/${definition.id}`, rel: 'collection', type: 'application/json', title: definition.title },
    ];
    res.set(itemsPlan.headers);
    varyOnNegotiation(res, format.key === 'html');
    const shape = composeShaper(itemsPlan.shapers);
    const extra = extraFormats.find((f) => f.key === format.key);
    if (extra) {
      await extra.write(res, (async function* one() { yield feature; })(), shape, collection, `${definition.id}-${feature.id}`);
      return;
    }
    if (format.key === 'html') {
      const lang = langOf(req);
      const shaped = shape(feature);
      const map = definition.geometryType ? mapScript('map', { type: 'FeatureCollection', features: [plainShaper(feature)] }, { base, label: t(lang, 'featureMap') }) : '';
      const body = render('feature', lang, { map, properties: propertyTable(shaped.properties ?? {}, definition.properties, lang) });
      res.type('html').send(page({ base, lang, title: `${definition.title} — ${feature.id}`, links, breadcrumbs: [
        { href: `${base}/?f=html`, label: t(lang, 'home') }, { href: `${base}/collections?f=html`, label: t(lang, 'collections') },
        { href: `${base}/collections/${definition.id}?f=html`, label: definition.title },
        { href: `${base}/collections/${definition.id}/items?f=html`, label: t(lang, 'features') }] }, body, { map: definition.geometryType !== null }));
      return;
    }
    const body = Buffer.from(featureDocumentJson(feature, shape, links, numberProperties(definition)));
    res.type('application/geo+json');
    if (featureKey) await sendEncoded(req, res, pages.set(featureKey, body));
    else res.set('Content-Length', String(body.length)).end(body);
  });

  return router;
}
