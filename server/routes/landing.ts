// OGC API – Common: landing page, conformance, API definition.
import { Router } from 'express';
import { baseUrl, queryStrings, type ServerContext } from '../context.js';
import type { Link } from '../formats/geojson.js';
import { escapeHtml, linkList, page } from '../formats/html.js';
import { negotiate } from '../params/format.js';
import { buildOpenApi, type OpenApiContribution } from '../openapi.js';

export const CORE_CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/collections',
];

const META = [{ key: 'json', mediaType: 'application/json' }, { key: 'html', mediaType: 'text/html' }];
const OPENAPI_MEDIA = 'application/vnd.oai.openapi+json;version=3.0';

export function landingRouter(ctx: ServerContext, contributions: OpenApiContribution[] = [], extraLinks: (base: string) => Link[] = () => []): Router {
  const router = Router();

  router.get('/', (req, res) => {
    queryStrings(req, ['f']);
    const format = negotiate(req, META);
    const base = baseUrl(ctx, req);
    const links: Link[] = [
      { href: `${base}/`, rel: 'self', type: 'application/json', title: 'Cette page (JSON)' },
      { href: `${base}/?f=html`, rel: 'alternate', type: 'text/html', title: 'Cette page (HTML)' },
      { href: `${base}/api`, rel: 'service-desc', type: OPENAPI_MEDIA, title: 'Définition OpenAPI 3.0' },
      { href: `${base}/api?f=html`, rel: 'service-doc', type: 'text/html', title: "Documentation de l'API" },
      { href: `${base}/conformance`, rel: 'conformance', type: 'application/json', title: 'Classes de conformité' },
      { href: `${base}/collections`, rel: 'data', type: 'application/json', title: 'Collections' },
      ...extraLinks(base),
    ];
    if (format.key === 'html') {
      const list = ctx.catalog().list().map(({ definition: d }) => `<li><a href="${escapeHtml(`${base}/collections/${d.id}?f=html`)}">${escapeHtml(d.title)}</a></li>`).join('');
      res.type('html').send(page({ base, title: ctx.info.title, breadcrumbs: [], links }, `<p>${escapeHtml(ctx.info.description)}</p><h2>Collections</h2><ul>${list}</ul><h2>Liens</h2>${linkList(links)}`));
      return;
    }
    res.json({ title: ctx.info.title, description: ctx.info.description, links });
  });

  router.get('/conformance', (req, res) => {
    queryStrings(req, ['f']);
    const format = negotiate(req, META);
    const conformsTo = [...ctx.conformance];
    if (format.key === 'html') {
      const base = baseUrl(ctx, req);
      res.type('html').send(page({ base, title: 'Conformité', breadcrumbs: [{ href: `${base}/`, label: 'Accueil' }] }, `<ul>${conformsTo.map((c) => `<li><code>${escapeHtml(c)}</code></li>`).join('')}</ul>`));
      return;
    }
    res.json({ conformsTo });
  });

  router.get('/api', (req, res) => {
    queryStrings(req, ['f']);
    const format = negotiate(req, [{ key: 'json', mediaType: OPENAPI_MEDIA }, { key: 'html', mediaType: 'text/html' }]);
    const base = baseUrl(ctx, req);
    const doc = buildOpenApi(ctx.info, base, ctx.catalog(), contributions);
    if (format.key === 'html') {
      const paths = Object.keys(doc.paths as object).map((p) => `<li><code>GET ${escapeHtml(p)}</code></li>`).join('');
      res.type('html').send(page({ base, title: "Documentation de l'API", breadcrumbs: [{ href: `${base}/`, label: 'Accueil' }] }, `<p><a href="${base}/api?f=json">Document OpenAPI 3.0 (JSON)</a></p><ul>${paths}</ul>`));
      return;
    }
    res.type(OPENAPI_MEDIA).send(JSON.stringify(doc));
  });

  return router;
}
