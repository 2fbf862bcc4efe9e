// Script of the MapLibre map page, served as /assets/web/map.js: the map on the server's style (or
// an online basemap style with the data merged over it), the selects that filter the dataset tiles,
// the choropleth classes (quantiles of the values shown) and their legend, popups on click.
// Plain module code: no build step. The DOM is built with textContent (values are never markup).
export const MAP_JS = `import * as maplibregl from './../maplibre/maplibre-gl.mjs';
const config = JSON.parse(document.getElementById('map-config').textContent);
const fmt = new Intl.NumberFormat(config.lang, { maximumSignificantDigits: 2, notation: 'compact' });

async function loadStyle() {
  if (!config.onlineStyle) return config.style;
  // The online basemap under the server's data layers (its own glyphs and sprite).
  const [online, own] = await Promise.all([fetch(config.onlineStyle).then((r) => r.json()), fetch(config.style).then((r) => r.json())]);
  return { ...online, sources: { ...online.sources, ...own.sources }, layers: [...online.layers, ...own.layers.filter((l) => l.type !== 'background')] };
}

const map = new maplibregl.Map({ container: 'map', style: await loadStyle(), center: config.center, zoom: config.zoom, attributionControl: { compact: true } });
if (config.fit) map.fitBounds(config.fit, { padding: 20, animate: false, maxZoom: 12 });
map.addControl(new maplibregl.NavigationControl());
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }));
window.__map = map;
map.on('error', (e) => { console.error('map error:', String(e.error && e.error.message || e)); });

// ---- selects: parameters of the dataset tiles -------------------------------------------------
const selection = {};
let template = null;
function query() {
  const p = new URLSearchParams();
  for (const s of config.selectors) {
    const el = document.getElementById('select-' + s.parameter);
    if (el && el.value !== s.allValue) p.set(s.parameter, el.value);
    selection[s.parameter] = el ? el.value : s.allValue;
  }
  const year = document.getElementById('select-year');
  if (year && year.value) p.set('datetime', year.value + '-01-01/' + year.value + '-12-31');
  selection.year = year ? year.value : '';
  return p.toString();
}
let wanted = null;
let applied = null;
let settling = false;
function applySelection() {
  const source = map.getSource('tiles');
  if (!source || !source.tiles) return;
  template = template || source.tiles[0].split('?')[0];
  if (applied === null) applied = source.tiles[0];
  const q = query();
  wanted = q ? template + '?' + q : template;
  pushTiles();
  paintChoropleths();
  legendKey = null;
}
// One tiles URL at a time: MapLibre does not abort a tile's request when the URL changes again, so the
// answer for an earlier selection could land after the last one's. The next URL goes once the map is idle.
function pushTiles() {
  const source = map.getSource('tiles');
  if (settling || !source || wanted === null || applied === wanted) return;
  settling = true;
  applied = wanted;
  source.setTiles([wanted]);
  let done = false;
  const next = () => { if (done) return; done = true; settling = false; pushTiles(); };
  map.once('idle', next);
  setTimeout(next, 15000); // never stuck if the map does not go idle
}
document.querySelectorAll('#map-selectors select').forEach((el) => el.addEventListener('change', applySelection));
query();

// ---- choropleths: colours, quantile classes and legend -----------------------------------------
function ramp(c) {
  const alt = c.alternate && selection[c.alternate.parameter] === c.alternate.value ? c.alternate : null;
  return { property: alt ? alt.property : c.property, colors: alt ? alt.colors : c.colors, label: alt ? alt.label : null };
}
const breaksOf = {};
function stepExpression(property, breaks, colors) {
  const e = ['step', ['to-number', ['coalesce', ['get', property], 0]], colors[0]];
  breaks.forEach((b, i) => e.push(b, colors[i + 1]));
  return e;
}
function paintChoropleths() {
  for (const c of config.choropleths) {
    const id = c.collection + '-choropleth';
    if (!map.getLayer(id)) continue;
    const r = ramp(c);
    map.setPaintProperty(id, 'fill-color', stepExpression(r.property, breaksOf[c.collection] || c.breaks, r.colors));
  }
}
/** Class bounds at the quantiles of the values, rounded to two significant digits, strictly increasing. */
function quantiles(values, classes) {
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (sorted.length < 2) return [];
  const out = [];
  for (let k = 1; k < classes; k++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * k) / classes))];
    const r = Number(v.toPrecision(2));
    if (!out.length || r > out[out.length - 1]) out.push(r);
  }
  return out;
}
let legendKey = null;
function updateLegend() {
  const z = map.getZoom();
  const box = document.getElementById('choropleth-legend');
  const c = config.choropleths.find((x) => z >= x.minZoom && z < x.maxZoom + 1);
  if (!box) return;
  if (!c) { box.textContent = ''; legendKey = null; return; }
  const r = ramp(c);
  const seen = new Map();
  for (const f of map.querySourceFeatures('tiles', { sourceLayer: c.collection })) {
    const v = Number(f.properties[r.property]);
    if (f.geometry.type !== 'Point' && Number.isFinite(v)) seen.set(f.properties.id, v);
  }
  const key = c.collection + '|' + JSON.stringify(selection) + '|' + seen.size;
  if (key === legendKey) return;
  legendKey = key;
  if (!seen.size) { box.textContent = ''; return; }
  const breaks = quantiles([...seen.values()], r.colors.length);
  breaksOf[c.collection] = breaks.length ? breaks : c.breaks;
  paintChoropleths();
  const used = breaksOf[c.collection];
  box.textContent = '';
  const title = document.createElement('strong');
  title.textContent = (c.title || c.collection + ' : ' + c.property) + (r.label ? ' — ' + r.label : '') + (c.unit ? ' (' + c.unit + ')' : '');
  const note = document.createElement('div');
  note.textContent = config.text.classes;
  const list = document.createElement('ul');
  list.className = 'classes';
  for (let i = 0; i <= used.length; i++) {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.style.background = r.colors[Math.min(i, r.colors.length - 1)];
    const lo = i === 0 ? null : used[i - 1], hi = i < used.length ? used[i] : null;
    li.append(sw, lo === null ? '< ' + fmt.format(hi) : hi === null ? '≥ ' + fmt.format(lo) : fmt.format(lo) + ' – ' + fmt.format(hi));
    list.append(li);
  }
  box.append(title, list, note);
}
// Classes follow what is loaded: after the tiles' data arrive (debounced), after a move, when idle.
let pending = null;
function soon() { clearTimeout(pending); pending = setTimeout(updateLegend, 150); }
map.on('sourcedata', (e) => { if (e.sourceId === 'tiles' && e.isSourceLoaded) soon(); });
map.on('moveend', soon);
map.on('idle', updateLegend);
window.__updateLegend = updateLegend;
map.on('load', () => { applySelection(); window.__mapLoaded = true; });

// ---- popups --------------------------------------------------------------------------------------
const schemas = {};
async function schemaOf(collection) {
  if (!schemas[collection]) {
    schemas[collection] = fetch(config.base + '/collections/' + encodeURIComponent(collection) + '/queryables', { headers: { Accept: 'application/schema+json' } })
      .then((r) => (r.ok ? r.json() : { properties: {} })).catch(() => ({ properties: {} }));
  }
  return schemas[collection];
}
function fill(template, properties) {
  return template.replace(/[{]([a-z_0-9]+)[}]/gi, (_, name) => encodeURIComponent(properties[name] === undefined ? '' : String(properties[name])));
}
function fillText(template, properties) { return template.replace(/[{]([a-z_0-9]+)[}]/gi, (_, name) => (properties[name] === undefined ? '' : String(properties[name]))); }
function link(href, text) { const a = document.createElement('a'); a.href = href; a.textContent = text; return a; }
// The map's tiles carry only what it draws with: a popup reads the whole feature by its id.
async function propertiesOf(collection, p) {
  if (p.id === undefined || p.cluster === true) return p;
  try {
    const r = await fetch(config.base + '/collections/' + encodeURIComponent(collection) + '/items/' + encodeURIComponent(p.id) + '?f=json', { headers: { Accept: 'application/geo+json' } });
    if (r.ok) { const feature = await r.json(); return Object.assign({}, p, feature.properties || {}); }
  } catch (e) { /* offline or refused: the tile's properties */ }
  return p;
}
async function popupContent(f) {
  const collection = f.sourceLayer;
  const [schema, p] = await Promise.all([schemaOf(collection), propertiesOf(collection, f.properties)]);
  const root = document.createElement('div');
  const h = document.createElement('h2');
  // The queryables' title is "<collection> — …": the collection's part.
  h.textContent = String(schema.title || collection).split(' — ')[0];
  root.append(h);
  if (p.cluster === true) {
    const text = document.createElement('p');
    text.textContent = config.text.zoomIn + ' (' + p.point_count + ')';
    root.append(text);
    return root;
  }
  const table = document.createElement('table');
  for (const [name, s] of Object.entries(schema.properties || {})) {
    if (p[name] === undefined || p[name] === null || p[name] === '' || name === 'geometry') continue;
    const row = document.createElement('tr');
    const th = document.createElement('th'); th.textContent = s.title || name;
    const td = document.createElement('td');
    const code = Array.isArray(s.oneOf) ? s.oneOf.find((o) => String(o.const) === String(p[name])) : null;
    td.textContent = typeof p[name] === 'number' && /volume/.test(name) ? fmt.format(p[name]) + ' m³' : String(p[name]) + (code && code.title ? ' — ' + code.title : '');
    row.append(th, td);
    table.append(row);
    if (table.rows.length >= 12) break;
  }
  root.append(table);
  const links = document.createElement('p');
  if (p.id !== undefined) links.append(link(config.base + '/collections/' + encodeURIComponent(collection) + '/items/' + encodeURIComponent(p.id) + '?f=html', config.text.featurePage));
  for (const l of config.popupLinks[collection] || []) { links.append(document.createElement('br'), link(config.base + fill(l.href, p), fillText(l.title, p))); }
  root.append(links);
  return root;
}
map.on('click', async (e) => {
  const layers = map.getStyle().layers.filter((l) => l.source === 'tiles').map((l) => l.id);
  const f = map.queryRenderedFeatures(e.point, { layers })[0];
  if (!f) return;
  const content = await popupContent(f);
  new maplibregl.Popup({ maxWidth: '24rem' }).setLngLat(e.lngLat).setDOMContent(content).addTo(map);
  window.__popupOpen = true;
});
map.on('mousemove', (e) => {
  const layers = map.getStyle().layers.filter((l) => l.source === 'tiles').map((l) => l.id);
  map.getCanvas().style.cursor = map.queryRenderedFeatures(e.point, { layers }).length ? 'pointer' : '';
});
`;
