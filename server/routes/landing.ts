// OGC API – Common: landing page, conformance, API definition.
import { Router } from 'express';
import { baseUrl, queryStrings, type ServerContext } from '../context.js';
import type { Link } from '../formats/geojson.js';
import { templatePage } from '../formats/html.js';
import { langOf, t, varyOnNegotiation, type Lang } from '../i18n.js';
import { negotiate } from '../params/format.js';
import { buildOpenApi, type OpenApiContribution } from '../openapi.js';
import type { LandingNote } from '../part.js';

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

export function landingRouter(ctx: ServerContext, contributions: OpenApiContribution[] = [], extraLinks: (base: string) => Link[] = () => [],
  notes: (base: string, lang: Lang) => LandingNote[] = () => []): Router {
  const router = Router();

  router.get('/', async (req, res) => {
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
    varyOnNegotiation(res, format.key === 'html');
    if (format.key === 'html') {
      const lang = langOf(req);
      const collections = ctx.catalog().list();
      const counts = await Promise.all(collections.map((c) => c.provider.stats().then((s) => s.featuresCount)));
      const list = collections.map(({ definition: d }, i) => ({ href: `${base}/collections/${d.id}?f=html`, title: d.title, itemsHref: `${base}/collections/${d.id}/items?f=html`, count: counts[i] }));
      // The resources a visitor starts from; the full list of links follows.
      const main = [
        { href: `${base}/collections?f=html`, label: t(lang, 'collections') },
        ...(links.some((l) => l.href === `${base}/map`) ? [{ href: `${base}/map`, label: t(lang, 'map') }] : []),
        { href: `${base}/api?f=html`, label: t(lang, 'apiDoc') },
        { href: `${base}/conformance?f=html`, label: t(lang, 'conformance') },
      ];
      res.type('html').send(templatePage({ base, title: ctx.info.title, breadcrumbs: [], links, lang }, 'landing', { description: ctx.info.description, notes: notes(base, lang), start: main, collections: list, links }));
      return;
    }
    res.json({ title: ctx.info.title, description: ctx.info.description, links });
  });

  router.get('/conformance', (req, res) => {
    queryStrings(req, ['f']);
    const format = negotiate(req, META);
    const conformsTo = [...ctx.conformance];
    varyOnNegotiation(res, format.key === 'html');
    if (format.key === 'html') {
      const base = baseUrl(ctx, req);
      const lang = langOf(req);
      res.type('html').send(templatePage({ base, title: t(lang, 'conformanceClasses'), lang, breadcrumbs: [{ href: `${base}/?f=html`, label: t(lang, 'home') }],
        links: [{ href: `${base}/conformance?f=json`, rel: 'alternate', type: 'application/json', title: 'JSON' }] }, 'conformance', { classes: conformsTo }));
      return;
    }
    res.json({ conformsTo });
  });

  router.get('/api', (req, res) => {
    queryStrings(req, ['f']);
    const format = negotiate(req, [{ key: 'json', mediaType: OPENAPI_MEDIA }, { key: 'html', mediaType: 'text/html' }]);
    const base = baseUrl(ctx, req);
    const doc = buildOpenApi(ctx.info, base, ctx.catalog(), contributions);
    varyOnNegotiation(res, format.key === 'html');
    if (format.key === 'html') {
      // Served by Swagger UI (api-docs part) when it is mounted; this plain list otherwise.
      const lang = langOf(req);
      res.type('html').send(templatePage({ base, title: t(lang, 'apiDoc'), lang, breadcrumbs: [{ href: `${base}/?f=html`, label: t(lang, 'home') }] }, 'apiList',
        { jsonHref: `${base}/api?f=json`, paths: Object.keys(doc.paths as object) }));
      return;
    }
    res.type(OPENAPI_MEDIA).send(JSON.stringify(doc));
  });

  return router;
}
