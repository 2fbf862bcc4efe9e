// WFS 2.0.0 facade (Simple WFS + Basic where it fits) at /wfs over the same catalog, access scopes,
// CQL2 engine and CRS module as the OGC API. One ApiPart; the namespace comes from the domain.
import express, { Router, type Request, type Response } from 'express';
import type { Catalog } from '../catalog.js';
import { baseUrl, type ServerContext } from '../context.js';
import { OgcError } from '../errors.js';
import { sendEncoded } from '../compression.js';
import type { ApiPart, LandingNote } from '../part.js';
import { ACCEPTED_VERSIONS, DEFAULT_COUNT, GEOMETRY, localName, WFS_VERSION, type WfsOptions } from './config.js';
import { capabilities, describeFeatureType, describeStoredQueries, GET_FEATURE_BY_ID, GML_FORMAT, JSON_FORMAT, listStoredQueries } from './documents.js';
import { exceptionReport, invalid, missing, WfsException } from './errors.js';
import { fromKvp, fromXml, type WfsRequest } from './request.js';
import { jsonShaper, singleFeatureGml, writeGmlCollection, writeJsonCollection, writeValueCollection, type CollectionInfo } from './output.js';
import { planQuery, runQuery } from './query.js';
import { CRS84 } from '../crs/index.js';
import { featureJson } from '../formats/geojson.js';
import { PageCache } from '../page-cache.js';

export type { WfsOptions } from './config.js';

const GML_FORMATS = /^(application\/gml\+xml(;\s*version=3\.2(\.1)?)?|text\/xml;\s*subtype="?gml\/3\.2(\.1)?"?|gml32|gml3\.2)$/i;
const JSON_FORMATS = /^(application\/(geo\+)?json|json|geojson)$/i;

type Output = 'gml' | 'json';
function outputOf(raw: string | undefined): Output {
  if (raw === undefined || GML_FORMATS.test(raw.trim())) return 'gml';
  if (JSON_FORMATS.test(raw.trim())) return 'json';
  throw invalid('outputFormat', `« ${raw} » non disponible ; ${GML_FORMAT} ou ${JSON_FORMAT}`);
}

/** numberMatched of a filter costs a full pass: kept per data version and filter (bounded). */
class CountCache {
  private entries = new Map<string, number>();
  get(key: string): number | undefined { return this.entries.get(key); }
  set(key: string, value: number): void {
    this.entries.set(key, value);
    if (this.entries.size > 1000) this.entries.delete(this.entries.keys().next().value as string);
  }
}

function checkVersion(r: WfsRequest): void {
  if (r.version === undefined) {
    if (/^GetCapabilities$/i.test(r.request)) return;
    throw missing('version');
  }
  if (!ACCEPTED_VERSIONS.includes(r.version)) throw invalid('version', `« ${r.version} » : ce service est WFS ${WFS_VERSION}`);
}

