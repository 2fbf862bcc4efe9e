// Express app: one router per standard part, one error handler turning errors into OGC exceptions.
import express, { type NextFunction, type Request, type Response } from 'express';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Catalog } from './catalog.js';
import type { ServerContext, ServiceInfo } from './context.js';
import { NotFound, OgcError } from './errors.js';
import { PAGES_JS } from './formats/html-client.js';
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
import type { ApiPart } from './part.js';

export interface AppOptions {
  info: ServiceInfo;
  catalog: () => Catalog;
  logger?: Logger;
  /** Standard parts besides Core; defaults to every part this server implements. */
  parts?: ApiPart[];
  /** Middleware run before every route (authentication, rate limits, CORS policy…). */
  before?: express.RequestHandler[];
  /** Bytes of recently served GeoJSON pages kept in memory (0 disables). Default 64 MiB. */
  pageCacheBytes?: number;
}

export function defaultParts(tiles: TilesOptions = {}): ApiPart[] {
  return [crsPart, schemaPart, filterPart, tilesPart(tiles), ...(tiles.basemap ? [basemapPart(tiles.basemap)] : []), formatsPart, apiDocsPart];
}

const require = createRequire(import.meta.url);

/** Long CQL2 filters travel in the URL: accept up to 256 KiB of request line and headers. */
export const MAX_HEADER_SIZE = 256 * 1024;

export function createApp(options: AppOptions): express.Express {
  const parts = options.parts ?? defaultParts();
  const ctx: ServerContext = { info: options.info, catalog: options.catalog, conformance: new Set([...CORE_CONFORMANCE, ...parts.flatMap((p) => p.conformance ?? [])]) };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  if (options.before?.length) app.use(...options.before);
  else app.use((_req, res, next) => { res.set('Access-Control-Allow-Origin', '*'); next(); });
  app.use('/assets/leaflet', express.static(dirname(require.resolve('leaflet/dist/leaflet.js')), { maxAge: '7d', immutable: true }));
  app.get('/assets/web/pages.js', (_req, res) => { res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(PAGES_JS); });

  const some = <T>(list: (T | undefined)[]) => list.filter((x): x is T => x !== undefined);
  for (const part of parts) if (part.router) app.use(part.router(ctx));
  app.use(landingRouter(ctx, some(parts.map((p) => p.openapi)), (base) => parts.flatMap((p) => p.landingLinks?.(base) ?? [])));
  app.use(collectionsRouter(ctx, some(parts.map((p) => p.collection))));
  app.use(itemsRouter(ctx, some(parts.map((p) => p.items)), { pageCacheBytes: options.pageCacheBytes }));

  app.use((req: Request) => { throw new NotFound(`Ressource « ${req.path} » inconnue`); });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const ogc = error instanceof OgcError ? error : null;
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
