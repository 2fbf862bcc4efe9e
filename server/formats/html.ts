// HTML pages, one template per resource (server/formats/templates/, Eta, escaping by default), in
// French or English (server/i18n.ts). Assets (Leaflet, the page and map scripts) are served by the
// server itself: no CDN, works offline, and a strict Content-Security-Policy holds (no inline code).
import type { Link } from './geojson.js';
import type { CollectionDefinition, Feature, PropertyDefinition, Rect } from '../types.js';
import { mediaLabel, t, type Lang } from '../i18n.js';
import { render, type Html, type TemplateName } from './templates/engine.js';

export type { Html } from './templates/engine.js';
export { render } from './templates/engine.js';

export interface PageContext { base: string; title: string; breadcrumbs: { href: string; label: string }[]; links?: Link[]; lang?: Lang }

/** A page: the layout around a body rendered by a template. */
export function page(ctx: PageContext, body: Html, options: { map?: boolean; script?: boolean; stylesheets?: string[] } = {}): string {
  const lang = ctx.lang ?? 'fr';
  // The other representations of this resource: the JSON `self` is one of them on an HTML page.
  const alternates = (ctx.links ?? []).filter((l) => (l.rel === 'alternate' || l.rel === 'self') && l.type !== 'text/html')
    .map((l) => ({ href: l.href, type: l.type ?? '', label: mediaLabel(lang, l.type ?? '') }));
  // Every map page also gets pages.js: it draws the basemap and the popups.
  return render('layout', lang, {
    base: ctx.base, title: ctx.title, crumbs: ctx.breadcrumbs, alternates, leaflet: !!options.map, script: !!options.script || !!options.map,
    stylesheets: options.stylesheets ?? [], body,
  });
}

/** A page whose body is one template. */
export function templatePage(ctx: PageContext, template: TemplateName, data: object, options: Parameters<typeof page>[2] = {}): string {
  return page(ctx, render(template, ctx.lang ?? 'fr', { base: ctx.base, ...data }), options);
}

/** Home › Collections › this collection, for the pages below a collection. */
export function collectionCrumbs(base: string, lang: Lang, definition: Pick<CollectionDefinition, 'id' | 'title'>): PageContext['breadcrumbs'] {
  return [{ href: `${base}/?f=html`, label: t(lang, 'home') }, { href: `${base}/collections?f=html`, label: t(lang, 'collections') },
    { href: `${base}/collections/${encodeURIComponent(definition.id)}?f=html`, label: definition.title }];
}

export function linkList(links: Link[], lang: Lang = 'fr'): Html {
  return render('links', lang, { links });
}

function cell(v: unknown): string {
  return String((Array.isArray(v) ? v.join(', ') : v) ?? '');
}

/** Properties of one feature; with definitions, each row also gives the property's title. */
export function propertyTable(properties: Record<string, unknown>, definitions: PropertyDefinition[] = [], lang: Lang = 'fr'): Html {
  const titles = new Map(definitions.map((p) => [p.name, p]));
  const rows = Object.entries(properties).map(([name, v]) => {
    const d = titles.get(name);
    return { name, title: d?.title, value: cell(v), label: d?.enum && typeof v === 'string' ? d.enum[v] : undefined };
  });
  return render('propertyTable', lang, { rows });
}

export interface MapOptions {
  /** Base URL the map script is loaded from. */
  base: string;
  /** Accessible name of the map region. */
  label: string;
  /** Drawn as a solid rectangle (a collection's extent). */
  extent?: Rect | null;
  /** Drawn dashed (the requested bbox). */
  bbox?: number[];
}

/** A Leaflet map of GeoJSON features (drawn by /assets/web/leaflet-map.js). */
export function mapScript(id: string, geojson: object, options: MapOptions): Html {
  const e = options.extent;
  const extent = e ? [[e.minY, e.minX], [e.maxY, e.maxX]] : null;
  const b = options.bbox && options.bbox.length >= 4 ? (options.bbox.length === 6 ? [options.bbox[0], options.bbox[1], options.bbox[3], options.bbox[4]] : options.bbox) : null;
  const bbox = b ? [[b[1], b[0]], [b[3], b[2]]] : null;
  return render('map', 'fr', { base: options.base, id, label: options.label, data: { geojson, extent, bbox } });
}

export function featureRows(features: Feature[], columns: string[], itemHref: (f: Feature) => string, caption = ''): Html {
  const rows = features.map((f) => ({ href: itemHref(f), id: f.id, cells: columns.map((c) => cell(f.properties[c])) }));
  return render('featureRows', 'fr', { caption, columns, rows });
}

/** The filter form's view of a collection: properties a condition can test, by type. */
export function queryablesList(properties: PropertyDefinition[]) {
  return properties.filter((p) => p.queryable !== false && p.type !== 'array')
    .map((p) => ({ name: p.name, title: p.title, type: p.type, enum: p.enum ? Object.keys(p.enum) : undefined }));
}

export interface FilterFormOptions {
  lang: Lang;
  action: string;
  params: Record<string, string>;
  properties: PropertyDefinition[];
  temporal: boolean;
  spatial: boolean;
  /** Whether the filter extension (CQL2) is served. */
  cql2: boolean;
  limit: number;
}

/**
 * A GET form on the items page. Without script the CQL2 text, bbox, datetime and limit fields
 * work as they are; the page script adds condition rows (property, operator, value) that write
 * the CQL2 text, and draws the bbox on the map.
 */
export function filterForm(o: FilterFormOptions): Html {
  const handled = new Set(['f', 'filter', 'filter-lang', 'bbox', 'datetime', 'limit', 'offset']);
  // Other parameters of the current request (sortby, properties, crs…) are kept as they are.
  const kept = Object.entries(o.params).filter(([k]) => !handled.has(k));
  return render('filterForm', o.lang, {
    action: o.action, kept, cql2Json: o.params['filter-lang'] === 'cql2-json', cql2: o.cql2, queryables: queryablesList(o.properties),
    spatial: o.spatial, temporal: o.temporal, params: o.params, limit: o.limit,
  });
}

/** A JSON Schema's type for people: `string (date)`, `integer`, `geometry (geometry-point)`, `array<string>`. */
function schemaType(s: Record<string, any>): string {
  if (s.type === 'array') return `array<${s.items?.type ?? '?'}>`;
  const type = s.type ?? (typeof s.format === 'string' && s.format.startsWith('geometry') ? 'geometry' : '');
  return s.format && s.format !== type ? `${type} (${s.format})` : String(type);
}

/**
 * A JSON Schema document (queryables, sortables, feature schema) as a page: one row per property
 * with its type, role, title, description and code list.
 */
export function schemaPage(ctx: PageContext, schema: Record<string, any>, jsonHref: string): string {
  const rows = Object.entries<Record<string, any>>(schema.properties ?? {}).map(([name, s]) => {
    const codes: [string, string][] = Array.isArray(s.oneOf) ? s.oneOf.map((o: any) => [String(o.const), String(o.title ?? '')])
      : Array.isArray(s.enum) ? s.enum.map((v: unknown) => [String(v), '']) : [];
    return { name, type: schemaType(s), role: s['x-ogc-role'], title: s.title ?? '', description: s.description, codes: codes.slice(0, 40), more: codes.length > 40 ? codes.length : 0 };
  });
  return templatePage(ctx, 'schema', { title: ctx.title, description: schema.description, jsonHref, rows });
}
