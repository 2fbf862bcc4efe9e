// Express app: one router per standard part, one error handler turning errors into OGC exceptions.
import express, { type NextFunction, type Request, type Response } from 'express';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Catalog } from './catalog.js';
import type { ServerContext, ServiceInfo } from './context.js';
import { NotFound, OgcError } from './errors.js';
import { collectionsRouter } from './routes/collections.js';
import { itemsRouter } from './routes/items.js';
import { CORE_CONFORMANCE, landingRouter } from './routes/landing.js';
import { CRS_CONFORMANCE, crsDecorator, crsExtension, crsOpenApi } from './routes/crs.js';

export interface AppOptions {
  info: ServiceInfo;
  catalog: () => Catalog;
  logger?: Logger;
}

const require = createRequire(import.meta.url);

export function createApp(options: AppOptions): express.Express {
  const ctx: ServerContext = { info: options.info, catalog: options.catalog, conformance: new Set([...CORE_CONFORMANCE, ...CRS_CONFORMANCE]) };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  app.use((_req, res, next) => { res.set('Access-Control-Allow-Origin', '*'); next(); });
  app.use('/assets/leaflet', express.static(dirname(require.resolve('leaflet/dist/leaflet.js')), { maxAge: '7d', immutable: true }));

  app.use(landingRouter(ctx, [crsOpenApi]));
  app.use(collectionsRouter(ctx, [crsDecorator]));
  app.use(itemsRouter(ctx, [crsExtension]));

  app.use((req: Request) => { throw new NotFound(`Ressource « ${req.path} » inconnue`); });
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
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
