// The page layout and the parts shared by several pages (links, property tables, maps, schema).
// Colours: #000091 on white is 14:1, #3a3a3a on white 11:1, white on #000091 14:1 (WCAG AAA).
const STYLE = `*{box-sizing:border-box}
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

export const LAYOUT_TEMPLATES = {
  // it: base, title, crumbs [{href, label}], alternates [{href, type, label}], leaflet, script, stylesheets, body (Html)
  layout: `<!doctype html><html lang="<%= it.lang %>"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title><%= it.title %></title><link rel="icon" href="data:,"><style>${STYLE}</style><% if (it.leaflet) { %><link rel="stylesheet" href="<%= it.base %>/assets/leaflet/leaflet.css"><script src="<%= it.base %>/assets/leaflet/leaflet.js"></script><% } %><% if (it.script) { %><script src="<%= it.base %>/assets/web/pages.js" defer></script><% } %><% for (const href of it.stylesheets) { %><link rel="stylesheet" href="<%= href %>"><% } %></head>
<body><a class="skip" href="#main"><%= it.t('skip') %></a><header><a href="<%= it.base %>/?f=html"><%= it.t('serviceName') %></a></header><main id="main">
<% if (it.crumbs.length) { %><nav class="crumbs" aria-label="<%= it.t('breadcrumbs') %>"><% it.crumbs.forEach((b, i) => { %><%= i ? ' › ' : '' %><a href="<%= b.href %>"><%= b.label %></a><% }) %></nav><% } %><h1><%= it.title %></h1>
<% if (it.alternates.length) { %><p class="formats"><%= it.t('otherFormats') %> <% for (const l of it.alternates) { %><a href="<%= l.href %>" type="<%= l.type %>"><%= l.label %></a><% } %></p><% } %><%~ it.body %></main></body></html>`,

  // it: links [{href, rel, type?, title?}]
  links: `<ul><% for (const l of it.links) { %><li><a href="<%= l.href %>"><%= l.title ?? l.rel %></a> <small>(<%= l.rel %><% if (l.type) { %>, <%= l.type %><% } %>)</small></li><% } %></ul>`,

  // it: rows [{name, title?, value, label?}]
  propertyTable: `<table><caption><%= it.t('properties') %></caption><thead><tr><th scope="col"><%= it.t('property') %></th><th scope="col"><%= it.t('value') %></th></tr></thead><tbody><% for (const r of it.rows) { %><tr><th scope="row"><code><%= r.name %></code><% if (r.title !== undefined) { %><br><small><%= r.title %></small><% } %></th><td><%= r.value %><% if (r.label) { %> <small>(<%= r.label %>)</small><% } %></td></tr><% } %></tbody></table>`,

  // it: caption, columns, rows [{href, id, cells}]
  featureRows: `<div class="scroll" tabindex="0" role="region" aria-label="<%= it.caption || 'features' %>"><table><% if (it.caption) { %><caption><%= it.caption %></caption><% } %><thead><tr><th scope="col">id</th><% for (const c of it.columns) { %><th scope="col"><%= c %></th><% } %></tr></thead><tbody><% for (const r of it.rows) { %><tr><td><a href="<%= r.href %>"><%= r.id %></a></td><% for (const c of r.cells) { %><td><%= c %></td><% } %></tr><% } %></tbody></table></div>`,

  // A Leaflet map drawn by /assets/web/leaflet-map.js from the JSON block beside it (no inline code: CSP).
  // it: base, id, label, data
  map: `<div id="<%= it.id %>" class="map" role="region" aria-label="<%= it.label %>" tabindex="0"></div><script type="application/json" id="<%= it.id %>-data"><%~ it.json(it.data) %></script><script src="<%= it.base %>/assets/web/leaflet-map.js" data-map="<%= it.id %>"></script>`,

  // it: action, kept [[name, value]], cql2Json, cql2, queryables, spatial, temporal, params, limit
  filterForm: String.raw`<form class="filter" id="filter-form" method="get" action="<%= it.action %>"><input type="hidden" name="f" value="html"><% for (const [k, v] of it.kept) { %><input type="hidden" name="<%= k %>" value="<%= v %>"><% } %>
<% if (it.cql2) { %><fieldset id="conditions" data-label-property="<%= it.t('property') %>" data-label-operator="<%= it.t('operator') %>"
 data-label-value="<%= it.t('value') %>" data-label-remove="<%= it.t('removeCondition') %>" hidden><legend><%= it.t('filterLegend') %></legend>
<div class="rows"></div><button type="button" id="add-condition"><%= it.t('addCondition') %></button></fieldset>
<script type="application/json" id="queryables"><%~ it.json(it.queryables) %></script>
<label for="filter-text"><%= it.t('cql2') %></label><textarea id="filter-text" name="filter" spellcheck="false"><%= it.params.filter ?? '' %></textarea><% if (it.cql2Json) { %><input type="hidden" name="filter-lang" value="cql2-json"><% } %><% } %><% if (it.spatial) { %><label for="bbox"><%= it.t('bbox') %></label><input id="bbox" name="bbox" size="40" inputmode="decimal" value="<%= it.params.bbox ?? '' %>" pattern="\s*-?[\d.]+(\s*,\s*-?[\d.]+){3}\s*" placeholder="1.2,43.5,1.6,43.8">
<button type="button" id="draw-bbox" aria-describedby="draw-hint"><%= it.t('drawBbox') %></button> <button type="button" id="view-bbox"><%= it.t('viewBbox') %></button>
<p id="draw-hint" class="muted"><%= it.t('drawHint') %></p><% } %><% if (it.temporal) { %><label for="datetime"><%= it.t('datetime') %></label><input id="datetime" name="datetime" size="30" value="<%= it.params.datetime ?? '' %>" placeholder="2020/.."><% } %><label for="limit"><%= it.t('limit') %></label><input id="limit" name="limit" type="number" min="1" max="10000" value="<%= it.limit %>">
<div class="actions"><button type="submit"><%= it.t('apply') %></button><a href="<%= it.action + '?f=html' %>"><%= it.t('reset') %></a></div></form>`,

  // it: title, description, jsonHref, rows [{name, type, role, title, description, codes [[code, label]], more}]
  schema: `<% if (it.description) { %><p><%= it.description %></p><% } %><p><a href="<%= it.jsonHref %>">JSON Schema</a></p>
<div class="scroll" tabindex="0" role="region" aria-label="<%= it.title %>"><table><thead><tr><th scope="col"><%= it.t('name') %></th><th scope="col"><%= it.t('type') %></th>
<th scope="col"><%= it.t('description') %></th><th scope="col"><%= it.t('values') %></th></tr></thead><tbody><% for (const r of it.rows) { %><tr><th scope="row"><code><%= r.name %></code></th><td><%= r.type %><% if (r.role) { %><br><small><%= r.role %></small><% } %></td>
<td><%= r.title %><% if (r.description) { %><br><small><%= r.description %></small><% } %></td><td><% r.codes.forEach(([code, label], i) => { %><% if (i) { %><br><% } %><code><%= code %></code><% if (label) { %> <%= label %><% } %><% }) %><% if (r.more) { %> … (<%= r.more %>)<% } %></td></tr><% } %></tbody></table></div>`,
};
