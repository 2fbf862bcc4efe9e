// Script of the pages, served as /assets/web/pages.js: condition rows that write the CQL2 filter,
// the bbox drawn on the Leaflet map; the basemap under every Leaflet map (the server's /basemap:
// offline layers, or an online XYZ raster) and popups of the features (their properties with the
// queryables' titles and code labels, a link to their page). Plain ES5-style code: no build step.
export const PAGES_JS = `(function () {
  'use strict';
  var form = document.getElementById('filter-form');
  if (!form) return;
  var text = document.getElementById('filter-text');
  var box = document.getElementById('conditions');
  var bboxInput = document.getElementById('bbox');
  var OPERATORS = ['=', '<>', '<', '<=', '>', '>=', 'LIKE'];
  var serial = 0;

  function literal(type, value) {
    if (type === 'integer' || type === 'number') return /^-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?$/.test(value.trim()) ? value.trim() : "'" + value.replace(/'/g, "''") + "'";
    if (type === 'boolean') return /^(true|vrai|1|oui|yes)$/i.test(value.trim()) ? 'TRUE' : 'FALSE';
    if (type === 'date') return "DATE('" + value.trim().replace(/'/g, "''") + "')";
    return "'" + value.replace(/'/g, "''") + "'";
  }
  /** Property names are quoted when they are not plain identifiers. */
  function identifier(name) { return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : '"' + name.replace(/"/g, '""') + '"'; }

  if (box && text) {
    var queryables = JSON.parse(document.getElementById('queryables').textContent || '[]');
    var byName = {};
    queryables.forEach(function (q) { byName[q.name] = q; });
    var rows = box.querySelector('.rows');
    box.hidden = false;

    function build() {
      var parts = [];
      rows.querySelectorAll('.condition').forEach(function (row) {
        var q = byName[row.querySelector('select.property').value];
        var op = row.querySelector('select.operator').value;
        var value = row.querySelector('input.value').value;
        if (!q || value === '') return;
        parts.push(identifier(q.name) + ' ' + op + ' ' + (op === 'LIKE' ? "'" + value.replace(/'/g, "''") + "'" : literal(q.type, value)));
      });
      text.value = parts.join(' AND ');
    }

    function labelled(control, label, id) {
      var wrap = document.createElement('div');
      var l = document.createElement('label');
      l.htmlFor = id; l.textContent = label; control.id = id;
      wrap.appendChild(l); wrap.appendChild(control);
      return wrap;
    }

    function addRow() {
      var n = ++serial;
      var row = document.createElement('div');
      row.className = 'condition';
      var property = document.createElement('select');
      property.className = 'property';
      queryables.forEach(function (q) {
        var o = document.createElement('option');
        o.value = q.name; o.textContent = q.title + ' (' + q.name + ')';
        property.appendChild(o);
      });
      var operator = document.createElement('select');
      operator.className = 'operator';
      OPERATORS.forEach(function (op) { var o = document.createElement('option'); o.value = op; o.textContent = op; operator.appendChild(o); });
      var value = document.createElement('input');
      value.className = 'value';
      var list = document.createElement('datalist');
      list.id = 'values-' + n;
      value.setAttribute('list', list.id);
      function fillList() {
        list.textContent = '';
        var q = byName[property.value];
        (q && q.enum || []).forEach(function (v) { var o = document.createElement('option'); o.value = v; list.appendChild(o); });
        value.placeholder = q && q.type === 'date' ? '2020-01-31' : '';
      }
      property.addEventListener('change', function () { fillList(); build(); });
      operator.addEventListener('change', build);
      value.addEventListener('input', build);
      var remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = box.getAttribute('data-label-remove');
      remove.addEventListener('click', function () { row.remove(); build(); });
      row.appendChild(labelled(property, box.getAttribute('data-label-property'), 'cond-property-' + n));
      row.appendChild(labelled(operator, box.getAttribute('data-label-operator'), 'cond-operator-' + n));
      row.appendChild(labelled(value, box.getAttribute('data-label-value'), 'cond-value-' + n));
      row.appendChild(list);
      row.appendChild(remove);
      rows.appendChild(row);
      fillList();
      return property;
    }
    document.getElementById('add-condition').addEventListener('click', function () { addRow().focus(); });
    if (!text.value) addRow();
  }

  // Empty fields are left out of the URL: an empty bbox or filter would be a 400.
  form.addEventListener('submit', function () {
    form.querySelectorAll('input[name],textarea[name]').forEach(function (el) { if (el.value.trim() === '') el.disabled = true; });
  });

  var map = window.__leafletMap;
  if (!bboxInput || !map) return;
  var rectangle = window.__bboxLayer || null;
  function round(v) { return Math.round(v * 1e5) / 1e5; }
  function show(bounds) {
    if (rectangle) rectangle.setBounds(bounds);
    else rectangle = window.__bboxLayer = L.rectangle(bounds, { color: '#e1000f', weight: 2, dashArray: '6 4', fill: false }).addTo(map);
    var sw = bounds.getSouthWest(), ne = bounds.getNorthEast();
    bboxInput.value = [round(Math.max(-180, sw.lng)), round(Math.max(-90, sw.lat)), round(Math.min(180, ne.lng)), round(Math.min(90, ne.lat))].join(',');
  }
  bboxInput.addEventListener('change', function () {
    var v = bboxInput.value.split(',').map(Number);
    if (v.length === 4 && v.every(isFinite)) show(L.latLngBounds([v[1], v[0]], [v[3], v[2]]));
  });
  document.getElementById('view-bbox').addEventListener('click', function () { show(map.getBounds()); });
  document.getElementById('draw-bbox').addEventListener('click', function () {
    var start = null, container = map.getContainer();
    map.dragging.disable(); map.boxZoom.disable();
    container.style.cursor = 'crosshair';
    function stop() {
      map.off('mousedown', down); map.off('mousemove', move); map.off('mouseup', up);
      document.removeEventListener('keydown', key);
      map.dragging.enable(); map.boxZoom.enable(); container.style.cursor = '';
    }
    function down(e) { start = e.latlng; }
    function move(e) { if (start) show(L.latLngBounds(start, e.latlng)); }
    function up(e) { if (start) show(L.latLngBounds(start, e.latlng)); stop(); bboxInput.focus(); }
    function key(e) { if (e.key === 'Escape') stop(); }
    map.on('mousedown', down); map.on('mousemove', move); map.on('mouseup', up);
    document.addEventListener('keydown', key);
  });
})();

(function () {
  'use strict';
  var map = window.__leafletMap;
  if (!map || !window.L) return;
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/\\/assets\\/web\\/pages\\.js.*$/, '') : '';
  window.__basemapDrawn = 0;
  function pane(name, z) {
    if (!map.getPane(name)) { var p = map.createPane(name); p.style.zIndex = z; p.style.pointerEvents = 'none'; }
    return name;
  }
  var css = document.createElement('style');
  css.textContent = '.basemap-label{white-space:nowrap;font:12px system-ui,sans-serif;color:#333;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;transform:translate(-50%,-50%);width:auto!important;height:auto!important}'
    + '.leaflet-popup-content table{border-collapse:collapse}.leaflet-popup-content th{text-align:left;padding-right:.5rem;vertical-align:top}';
  document.head.appendChild(css);

  // Basemap: Leaflet's zoom counts 256-pixel tiles, one more than MapLibre's zoom of the same scale.
  fetch(base + '/basemap').then(function (r) { return r.ok ? r.json() : null; }).then(function (cfg) {
    if (!cfg) return;
    var online = cfg.online;
    map.getContainer().style.background = cfg.background;
    if (online && online.kind === 'raster') L.tileLayer(online.url, { attribution: online.attribution, pane: pane('basemapOnline', 150) }).addTo(map);
    var text = online ? online.attribution : cfg.attribution;
    if (text) L.control.attribution({ prefix: false }).addAttribution(text).addTo(map);
    var cache = {};
    function data(name) {
      if (!cache[name]) cache[name] = fetch(cfg.data[name]).then(function (r) { return r.json(); });
      return cache[name];
    }
    cfg.layers.filter(function (l) { return !online || l.keepOnline; }).forEach(function (l) {
      data(l.data).then(function (fc) {
        var features = l.where ? fc.features.filter(function (f) { return String(f.properties[l.where.property]) === l.where.value; }) : fc.features;
        var layer;
        if (l.kind === 'label') {
          var p = pane('basemapLabels', 450);
          layer = L.layerGroup(features.map(function (f) {
            var el = document.createElement('span');
            el.textContent = f.properties[l.textProperty];
            el.style.fontSize = (l.width || 12) + 'px';
            el.style.color = l.color;
            return L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], { pane: p, interactive: false, keyboard: false, icon: L.divIcon({ className: 'basemap-label', html: el, iconSize: null }) });
          }));
        } else {
          var fill = l.kind === 'fill';
          layer = L.geoJSON({ type: 'FeatureCollection', features: features }, {
            pane: pane(fill ? 'basemapFill' : 'basemapLines', fill ? 160 : 390), interactive: false,
            style: fill ? { stroke: false, fillColor: l.color, fillOpacity: 1 } : { color: l.color, weight: l.width || 1, fill: false, opacity: 0.9 },
          });
        }
        function show() {
          var z = map.getZoom() - 1;
          var on = (l.minZoom === undefined || z >= l.minZoom) && (l.maxZoom === undefined || z < l.maxZoom);
          if (on) map.addLayer(layer); else map.removeLayer(layer);
        }
        map.on('zoomend', show);
        show();
        window.__basemapDrawn++;
      });
    });
  });

  // Popups of the features of an items or feature page: fetched when opened.
  var m = /\\/collections\\/([^/]+)\\/items/.exec(location.pathname);
  if (!m) return;
  var collectionUrl = base + '/collections/' + m[1];
  var schema = null;
  function queryables() {
    if (!schema) schema = fetch(collectionUrl + '/queryables', { headers: { Accept: 'application/schema+json' } }).then(function (r) { return r.ok ? r.json() : { properties: {} }; });
    return schema;
  }
  function fillPopup(div, id, popup) {
    var href = collectionUrl + '/items/' + encodeURIComponent(id);
    Promise.all([queryables(), fetch(href + '?f=json', { headers: { Accept: 'application/geo+json' } }).then(function (r) { return r.json(); })]).then(function (res) {
      var s = res[0], props = res[1].properties || {};
      div.textContent = '';
      var h = document.createElement('strong');
      h.textContent = String(id);
      var table = document.createElement('table');
      Object.keys(s.properties || {}).forEach(function (name) {
        var v = props[name];
        if (v === undefined || v === null || v === '' || table.rows.length >= 12) return;
        var q = s.properties[name];
        var code = (q.oneOf || []).filter(function (o) { return String(o.const) === String(v); })[0];
        var tr = document.createElement('tr'), th = document.createElement('th'), td = document.createElement('td');
        th.textContent = q.title || name;
        td.textContent = (typeof v === 'number' && q.type === 'number' ? v.toLocaleString(document.documentElement.lang || 'fr') : String(v)) + (code && code.title ? ' — ' + code.title : '');
        tr.appendChild(th); tr.appendChild(td); table.appendChild(tr);
      });
      var a = document.createElement('a');
      a.href = href + '?f=html';
      a.textContent = document.documentElement.lang === 'en' ? 'Full record' : 'Fiche complète';
      div.appendChild(h); div.appendChild(table); div.appendChild(a);
      popup.update();
    }).catch(function () { div.textContent = String(id); });
  }
  var first = null;
  map.eachLayer(function (layer) {
    if (!layer.feature || layer.feature.id === undefined || layer.feature.id === null) return;
    first = first || layer;
    // One element per feature, filled once: Leaflet asks for the content again on update().
    var div = null;
    layer.bindPopup(function (l) {
      if (div) return div;
      div = document.createElement('div');
      div.textContent = '…';
      setTimeout(function () { fillPopup(div, l.feature.id, l.getPopup()); }, 0);
      return div;
    }, { maxWidth: 360 });
  });
  window.__openFirstPopup = function () { if (first) first.openPopup(); };
})();
`;
