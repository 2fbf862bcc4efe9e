// Express app: one router per standard part, one error handler turning errors into OGC exceptions.
import express, { type NextFunction, type Request, type Response } from 'express';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Catalog } from './catalog.js';
import type { ServerContext, ServiceInfo } from './context.js';
import { NotFound, OgcError } from './errors.js';
import { DataFileError } from './providers/data-error.js';
import { unavailable } from './context.js';
import { PAGES_JS } from './formats/html-client.js';
import { LEAFLET_MAP_JS } from './formats/html-maps.js';
import { collectionsRouter } from './routes/collections.js';
import { itemsRouter } from './routes/items.js';
import { CORE_CONFORMANCE, landingRouter } from './routes/landing.js';
import { crsPart } from './routes/crs.js';
import { schemaPart } from './routes/schema.js';
import { filterPart } from './routes/filter.js';
import { tilesPart, type TilesOptions } from './routes/tiles.js';
import { basemapPart } from './routes/basemap.js';
import { formatsPart } from './routes/formats.js';
import { apiDocsPart } from './routes/api-docs.js';
import { qgisPart } from './routes/qgis.js';
import type { ApiPart } from './part.js';
import { compressionMiddleware } from './compression.js';
import { admission, type AdmissionOptions } from './admission.js';
import { opsStats } from './ops/stats.js';
import { collectionsCheck, healthRouter, type ReadinessCheck } from './routes/health.js';
import { securityHeaders } from './security.js';
import { pinVersions, type DataVersions } from './versions.js';

export interface AppOptions {
  info: ServiceInfo;
  catalog: () => Catalog;
  logger?: Logger;
  /** Standard parts besides Core; defaults to every part this server implements. */
  parts?: ApiPart[];
  /** Middleware run first, on every request (request ids and logs, metrics, drain on stop). */
  observe?: express.RequestHandler[];
  /** Middleware run before every route (authentication, rate limits, CORS policy…). */
  before?: express.RequestHandler[];
  /** Bytes of recently served GeoJSON pages kept in memory (0 disables). Default 64 MiB. */
  pageCacheBytes?: number;
  /** numberMatched of items is left out when counting would test more features than this (default 3,000,000). */
  countLimit?: number;
  /** gzip/brotli by Accept-Encoding (default on; off when a proxy in front compresses). */
  compression?: boolean;
  /** Sources an online basemap loads from, allowed by the Content-Security-Policy (images, data). */
  mapSources?: string[];
  /** Checks of /readyz; default: every collection of `catalog` is open. */
  readiness?: ReadinessCheck[];
  /**
   * Express `trust proxy`: which hops may set X-Forwarded-For/-Host/-Proto. Default false: those
   * headers are ignored unless the operator says a proxy is in front (access config `trustProxy`).
   */
  trustProxy?: boolean | number | string | string[];
  /** Requests served at once and waiting per process (server/admission.ts); false: no limit. */
  admission?: AdmissionOptions | false;
  /** Versioned data: requests bound to one version, paging links pinned with `v` (server/versions.ts). */
  versions?: DataVersions;
}

export function defaultParts(tiles: TilesOptions = {}): ApiPart[] {
  return [crsPart, schemaPart, filterPart, tilesPart(tiles), ...(tiles.basemap ? [basemapPart(tiles.basemap)] : []), formatsPart, qgisPart, apiDocsPart];
}

const require = createRequire(import.meta.url);

/** Long CQL2 filters travel in the URL: accept up to 256 KiB of request line and headers. */
export const MAX_HEADER_SIZE = 256 * 1024;

export function createApp(options: AppOptions): express.Express {
  const parts = options.parts ?? defaultParts();
  const ctx: ServerContext = { info: options.info, catalog: options.catalog, conformance: new Set([...CORE_CONFORMANCE, ...parts.flatMap((p) => p.conformance ?? [])]),
    dataVersion: options.versions && (() => options.versions!.version()) };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.set('query parser', 'simple');
  // Request ids, logs and metrics see every request; then headers, compression, probes.
  if (options.observe?.length) app.use(...options.observe);
  app.use(securityHeaders(options.info.baseUrl, options.mapSources));
  if (options.compression !== false) app.use(compressionMiddleware());
  // Probes first: no credentials, no rate limit.
  app.use(healthRouter(options.readiness ?? [collectionsCheck(options.catalog)]));
  // Then a bounded number at once, the rest in arrival order (probes above never wait; assets neither).
  if (options.admission !== false) {
    const gate = admission({ exempt: (req) => req.path.startsWith('/assets/'), ...options.admission });
    opsStats.registerAdmission(gate.stats);
    app.use(gate.middleware);
  }
  // Before access checks: they and every route read the version this request is bound to.
  if (options.versions) app.use(pinVersions(options.versions));
  if (options.before?.length) app.use(...options.before);
  else app.use((_req, res, next) => { res.set('Access-Control-Allow-Origin', '*'); next(); });
  app.use('/assets/leaflet', express.static(dirname(require.resolve('leaflet/dist/leaflet.js')), { maxAge: '7d', immutable: true }));
  for (const [file, source] of [['pages.js', PAGES_JS], ['leaflet-map.js', LEAFLET_MAP_JS]]) {
    app.get(`/assets/web/${file}`, (_req, res) => { res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(source); });
  }

  const some = <T>(list: (T | undefined)[]) => list.filter((x): x is T => x !== undefined);
  for (const part of parts) if (part.router) app.use(part.router(ctx));
  app.use(landingRouter(ctx, some(parts.map((p) => p.openapi)), (base) => parts.flatMap((p) => p.landingLinks?.(base) ?? []),
    (base, lang) => some(parts.map((p) => p.landingNote?.(base, lang)))));
  app.use(collectionsRouter(ctx, some(parts.map((p) => p.collection))));
  app.use(itemsRouter(ctx, some(parts.map((p) => p.items)), { pageCacheBytes: options.pageCacheBytes, countLimit: options.countLimit }));

  app.use((req: Request) => { throw new NotFound(`Ressource « ${req.path} » inconnue`); });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof DataFileError) {
      // A bad read (truncated, corrupt, I/O error) is the collection's fault: 503 for it, the file in the log.
      options.logger?.error({ file: error.file, reason: error.message, url: req.originalUrl }, 'data file unreadable');
      error = unavailable(collectionOfPath(req.path));
    }
    const status4xx = (error as { status?: unknown })?.status;
    // Express's own client errors (a path parameter that does not decode: `%ff`) are 400s, not 500s.
    const ogc = error instanceof OgcError ? error
      : typeof status4xx === 'number' && status4xx >= 400 && status4xx < 500 ? new OgcError(status4xx, 'InvalidParameterValue', 'Chemin de la requête invalide : encodage URL incorrect') : null;
    if (!ogc) options.logger?.error({ err: error, url: req.originalUrl }, 'unexpected error');
    if (res.headersSent) { res.destroy(); return; }
    const status = ogc?.status ?? 500;
    res.status(status).set(ogc?.headers ?? {}).type('application/json').send(JSON.stringify({
      code: ogc?.code ?? 'ServerError',
      description: ogc ? ogc.message : 'Erreur interne du serveur',
    }));
  });
  return app;
}

/** The collection a path names (/collections/{id}/…), for error messages. */
function collectionOfPath(path: string): string | undefined {
  const match = /^\/collections\/([^/]+)/.exec(path);
  if (!match) return undefined;
  try { return decodeURIComponent(match[1]); } catch { return match[1]; }
}
