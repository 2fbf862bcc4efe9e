// Templates of the Features and Common pages: landing, conformance, API, collections, items, feature.
export const PAGE_TEMPLATES = {
  // it: description, notes [[{text} | {code}]], start [{href, label}], collections [{href, title, itemsHref, count}], links
  landing: `<p><%= it.description %></p><% for (const note of it.notes) { %><p><% for (const piece of note) { %><% if ('code' in piece) { %><code><%= piece.code %></code><% } else { %><%= piece.text %><% } %><% } %></p><% } %><nav aria-labelledby="start"><h2 id="start"><%= it.t('links') %></h2><ul><% for (const l of it.start) { %><li><a href="<%= l.href %>"><%= l.label %></a></li><% } %></ul></nav>
<h2><%= it.t('collections') %></h2><ul><% for (const c of it.collections) { %><li><a href="<%= c.href %>"><%= c.title %></a> — <a href="<%= c.itemsHref %>"><%= it.t('featuresCount', it.n(c.count)) %></a></li><% } %></ul><details><summary><%= it.t('links') %> (JSON)</summary><%~ include('@links', it) %></details>`,

  // it: classes
  conformance: `<ul><% for (const c of it.classes) { %><li><code><%= c %></code></li><% } %></ul>`,

  // it: jsonHref, paths
  apiList: `<p><a href="<%= it.jsonHref %>"><%= it.t('apiJson') %></a></p><ul><% for (const p of it.paths) { %><li><code>GET <%= p %></code></li><% } %></ul>`,

  // Swagger UI reads the document's URL from data-url (init.js, no inline code). it: jsonHref, mediaType, assets
  apiDocs: `<p><a href="<%= it.jsonHref %>" type="<%= it.mediaType %>"><%= it.t('apiJson') %></a></p>
<div id="swagger-ui" data-url="<%= it.jsonHref %>"></div>
<script src="<%= it.assets %>/swagger-ui-bundle.js"></script><script src="<%= it.assets %>/init.js"></script>`,

  // it: collections [{href, title, description, id, itemsHref, count}]
  collections: `<div class="scroll"><table><thead><tr><th scope="col"><%= it.t('title') %></th><th scope="col"><%= it.t('identifier') %></th><th scope="col"><%= it.t('features') %></th></tr></thead><tbody><% for (const c of it.collections) { %><tr><th scope="row"><a href="<%= c.href %>"><%= c.title %></a><br><small><%= c.description %></small></th>
<td><code><%= c.id %></code></td><td><a href="<%= c.itemsHref %>"><%= it.t('featuresCount', it.n(c.count)) %></a></td></tr><% } %></tbody></table></div>`,

  // it: description, id, itemsHref, count, bbox?, interval?, attribution?, map (Html | ''), tilesHref?, formats [{label, type, first, all?}],
  //     queryablesHref?, queryables [{name, type, title, description?, codes [[code, label]], more}], links
  collection: `<p><%= it.description %></p><dl class="facts"><dt><%= it.t('identifier') %></dt><dd><code><%= it.id %></code></dd><dt><%= it.t('features') %></dt><dd><a href="<%= it.itemsHref %>"><%= it.t('featuresCount', it.n(it.count)) %></a></dd><% if (it.bbox) { %><dt><%= it.t('spatialExtent') %></dt><dd><%= it.bbox %></dd><% } %><% if (it.interval) { %><dt><%= it.t('temporalExtent') %></dt><dd><%= it.interval %></dd><% } %><% if (it.attribution) { %><dt>Attribution</dt><dd><%= it.attribution %></dd><% } %></dl>
<%~ it.map %><p><a href="<%= it.itemsHref %>"><%= it.t('browse') %></a><% if (it.tilesHref) { %> · <a href="<%= it.tilesHref %>"><%= it.t('mapOf', it.t('tiles')) %></a><% } %></p>
<h2 id="downloads"><%= it.t('downloads') %></h2><div class="scroll"><table aria-labelledby="downloads"><thead><tr><th scope="col"><%= it.t('format') %></th><th scope="col"><%= it.t('mediaType') %></th><th scope="col"><%= it.t('downloadPage') %></th><th scope="col"><%= it.t('downloadAll') %></th></tr></thead><tbody><% for (const f of it.formats) { %><tr><th scope="row"><%= f.label %></th><td><code><%= f.type %></code></td><td><a href="<%= f.first %>"><%= it.t('downloadPage') %></a></td>
<td><% if (f.all) { %><a href="<%= f.all %>"><%= it.t('downloadAll') %></a><% } %></td></tr><% } %></tbody></table></div>
<h2 id="queryables"><%= it.t('queryables') %></h2><% if (it.queryablesHref) { %><p><a href="<%= it.queryablesHref %>"><%= it.t('queryablesJson') %></a></p><% } %>
<div class="scroll"><table aria-labelledby="queryables"><thead><tr><th scope="col"><%= it.t('name') %></th><th scope="col"><%= it.t('type') %></th><th scope="col"><%= it.t('description') %></th><th scope="col"><%= it.t('values') %></th></tr></thead><tbody><% for (const p of it.queryables) { %><tr><th scope="row"><code><%= p.name %></code></th><td><%= p.type %></td><td><%= p.title %><% if (p.description) { %><br><small><%= p.description %></small><% } %></td>
<td><% p.codes.forEach(([code, label], i) => { %><% if (i) { %><br><% } %><code><%= code %></code> <%= label %><% }) %><% if (p.more) { %> …<% } %></td></tr><% } %></tbody></table></div>
<h2><%= it.t('links') %></h2><%~ include('@links', it) %>`,

  // it: form (Html), map (Html | ''), bboxShown, noGeometry, count, pager [{href, rel}], table (Html), downloads [{label, page, all}]
  items: `<%~ it.form %>
<% if (it.noGeometry) { %><p class="muted"><%= it.t('noGeometry') %></p><% } else { %><%~ it.map %><% if (it.bboxShown) { %><p class="muted"><%= it.t('bboxShown') %></p><% } %><% } %><p role="status"><%= it.count %></p><nav class="pager" aria-label="<%= it.t('paging') %>"><% for (const l of it.pager) { %><a href="<%= l.href %>" rel="<%= l.rel %>"><%= it.t(l.rel) %></a><% } %></nav>
<%~ it.table %>
<% if (it.downloads.length) { %><h2><%= it.t('downloads') %></h2><ul><% for (const d of it.downloads) { %><li><%= d.label %> :
 <a href="<%= d.page %>"><%= it.t('downloadPage') %></a> ·
 <a href="<%= d.all %>"><%= it.t('downloadFiltered') %></a></li><% } %></ul><% } %>`,

  // it: map (Html | ''), properties (Html)
  feature: `<%~ it.map %><%~ it.properties %>`,
};
