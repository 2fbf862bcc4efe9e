// Script of the items page, served as /assets/web/pages.js: condition rows that write the CQL2
// filter, and the bbox drawn on the Leaflet map. Plain ES5-style code: no build step, no library.
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
`;
