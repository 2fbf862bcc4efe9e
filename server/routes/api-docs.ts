// The API document rendered by Swagger UI, served from the server's own node_modules (no CDN):
// /api.html, and /api itself when HTML is asked for (f=html or a browser's Accept).
import { Router, type NextFunction, type Request, type Response } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { baseUrl, queryStrings, type ServerContext } from '../context.js';
import { templatePage } from '../formats/html.js';
import { langOf, t, varyOnNegotiation, type Lang } from '../i18n.js';
import { negotiate } from '../params/format.js';
import type { ApiPart } from '../part.js';

const require = createRequire(import.meta.url);
const SWAGGER_DIR = dirname(require.resolve('swagger-ui-dist/swagger-ui-bundle.js'));
export const SWAGGER_ASSETS = '/assets/swagger-ui';
const OPENAPI_MEDIA = 'application/vnd.oai.openapi+json;version=3.0';

// Only what the page loads: the package also ships an index.html pointed at a remote demo API.
const FILES = new Set(['swagger-ui.css', 'swagger-ui.css.map', 'swagger-ui-bundle.js', 'swagger-ui-bundle.js.map', 'favicon-16x16.png', 'favicon-32x32.png']);

// A script file rather than inline code, so that a strict Content-Security-Policy can allow it.
// validatorUrl null: no badge fetched from swagger.io.
const INIT_JS = `window.addEventListener('load', function () {
  var node = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({ url: node.getAttribute('data-url'), domNode: node, deepLinking: true, validatorUrl: null,
    docExpansion: 'list', defaultModelsExpandDepth: -1, presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout' });
});
`;

function apiPage(base: string, title: string, lang: Lang): string {
  const assets = `${base}${SWAGGER_ASSETS}`;
  return templatePage({ base, lang, title: `${title} — ${t(lang, 'apiDoc')}`, breadcrumbs: [{ href: `${base}/?f=html`, label: t(lang, 'home') }] }, 'apiDocs',
    { jsonHref: `${base}/api?f=json`, mediaType: OPENAPI_MEDIA, assets }, { stylesheets: [`${assets}/swagger-ui.css`] });
}

export function apiDocsRouter(ctx: ServerContext): Router {
  const router = Router();
  const send = (req: Request, res: Response) => {
    varyOnNegotiation(res, true);
    res.type('html').send(apiPage(baseUrl(ctx, req), ctx.info.title, langOf(req)));
  };

  router.get('/api.html', (req, res) => {
    queryStrings(req, ['f']);
    send(req, res);
  });
  router.get('/api', (req: Request, res: Response, next: NextFunction) => {
    // Anything but a valid request for HTML goes on to the landing router (JSON, its errors).
    try {
      queryStrings(req, ['f']);
      if (negotiate(req, [{ key: 'json', mediaType: OPENAPI_MEDIA }, { key: 'html', mediaType: 'text/html' }]).key !== 'html') { next(); return; }
    } catch {
      next();
      return;
    }
    send(req, res);
  });
  router.get(`${SWAGGER_ASSETS}/init.js`, (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(INIT_JS);
  });
  router.get(`${SWAGGER_ASSETS}/:file`, (req, res, next) => {
    const file = req.params.file as string;
    if (!FILES.has(file)) { next(); return; }
    res.sendFile(join(SWAGGER_DIR, file), { maxAge: '7d', immutable: true });
  });
  return router;
}

export const apiDocsPart: ApiPart = { name: 'api-docs', router: apiDocsRouter };
