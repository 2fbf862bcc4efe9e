// OGC API – Features Core: /collections and /collections/{collectionId}.
import { Router, type Request } from 'express';
import type { ServedCollection } from '../catalog.js';
import { baseUrl, collectionOr404, queryStrings, type ServerContext } from '../context.js';
import type { Link } from '../formats/geojson.js';
import { escapeHtml, linkList, page } from '../formats/html.js';
import { negotiate } from '../params/format.js';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const META_FORMATS = [{ key: 'json', mediaType: 'application/json' }, { key: 'html', mediaType: 'text/html' }];

/** Extension point: other parts (CRS, tiles, filtering) add fields and links to a collection. */
export type CollectionDecorator = (doc: Record<string, any>, collection: ServedCollection, base: string) => void;

export async function collectionDocument(ctx: ServerContext, collection: ServedCollection, base: string, decorators: CollectionDecorator[]): Promise<Record<string, any>> {
  const { definition } = collection;
  const stats = await collection.provider.stats();
  const href = `${base}/collections/${definition.id}`;
  const links: Link[] = [
    { href, rel: 'self', type: 'application/json', title: 'Cette collection (JSON)' },
    { href: `${href}?f=html`, rel: 'alternate', type: 'text/html', title: 'Cette collection (HTML)' },
    { href: `${href}/items`, rel: 'items', type: 'application/geo+json', title: 'Entités (GeoJSON)' },
    { href: `${href}/items?f=html`, rel: 'items', type: 'text/html', title: 'Entités (HTML)' },
    ...(definition.license ? [{ href: definition.license.href, rel: 'license', type: 'text/html', title: definition.license.title }] : []),
    ...(definition.links ?? []),
  ];
  const extent: Record<string, unknown> = {};
  if (stats.extent) {
    extent.spatial = { bbox: [[stats.extent.minX, stats.extent.minY, stats.extent.maxX, stats.extent.maxY]], crs: CRS84 };
  }
  if (definition.temporal) {
    extent.temporal = { interval: [stats.metadata?.temporalExtent ?? [null, null]], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' };
  }
  const doc: Record<string, any> = {
    id: definition.id,
    title: definition.title,
    description: definition.description,
    keywords: definition.keywords,
    attribution: definition.attribution,
    itemType: 'feature',
    extent,
    crs: [CRS84],
    storageCrs: CRS84,
    numberOfFeatures: stats.featuresCount,
    links,
  };
  for (const decorate of decorators) decorate(doc, collection, base);
  return doc;
}

export function collectionsRouter(ctx: ServerContext, decorators: CollectionDecorator[] = []): Router {
  const router = Router();

  router.get('/collections', async (req: Request, res) => {
    queryStrings(req, ['f']);
    const format = negotiate(req, META_FORMATS);
    const base = baseUrl(ctx, req);
    const collections = await Promise.all(ctx.catalog().list().map((c) => collectionDocument(ctx, c, base, decorators)));
    const links: Link[] = [
      { href: `${base}/collections`, rel: 'self', type: 'application/json', title: 'Collections (JSON)' },
      { href: `${base}/collections?f=html`, rel: 'alternate', type: 'text/html', title: 'Collections (HTML)' },
    ];
    if (format.key === 'html') {
      const rows = collections.map((c) => `<li><a href="${escapeHtml(`${base}/collections/${c.id}?f=html`)}">${escapeHtml(c.title)}</a> — <code>${escapeHtml(c.id)}</code>, ${c.numberOfFeatures} entités<br><small>${escapeHtml(c.description)}</small></li>`).join('');
      res.type('html').send(page({ base, title: 'Collections', breadcrumbs: [{ href: `${base}/`, label: 'Accueil' }], links }, `<ul>${rows}</ul>`));
      return;
    }
    res.json({ links, collections });
  });

  router.get('/collections/:collectionId', async (req, res) => {
    queryStrings(req, ['f']);
    const collection = collectionOr404(ctx, req.params.collectionId);
    const format = negotiate(req, META_FORMATS);
    const base = baseUrl(ctx, req);
    const doc = await collectionDocument(ctx, collection, base, decorators);
    if (format.key === 'html') {
      const props = collection.definition.properties.map((p) => `<tr><th scope="row"><code>${escapeHtml(p.name)}</code></th><td>${escapeHtml(p.type)}</td><td>${escapeHtml(p.title)}${p.description ? ` — ${escapeHtml(p.description)}` : ''}</td></tr>`).join('');
      const body = `<p>${escapeHtml(doc.description)}</p><p>${doc.numberOfFeatures} entités.</p>
<h2>Liens</h2>${linkList(doc.links)}<h2>Propriétés</h2><div class="scroll"><table><thead><tr><th scope="col">nom</th><th scope="col">type</th><th scope="col">description</th></tr></thead><tbody>${props}</tbody></table></div>`;
      res.type('html').send(page({ base, title: doc.title, breadcrumbs: [{ href: `${base}/`, label: 'Accueil' }, { href: `${base}/collections?f=html`, label: 'Collections' }], links: doc.links }, body));
      return;
    }
    res.json(doc);
  });

  return router;
}
