// Plain HTML pages, one function per resource. Assets (Leaflet) are served by the server itself.
import type { Link } from './geojson.js';
import type { Feature } from '../types.js';

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface PageContext { base: string; title: string; breadcrumbs: { href: string; label: string }[]; links?: Link[] }

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fff;line-height:1.45}
header{background:#000091;color:#fff;padding:.75rem 1.5rem}header a{color:#fff}
main{padding:1rem 1.5rem;max-width:80rem}nav.crumbs{font-size:.9rem;margin-bottom:.5rem}
a{color:#000091}table{border-collapse:collapse;font-size:.875rem;width:100%}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f5f5fe}
.map{height:24rem;border:1px solid #ccc;margin:1rem 0;background:#eef}.scroll{overflow-x:auto}
.formats a{margin-right:.75rem}code{background:#f4f4f4;padding:0 .2rem}
.pager a{margin-right:1rem}`;

export function page(ctx: PageContext, body: string, options: { map?: boolean } = {}): string {
  const crumbs = ctx.breadcrumbs.map((b) => `<a href="${escapeHtml(b.href)}">${escapeHtml(b.label)}</a>`).join(' › ');
  const alternates = (ctx.links ?? []).filter((l) => l.rel === 'alternate')
    .map((l) => `<a href="${escapeHtml(l.href)}" type="${escapeHtml(l.type ?? '')}">${escapeHtml(l.title ?? l.type)}</a>`).join('');
  const mapHead = options.map
    ? `<link rel="stylesheet" href="${ctx.base}/assets/leaflet/leaflet.css"><script src="${ctx.base}/assets/leaflet/leaflet.js"></script>`
    : '';
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(ctx.title)}</title><style>${STYLE}</style>${mapHead}</head>
<body><header><a href="${ctx.base}/">Prélèvements en eau — OGC API</a></header><main>
<nav class="crumbs" aria-label="Fil d'Ariane">${crumbs}</nav><h1>${escapeHtml(ctx.title)}</h1>
${alternates ? `<p class="formats">Autres formats : ${alternates}</p>` : ''}${body}</main></body></html>`;
}

export function linkList(links: Link[]): string {
  return `<ul>${links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.title ?? l.rel)}</a> <small>(${escapeHtml(l.rel)}${l.type ? `, ${escapeHtml(l.type)}` : ''})</small></li>`).join('')}</ul>`;
}

export function propertyTable(properties: Record<string, unknown>): string {
  const rows = Object.entries(properties).map(([k, v]) =>
    `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(Array.isArray(v) ? v.join(', ') : v)}</td></tr>`).join('');
  return `<table><tbody>${rows}</tbody></table>`;
}

/** A Leaflet map of GeoJSON features (no base layer: the server works offline). */
export function mapScript(id: string, geojson: object, bbox?: number[]): string {
  const data = JSON.stringify(geojson).replace(/</g, '\\u003c');
  return `<div id="${id}" class="map" role="img" aria-label="Carte des entités"></div><script>
(function(){var map=L.map(${JSON.stringify(id)},{attributionControl:false});
var layer=L.geoJSON(${data},{pointToLayer:function(f,ll){return L.circleMarker(ll,{radius:5,color:'#000091',weight:1,fillOpacity:.7});},
onEachFeature:function(f,l){if(f.id!==undefined)l.bindTooltip(String(f.id));}}).addTo(map);
var b=${JSON.stringify(bbox ?? null)};
if(layer.getLayers().length){map.fitBounds(layer.getBounds(),{maxZoom:12,padding:[20,20]});}
else if(b){map.fitBounds([[b[1],b[0]],[b[3],b[2]]]);}else{map.setView([46.5,2.5],5);}
window.__featuresDrawn=layer.getLayers().length;})();</script>`;
}

export function featureRows(features: Feature[], columns: string[], itemHref: (f: Feature) => string): string {
  const head = `<tr><th scope="col">id</th>${columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const rows = features.map((f) => `<tr><td><a href="${escapeHtml(itemHref(f))}">${escapeHtml(f.id)}</a></td>${columns.map((c) => `<td>${escapeHtml(f.properties[c])}</td>`).join('')}</tr>`).join('');
  return `<div class="scroll"><table><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}
