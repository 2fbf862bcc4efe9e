// Templates of the tiles pages: tile matrix set, tileset, and the MapLibre map page (its own layout).
export const TILES_TEMPLATES = {
  // it: id, uri, crs, rows [{id, scale, cellSize, width, height}]
  tileMatrixSet: `<dl class="facts"><dt><%= it.t('identifier') %></dt><dd><code><%= it.id %></code></dd><dt>URI</dt><dd><%= it.uri %></dd>
<dt>CRS</dt><dd><%= it.crs %></dd></dl><div class="scroll" tabindex="0" role="region" aria-label="<%= it.id %>"><table><thead><tr><th scope="col"><%= it.t('tileMatrix') %></th><th scope="col"><%= it.t('scaleDenominator') %></th><th scope="col"><%= it.t('cellSize') %></th><th scope="col"><%= it.t('matrixSize') %></th></tr></thead><tbody><% for (const m of it.rows) { %><tr><th scope="row"><%= m.id %></th><td><%= it.n(m.scale) %></td>
<td><%= m.cellSize %></td><td><%= it.n(m.width) %> × <%= it.n(m.height) %></td></tr><% } %></tbody></table></div>`,

  // it: description?, mapHref, layers [{id, title, geometryType, min, max}], limits [{tileMatrix, minRow, maxRow, minCol, maxCol}], links
  tileset: `<% if (it.description) { %><p><%= it.description %></p><% } %>
<p><a href="<%= it.mapHref %>"><%= it.t('map') %></a></p>
<h2 id="layers"><%= it.t('layers') %></h2><div class="scroll"><table aria-labelledby="layers"><thead><tr><th scope="col"><%= it.t('identifier') %></th><th scope="col"><%= it.t('title') %></th><th scope="col"><%= it.t('type') %></th><th scope="col"><%= it.t('tilesetLimits') %></th></tr></thead><tbody><% for (const l of it.layers) { %><tr><th scope="row"><code><%= l.id %></code></th><td><%= l.title %></td><td><%= l.geometryType %></td>
<td><%= l.min %> – <%= l.max %></td></tr><% } %></tbody></table></div>
<% if (it.limits.length) { %><h2 id="limits"><%= it.t('limitsPerZoom') %></h2><div class="scroll" tabindex="0" role="region" aria-labelledby="limits"><table><thead><tr><th scope="col"><%= it.t('tileMatrix') %></th><th scope="col"><%= it.t('rows') %></th><th scope="col"><%= it.t('columns') %></th></tr></thead><tbody><% for (const l of it.limits) { %><tr><th scope="row"><%= l.tileMatrix %></th><td><%= l.minTileRow %> – <%= l.maxTileRow %></td><td><%= l.minTileCol %> – <%= l.maxTileCol %></td></tr><% } %></tbody></table></div><% } %>
<h2><%= it.t('links') %></h2><%~ include('@links', it) %>`,

  // it: base, title, links [{href, title}], legend [{color, label, size}], config
  // The tiles map (drawn by /assets/web/map.js from the JSON block). it: title, background, links [{href, title}],
  //   selectors [{id, label, options [{value, label}]}], legend [{color, label, size}], config
  mapPage: `<!doctype html><html lang="<%= it.lang %>"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title><%= it.title %></title><link rel="icon" href="data:,"><link rel="stylesheet" href="<%= it.base %>/assets/maplibre/maplibre-gl.css">
<style>html,body{margin:0;height:100%;background:<%= it.background %>}body{display:flex;flex-direction:column}#map{flex:1;min-height:0}
header{background:#000091;color:#fff;padding:.4rem .8rem;font-family:system-ui,sans-serif}header a{color:#fff}
.selectors{margin-top:.3rem;font-size:14px}.selectors select{margin-right:.6rem}
.legend{position:absolute;z-index:1;bottom:1.6rem;left:.6rem;background:#fffe;padding:.3rem .7rem;font:12px system-ui,sans-serif;border-radius:4px;max-width:22rem}.legend ul{list-style:none;margin:0;padding:0}
.legend .classes li{display:flex;align-items:center;gap:.4rem}.legend .classes span{display:inline-block;width:18px;height:12px;border:1px solid #8888}
.maplibregl-popup-content{font:13px system-ui,sans-serif;max-width:22rem}.maplibregl-popup-content table{border-collapse:collapse}.maplibregl-popup-content th{text-align:left;padding-right:.5rem;font-weight:600;vertical-align:top}.maplibregl-popup-content h2{font-size:14px;margin:0 0 .3rem}</style></head>
<body><header><a href="<%= it.base %>/?f=html"><%= it.t('home') %></a> — <%= it.title %><% for (const l of it.links) { %> · <a href="<%= l.href %>"><%= l.title %></a><% } %><% if (it.selectors.length) { %><form class="selectors" id="map-selectors"><% for (const s of it.selectors) { %><label for="<%= s.id %>"><%= s.label %></label> <select id="<%= s.id %>"><% for (const o of s.options) { %><option value="<%= o.value %>"><%= o.label %></option><% } %></select> <% } %></form><% } %></header><div id="map" role="region" aria-label="<%= it.title %>"></div><aside class="legend" aria-label="<%= it.t('legend') %>"><div id="choropleth-legend" aria-live="polite"></div><% if (it.legend.length) { %><ul><% for (const s of it.legend) { %><li><span style="display:inline-block;width:<%= s.size %>px;height:<%= s.size %>px;border-radius:50%;background:<%= s.color %>;margin-right:.4rem"></span><%= s.label %></li><% } %></ul><% } %></aside>
<script type="application/json" id="map-config"><%~ it.json(it.config) %></script>
<script type="module" src="<%= it.base %>/assets/web/map.js"></script></body></html>`,
};
