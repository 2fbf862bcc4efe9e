// Plain HTML pages, one function per resource, in French or English (server/i18n.ts). Assets
// (Leaflet, the page script) are served by the server itself: no CDN, works offline.
import type { Link } from './geojson.js';
import type { CollectionDefinition, Feature, PropertyDefinition, Rect } from '../types.js';
import { mediaLabel, t, type Lang } from '../i18n.js';

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface PageContext { base: string; title: string; breadcrumbs: { href: string; label: string }[]; links?: Link[]; lang?: Lang }

// Colours: #000091 on white is 14:1, #3a3a3a on white 11:1, white on #000091 14:1 (WCAG AAA).
const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1e1e1e;background:#fff;line-height:1.45}
header{background:#000091;color:#fff;padding:.75rem 1.5rem}header a{color:#fff}
.skip{position:absolute;left:-999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;color:#000091;padding:.3rem .6rem;z-index:2000}
main{padding:1rem 1.5rem;max-width:80rem}nav.crumbs{font-size:.9rem;margin-bottom:.5rem}
a{color:#000091}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,.map:focus-visible,.scroll:focus-visible{outline:3px solid #e1000f;outline-offset:2px}
table{border-collapse:collapse;font-size:.875rem;width:100%}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f0f0fb}
.map{height:24rem;border:1px solid #888;margin:1rem 0;background:#eef1f5}.scroll{overflow-x:auto}
.formats a,.pager a{margin-right:1rem}code{background:#f0f0f0;padding:0 .2rem}small,.muted{color:#3a3a3a}
form.filter{border:1px solid #ccc;padding:.75rem 1rem;margin:1rem 0}form.filter label{display:block;font-weight:600;margin:.5rem 0 .2rem}
form.filter input,form.filter select,form.filter textarea{font:inherit;padding:.25rem .4rem;border:1px solid #666;border-radius:3px}
form.filter textarea{width:100%;min-height:3rem;font-family:ui-monospace,monospace}fieldset{border:1px solid #ddd;margin:.5rem 0}
.condition{display:flex;flex-wrap:wrap;gap:.4rem;align-items:end;margin:.3rem 0}.condition label{font-weight:400!important;margin:0!important}
button{font:inherit;padding:.3rem .8rem;border:1px solid #000091;background:#fff;color:#000091;border-radius:3px;cursor:pointer}
button[type=submit]{background:#000091;color:#fff}.actions{margin-top:.75rem;display:flex;gap:.75rem;align-items:center}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0}`;

/** `head`: extra stylesheets or icons of one page. */
export function page(ctx: PageContext, body: string, options: { map?: boolean; script?: boolean; head?: string } = {}): string {
  const lang = ctx.lang ?? 'fr';
  const crumbs = ctx.breadcrumbs.map((b) => `<a href="${escapeHtml(b.href)}">${escapeHtml(b.label)}</a>`).join(' › ');
  // The other representations of this resource: the JSON `self` is one of them on an HTML page.
  const alternates = (ctx.links ?? []).filter((l) => (l.rel === 'alternate' || l.rel === 'self') && l.type !== 'text/html')
    .map((l) => `<a href="${escapeHtml(l.href)}" type="${escapeHtml(l.type ?? '')}">${escapeHtml(mediaLabel(lang, l.type ?? ''))}</a>`).join('');
  const mapHead = options.map
    ? `<link rel="stylesheet" href="${ctx.base}/assets/leaflet/leaflet.css"><script src="${ctx.base}/assets/leaflet/leaflet.js"></script>`
    : '';
  // Every map gets the page script too: it draws the basemap and the popups.
  const script = options.script || options.map ? `<script src="${ctx.base}/assets/web/pages.js" defer></script>` : '';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(ctx.title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style>${mapHead}${script}${options.head ?? ''}</head>
<body><a class="skip" href="#main">${t(lang, 'skip')}</a><header><a href="${ctx.base}/?f=html">${t(lang, 'serviceName')}</a></header><main id="main">
${crumbs ? `<nav class="crumbs" aria-label="${escapeHtml(t(lang, 'breadcrumbs'))}">${crumbs}</nav>` : ''}<h1>${escapeHtml(ctx.title)}</h1>
${alternates ? `<p class="formats">${t(lang, 'otherFormats')} ${alternates}</p>` : ''}${body}</main></body></html>`;
}

/** Home › Collections › this collection, for the pages below a collection. */
export function collectionCrumbs(base: string, lang: Lang, definition: Pick<CollectionDefinition, 'id' | 'title'>): PageContext['breadcrumbs'] {
  return [{ href: `${base}/?f=html`, label: t(lang, 'home') }, { href: `${base}/collections?f=html`, label: t(lang, 'collections') },
    { href: `${base}/collections/${encodeURIComponent(definition.id)}?f=html`, label: definition.title }];
}

export function linkList(links: Link[]): string {
  return `<ul>${links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.title ?? l.rel)}</a> <small>(${escapeHtml(l.rel)}${l.type ? `, ${escapeHtml(l.type)}` : ''})</small></li>`).join('')}</ul>`;
}

function cell(v: unknown): string {
  return escapeHtml(Array.isArray(v) ? v.join(', ') : v);
}

/** Properties of one feature; with definitions, each row also gives the property's title. */
export function propertyTable(properties: Record<string, unknown>, definitions: PropertyDefinition[] = [], lang: Lang = 'fr'): string {
  const titles = new Map(definitions.map((p) => [p.name, p]));
  const rows = Object.entries(properties).map(([k, v]) => {
    const d = titles.get(k);
    const label = d?.enum && typeof v === 'string' && d.enum[v] ? ` <small>(${escapeHtml(d.enum[v])})</small>` : '';
    return `<tr><th scope="row"><code>${escapeHtml(k)}</code>${d ? `<br><small>${escapeHtml(d.title)}</small>` : ''}</th><td>${cell(v)}${label}</td></tr>`;
  }).join('');
  return `<table><caption>${t(lang, 'properties')}</caption><thead><tr><th scope="col">${t(lang, 'property')}</th><th scope="col">${t(lang, 'value')}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export interface MapOptions {
  /** Accessible name of the map region. */
  label: string;
  /** Drawn as a solid rectangle (a collection's extent). */
  extent?: Rect | null;
  /** Drawn dashed (the requested bbox). */
  bbox?: number[];
}

/**
 * A Leaflet map of GeoJSON features, with no base layer (the server works offline). The map is
 * focusable and pans with the arrow keys (Leaflet's keyboard handler). Sets `window.__leafletMap`
 * and `window.__featuresDrawn` (features plus rectangles drawn), read by the page script and tests.
 */
export function mapScript(id: string, geojson: object, options: MapOptions): string {
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
  const e = options.extent;
  const extent = e ? [[e.minY, e.minX], [e.maxY, e.maxX]] : null;
  const b = options.bbox && options.bbox.length >= 4 ? (options.bbox.length === 6 ? [options.bbox[0], options.bbox[1], options.bbox[3], options.bbox[4]] : options.bbox) : null;
  const bbox = b ? [[b[1], b[0]], [b[3], b[2]]] : null;
  return `<div id="${id}" class="map" role="region" aria-label="${escapeHtml(options.label)}" tabindex="0"></div><script>
(function(){var map=L.map(${json(id)},{attributionControl:false,keyboard:true});L.control.scale({imperial:false}).addTo(map);
var layer=L.geoJSON(${json(geojson)},{pointToLayer:function(f,ll){return L.circleMarker(ll,{radius:5,color:'#000091',weight:1,fillOpacity:.7});},
style:function(){return {color:'#000091',weight:2,fillOpacity:.25};},
onEachFeature:function(f,l){if(f.id!==undefined)l.bindTooltip(String(f.id));}});
var extent=${json(extent)},bbox=${json(bbox)},drawn=layer.getLayers().length;
// The view first: Leaflet cannot place vector layers on a map without one.
if(drawn){map.fitBounds(layer.getBounds(),{maxZoom:12,padding:[20,20]});}
else if(bbox){map.fitBounds(bbox);}else if(extent){map.fitBounds(extent,{padding:[20,20]});}else{map.setView([46.5,2.5],5);}
layer.addTo(map);
if(extent){L.rectangle(extent,{color:'#000091',weight:2,fillOpacity:.08}).addTo(map);drawn++;}
if(bbox){window.__bboxLayer=L.rectangle(bbox,{color:'#e1000f',weight:2,dashArray:'6 4',fill:false}).addTo(map);drawn++;}
window.__leafletMap=map;window.__featuresDrawn=drawn;})();</script>`;
}

export function featureRows(features: Feature[], columns: string[], itemHref: (f: Feature) => string, caption = ''): string {
  const head = `<tr><th scope="col">id</th>${columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const rows = features.map((f) => `<tr><td><a href="${escapeHtml(itemHref(f))}">${escapeHtml(f.id)}</a></td>${columns.map((c) => `<td>${cell(f.properties[c])}</td>`).join('')}</tr>`).join('');
  return `<div class="scroll" tabindex="0" role="region" aria-label="${escapeHtml(caption || 'features')}"><table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

/** The filter form's view of a collection: properties a condition can test, by type. */
export function queryablesJson(properties: PropertyDefinition[]): string {
  const list = properties.filter((p) => p.queryable !== false && p.type !== 'array')
    .map((p) => ({ name: p.name, title: p.title, type: p.type, enum: p.enum ? Object.keys(p.enum) : undefined }));
  return JSON.stringify(list).replace(/</g, '\\u003c');
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
export function filterForm(o: FilterFormOptions): string {
  const { lang, params } = o;
  const handled = new Set(['f', 'filter', 'filter-lang', 'bbox', 'datetime', 'limit', 'offset']);
  // Other parameters of the current request (sortby, properties, crs…) are kept as they are.
  const kept = Object.entries(params).filter(([k]) => !handled.has(k))
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
  const lang2 = params['filter-lang'] === 'cql2-json' ? '<input type="hidden" name="filter-lang" value="cql2-json">' : '';
  const cql2 = o.cql2 ? `<fieldset id="conditions" data-label-property="${escapeHtml(t(lang, 'property'))}" data-label-operator="${escapeHtml(t(lang, 'operator'))}"
 data-label-value="${escapeHtml(t(lang, 'value'))}" data-label-remove="${escapeHtml(t(lang, 'removeCondition'))}" hidden><legend>${t(lang, 'filterLegend')}</legend>
<div class="rows"></div><button type="button" id="add-condition">${t(lang, 'addCondition')}</button></fieldset>
<script type="application/json" id="queryables">${queryablesJson(o.properties)}</script>
<label for="filter-text">${t(lang, 'cql2')}</label><textarea id="filter-text" name="filter" spellcheck="false">${escapeHtml(params.filter ?? '')}</textarea>${lang2}` : '';
  const bbox = o.spatial ? `<label for="bbox">${t(lang, 'bbox')}</label><input id="bbox" name="bbox" size="40" inputmode="decimal" value="${escapeHtml(params.bbox ?? '')}" pattern="\\s*-?[\\d.]+(\\s*,\\s*-?[\\d.]+){3}\\s*" placeholder="1.2,43.5,1.6,43.8">
<button type="button" id="draw-bbox" aria-describedby="draw-hint">${t(lang, 'drawBbox')}</button> <button type="button" id="view-bbox">${t(lang, 'viewBbox')}</button>
<p id="draw-hint" class="muted">${t(lang, 'drawHint')}</p>` : '';
  const datetime = o.temporal ? `<label for="datetime">${t(lang, 'datetime')}</label><input id="datetime" name="datetime" size="30" value="${escapeHtml(params.datetime ?? '')}" placeholder="2020/..">` : '';
  return `<form class="filter" id="filter-form" method="get" action="${escapeHtml(o.action)}"><input type="hidden" name="f" value="html">${kept}
${cql2}${bbox}${datetime}<label for="limit">${t(lang, 'limit')}</label><input id="limit" name="limit" type="number" min="1" max="10000" value="${o.limit}">
<div class="actions"><button type="submit">${t(lang, 'apply')}</button><a href="${escapeHtml(`${o.action}?f=html`)}">${t(lang, 'reset')}</a></div></form>`;
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
  const lang = ctx.lang ?? 'fr';
  const rows = Object.entries<Record<string, any>>(schema.properties ?? {}).map(([name, s]) => {
    const codes: [string, string][] = Array.isArray(s.oneOf) ? s.oneOf.map((o: any) => [String(o.const), String(o.title ?? '')])
      : Array.isArray(s.enum) ? s.enum.map((v: unknown) => [String(v), '']) : [];
    const shown = codes.slice(0, 40).map(([c, label]) => `<code>${escapeHtml(c)}</code>${label ? ` ${escapeHtml(label)}` : ''}`).join('<br>');
    const role = s['x-ogc-role'] ? `<br><small>${escapeHtml(s['x-ogc-role'])}</small>` : '';
    return `<tr><th scope="row"><code>${escapeHtml(name)}</code></th><td>${escapeHtml(schemaType(s))}${role}</td>
<td>${escapeHtml(s.title ?? '')}${s.description ? `<br><small>${escapeHtml(s.description)}</small>` : ''}</td><td>${shown}${codes.length > 40 ? ` … (${codes.length})` : ''}</td></tr>`;
  }).join('');
  const body = `${schema.description ? `<p>${escapeHtml(schema.description)}</p>` : ''}<p><a href="${escapeHtml(jsonHref)}">JSON Schema</a></p>
<div class="scroll" tabindex="0" role="region" aria-label="${escapeHtml(ctx.title)}"><table><thead><tr><th scope="col">${t(lang, 'name')}</th><th scope="col">${t(lang, 'type')}</th>
<th scope="col">${t(lang, 'description')}</th><th scope="col">${t(lang, 'values')}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return page(ctx, body);
}