export function wfsRouter(ctx: ServerContext, options: WfsOptions): Router {
  const router = Router();
  const counts = new CountCache();
  // The same KVP GetFeature of the same data version again (a client panning back, a reload): sent
  // from memory, as the OGC API's pages are. The type is in the key; who may see it is the guard's.
  const pages = new PageCache(options.pageCacheBytes ?? 32 * 1024 * 1024);
  const countDefault = options.countDefault ?? DEFAULT_COUNT;
  const describeUrl = (base: string, type: string) => `${base}/wfs?SERVICE=WFS&VERSION=${WFS_VERSION}&REQUEST=DescribeFeatureType&TYPENAMES=${encodeURIComponent(`${options.prefix}:${type}`)}`;

  const xml = (res: Response, body: string, type = 'application/xml') => { res.status(200).type(type).send(body); };

  async function getFeature(req: Request, res: Response, r: WfsRequest, catalog: Catalog, base: string): Promise<void> {
    const output = outputOf(r.outputFormat);
    if (r.storedQueryId !== undefined) { await featureById(res, r, catalog, base, output); return; }
    const propertyValue = /^GetPropertyValue$/i.test(r.request);
    if (propertyValue && !r.valueReference) throw missing('valueReference');
    // GeoJSON is CRS84 unless a srsName is asked (RFC 7946); GML defaults to the DefaultCRS.
    const q = planQuery(catalog, r.query, r.query.srsName, output === 'json' ? { crs: CRS84, name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } : undefined);
    let valueProperty: string | undefined;
    if (propertyValue) {
      valueProperty = localName(r.valueReference!.split('/').pop()!.replace(/^@/, ''));
      if (!q.properties.includes(valueProperty) && !(valueProperty === GEOMETRY && q.collection.definition.geometryType)) throw invalid('valueReference', `propriété « ${r.valueReference} » inconnue`);
      if (output === 'json') throw invalid('outputFormat', `GetPropertyValue répond en ${GML_FORMAT}`);
    }
    const count = Math.min(r.count ?? countDefault, countDefault);
    const version = (await q.collection.provider.stats()).version;
    const mediaType = output === 'json' ? 'application/json; charset=utf-8' : GML_FORMAT;
    const pageKey = r.kvp && !propertyValue ? `wfs|${q.collection.definition.id}|${version}|${base}|${new URLSearchParams(Object.entries(r.kvp).sort()).toString()}` : null;
    const cached = pageKey ? pages.get(pageKey) : undefined;
    if (cached) { res.status(200).type(mediaType); await sendEncoded(req, res, cached); return; }
    const countKey = `${q.collection.definition.id}|${version}|${q.key}`;
    const page = await runQuery(q, r.startIndex, r.resultType === 'hits' ? 0 : count, counts.get(countKey));
    counts.set(countKey, page.numberMatched);
    const numberReturned = r.resultType === 'hits' ? 0 : Math.max(0, Math.min(count, page.numberMatched - r.startIndex));
    const info: CollectionInfo = { numberMatched: page.numberMatched, numberReturned, describeUrl: describeUrl(base, q.collection.definition.id) };
    if (r.kvp && r.resultType === 'results' && count > 0) {
      const link = (startIndex: number) => {
        const params = Object.entries(r.kvp!).filter(([k]) => !/^(startindex|count|maxfeatures)$/i.test(k));
        params.push(['STARTINDEX', String(startIndex)], ['COUNT', String(count)]);
        return `${base}/wfs?${new URLSearchParams(params).toString()}`;
      };
      if (r.startIndex + numberReturned < page.numberMatched) info.next = link(r.startIndex + count);
      if (r.startIndex > 0) info.previous = link(Math.max(0, r.startIndex - count));
    }
    if (valueProperty !== undefined) { await writeValueCollection(res, options, q, valueProperty, page.features, info); return; }
    const body = output === 'json' ? await writeJsonCollection(res, q, page.features, info) : await writeGmlCollection(res, options, q, page.features, info);
    if (body && pageKey) pages.set(pageKey, body);
  }

  async function featureById(res: Response, r: WfsRequest, catalog: Catalog, base: string, output: Output): Promise<void> {
    if (r.storedQueryId !== GET_FEATURE_BY_ID) throw invalid('storedQuery_id', `requête stockée « ${r.storedQueryId} » inconnue ; voir ListStoredQueries`);
    const rid = r.storedQueryParameters.ID;
    if (!rid) throw missing('id');
    // `type.id` names its type; a bare id is looked for in every type the caller sees.
    const dot = rid.indexOf('.');
    const typed = dot > 0 ? catalog.get(rid.slice(0, dot)) : undefined;
    const candidates = typed ? [{ collection: typed, id: rid.slice(dot + 1) }] : catalog.list().map((collection) => ({ collection, id: rid }));
    for (const { collection, id } of candidates) {
      const feature = await collection.provider.get(id);
      if (!feature) continue;
      const q = planQuery(catalog, { typeNames: [collection.definition.id] }, r.query.srsName, output === 'json' ? { crs: CRS84, name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } : undefined);
      if (output === 'json') { res.status(200).type('application/geo+json').send(featureJson(jsonShaper(q)(feature))); return; }
      xml(res, singleFeatureGml(options, q, feature, describeUrl(base, collection.definition.id)), GML_FORMAT);
      return;
    }
    throw new WfsException('NotFound', 'id', `Aucune entité d'identifiant « ${rid} »`);
  }

  async function dispatch(req: Request, res: Response, r: WfsRequest): Promise<void> {
    const catalog = ctx.catalog();
    const base = baseUrl(ctx, req);
    const op = r.request.toLowerCase();
    if (op === 'getcapabilities') {
      if (r.acceptVersions && !r.acceptVersions.some((v) => ACCEPTED_VERSIONS.includes(v))) {
        throw new WfsException('VersionNegotiationFailed', 'acceptVersions', `Versions demandées (${r.acceptVersions.join(', ')}) non servies ; ce service est WFS ${WFS_VERSION}`);
      }
      xml(res, await capabilities({ ...options, countDefault }, catalog.list(), `${base}/wfs`));
      return;
    }
    checkVersion(r);
    switch (op) {
      case 'describefeaturetype': {
        if (r.outputFormat !== undefined && !GML_FORMATS.test(r.outputFormat)) throw invalid('outputFormat', `« ${r.outputFormat} » ; ${GML_FORMAT}`);
        const types = r.query.typeNames.length
          ? r.query.typeNames.map((name) => catalog.get(name) ?? (() => { throw invalid('typeNames', `type « ${name} » inconnu ; voir GetCapabilities`); })())
          : catalog.list();
        xml(res, describeFeatureType(options, types), GML_FORMAT);
        return;
      }
      case 'getfeature': case 'getpropertyvalue':
        await getFeature(req, res, r, catalog, base);
        return;
      case 'liststoredqueries':
        xml(res, listStoredQueries(options, catalog.list()));
        return;
      case 'describestoredqueries': {
        const unknown = r.storedQueryIds?.find((id) => id !== GET_FEATURE_BY_ID);
        if (unknown) throw invalid('storedQuery_id', `requête stockée « ${unknown} » inconnue`);
        xml(res, describeStoredQueries(options, catalog.list()));
        return;
      }
      default:
        throw new WfsException('OperationNotSupported', 'request', `Opération « ${r.request} » non prise en charge ; opérations : GetCapabilities, DescribeFeatureType, GetFeature, GetPropertyValue, ListStoredQueries, DescribeStoredQueries`);
    }
  }

  const handle = (parse: (req: Request) => WfsRequest) => async (req: Request, res: Response) => {
    try {
      await dispatch(req, res, parse(req));
    } catch (error) {
      const wfs = error instanceof WfsException ? error
        : error instanceof OgcError && error.status < 500 ? new WfsException(error.status === 404 ? 'NotFound' : 'InvalidParameterValue', undefined, error.message)
          : null;
      if (!wfs) throw error; // the app's handler logs it and answers 500
      if (res.headersSent) { res.destroy(); return; }
      res.status(wfs.status).type('application/xml').set('Cache-Control', 'no-store').send(exceptionReport(wfs));
    }
  };

  router.get('/wfs', handle((req) => fromKvp(req.query as Record<string, unknown>)));
  // POST: an XML request, or the KVP form-encoded.
  router.post('/wfs', express.text({ type: () => true, limit: '2mb' }), handle((req) => {
    const body = typeof req.body === 'string' ? req.body : '';
    if (/^application\/x-www-form-urlencoded/i.test(req.get('content-type') ?? '')) return fromKvp(Object.fromEntries(new URLSearchParams(body)));
    if (!body.trim()) throw new WfsException('MissingParameterValue', 'request', 'Corps de requête XML vide');
    return fromXml(body);
  }));
  return router;
}

/** A short HTML note for the landing page: which URL to paste where. */
function landingNote(base: string, lang: 'fr' | 'en'): LandingNote {
  const wfs = { code: `${base}/wfs` };
  const root = { code: `${base}/` };
  return lang === 'en'
    ? [{ text: 'QGIS and other GIS: paste ' }, root, { text: ' in a “WFS / OGC API – Features” connection for OGC API, or ' }, wfs, { text: ' for WFS 2.0 (version 2.0.0).' }]
    : [{ text: 'QGIS et autres SIG : collez ' }, root, { text: " dans une connexion « WFS / OGC API – Features » pour l'OGC API, ou " }, wfs, { text: ' pour le WFS 2.0 (version 2.0.0).' }];
}

export function wfsPart(options: WfsOptions): ApiPart {
  return {
    name: 'wfs',
    router: (ctx) => wfsRouter(ctx, options),
    landingLinks: (base) => [{ href: `${base}/wfs?SERVICE=WFS&REQUEST=GetCapabilities`, rel: 'alternate', type: 'application/xml', title: 'WFS 2.0.0 (GetCapabilities)' }],
    landingNote,
  };
}
