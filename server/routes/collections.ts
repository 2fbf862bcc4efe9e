// OGC API – Features Core: /collections and /collections/{collectionId}.
import { Router, type Request } from 'express';
import type { ServedCollection } from '../catalog.js';
import { baseUrl, collectionOr404, queryStrings, type ServerContext } from '../context.js';
import type { Link } from '../formats/geojson.js';
import { mapScript, templatePage } from '../formats/html.js';
import { formatLabel, langOf, t, varyOnNegotiation, type Lang } from '../i18n.js';
import { negotiate } from '../params/format.js';
import type { CollectionDecorator } from '../query/extensions.js';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const META_FORMATS = [{ key: 'json', mediaType: 'application/json' }, { key: 'html', mediaType: 'text/html' }];

// The contract lives in server/query/extensions.ts; re-exported for the parts that import it from here.
export type { CollectionDecorator };

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

const TILESETS_REL = 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector';

/** The `f` value of an items link; GeoJSON, the default, has none. */
function formatOf(link: Link): string {
  try { return new URL(link.href).searchParams.get('f') ?? 'json'; } catch { return 'json'; }
}

/** Collection page: facts, extent map, every format of the items, queryables, links. */
function collectionHtml(doc: Record<string, any>, collection: ServedCollection, base: string, lang: Lang): string {
  const { definition } = collection;
  const href = `${base}/collections/${definition.id}`;
  const bbox: number[] | undefined = doc.extent?.spatial?.bbox?.[0];
  const interval: (string | null)[] | undefined = doc.extent?.temporal?.interval?.[0];
  const map = bbox ? mapScript('map', { type: 'FeatureCollection', features: [] }, {
    base, label: t(lang, 'extentMap'), extent: { minX: bbox[0], minY: bbox[1], maxX: bbox[2], maxY: bbox[3] },
  }) : '';
  const tiles = (doc.links as Link[]).find((l) => l.rel === TILESETS_REL);
  // Items in every format: a first page, and the whole collection where the format streams.
  const formats = (doc.links as Link[]).filter((l) => l.rel === 'items').map((l) => {
    const key = formatOf(l);
    const streamed = key !== 'json' && key !== 'html';
    return { label: formatLabel(lang, key), type: l.type ?? '', first: `${href}/items?f=${encodeURIComponent(key)}&limit=10`, all: streamed ? l.href : undefined };
  });
  const queryables = definition.properties.filter((p) => p.queryable !== false).map((p) => {
    const values = p.enum ? Object.entries(p.enum) : [];
    return { name: p.name, type: p.type, title: p.title, description: p.description, codes: values.slice(0, 12), more: values.length > 12 };
  });
  const queryablesLink = (doc.links as Link[]).find((l) => l.rel.endsWith('/queryables'));
  const data = {
    description: doc.description, id: definition.id, itemsHref: `${href}/items?f=html`, count: doc.numberOfFeatures,
    bbox: bbox?.map((v) => Math.round(v * 1e4) / 1e4).join(', '), interval: interval?.map((v) => v ?? t(lang, 'open')).join(' — '), attribution: definition.attribution,
    map, tilesHref: tiles ? `${tiles.href}?f=html` : undefined, formats, queryablesHref: queryablesLink?.href, queryables, links: doc.links,
  };
  return templatePage({ base, lang, title: doc.title, breadcrumbs: [{ href: `${base}/?f=html`, label: t(lang, 'home') }, { href: `${base}/collections?f=html`, label: t(lang, 'collections') }], links: doc.links }, 'collection', data, { map: !!bbox });
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
    varyOnNegotiation(res, format.key === 'html');
    if (format.key === 'html') {
      const lang = langOf(req);
      const rows = collections.map((c) => ({ href: `${base}/collections/${c.id}?f=html`, title: c.title, description: c.description, id: c.id, itemsHref: `${base}/collections/${c.id}/items?f=html`, count: c.numberOfFeatures }));
      res.type('html').send(templatePage({ base, lang, title: t(lang, 'collections'), breadcrumbs: [{ href: `${base}/?f=html`, label: t(lang, 'home') }], links }, 'collections', { collections: rows }));
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
    varyOnNegotiation(res, format.key === 'html');
    if (format.key === 'html') {
      res.type('html').send(collectionHtml(doc, collection, base, langOf(req)));
      return;
    }
    res.json(doc);
  });

  return router;
}
