// MapLibre style of the dataset tiles and a map page, both served with MapLibre GL JS from the
// server's own node_modules (no CDN, no internet basemap: users may be offline or on an intranet).
import express, { Router } from 'express';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { baseUrl, queryStrings, type ServerContext } from '../context.js';
import { escapeHtml } from '../formats/html.js';

export interface StyleLayer {
  collection: string;
  /** Property whose value picks the colour (e.g. a usage code). */
  colorProperty?: string;
  colors?: Record<string, string>;
  defaultColor?: string;
  radius?: number;
}

const require = createRequire(import.meta.url);

export function styleDocument(base: string, layers: StyleLayer[], title: string): Record<string, unknown> {
  const styleLayers: Record<string, unknown>[] = [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1f5' } }];
  for (const l of layers) {
    const fallback = l.defaultColor ?? '#000091';
    const color = l.colorProperty && l.colors
      ? ['match', ['get', l.colorProperty], ...Object.entries(l.colors).flat(), fallback]
      : fallback;
    styleLayers.push({
      id: `${l.collection}-clusters`, type: 'circle', source: 'dataset', 'source-layer': l.collection,
      filter: ['==', ['get', 'cluster'], true],
      paint: { 'circle-color': fallback, 'circle-opacity': 0.6, 'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'point_count']], 1, 4, 100, 30] },
    });
    styleLayers.push({
      id: `${l.collection}-points`, type: 'circle', source: 'dataset', 'source-layer': l.collection,
      filter: ['!=', ['get', 'cluster'], true],
      paint: { 'circle-color': color, 'circle-radius': l.radius ?? 3, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 0.5 },
    });
  }
  return {
    version: 8,
    name: title,
    sources: { dataset: { type: 'vector', url: `${base}/tiles/WebMercatorQuad?f=tilejson` } },
    layers: styleLayers,
  };
}

export function mapRouter(ctx: ServerContext, layers: () => StyleLayer[]): Router {
  const router = Router();
  router.use('/assets/maplibre', express.static(dirname(require.resolve('maplibre-gl/dist/maplibre-gl.css')), { maxAge: '7d' }));
  router.get('/styles/default', (req, res) => {
    queryStrings(req, ['f']);
    res.json(styleDocument(baseUrl(ctx, req), layers(), ctx.info.title));
  });
  router.get('/map', (req, res) => {
    queryStrings(req, ['f']);
    const base = baseUrl(ctx, req);
    res.type('html').send(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(ctx.info.title)} — carte</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${base}/assets/maplibre/maplibre-gl.css">
<style>html,body,#map{margin:0;height:100%}header{position:absolute;z-index:1;background:#000091;color:#fff;padding:.4rem .8rem;font-family:system-ui,sans-serif}header a{color:#fff}</style></head>
<body><header><a href="${base}/">${escapeHtml(ctx.info.title)}</a> — tuiles vectorielles</header><div id="map" role="region" aria-label="Carte des tuiles vectorielles"></div>
<script type="module">
import * as maplibregl from '${base}/assets/maplibre/maplibre-gl.mjs';
const map = new maplibregl.Map({ container: 'map', style: '${base}/styles/default', center: [2.5, 46.6], zoom: 5, attributionControl: false });
map.addControl(new maplibregl.NavigationControl());
window.__map = map;
map.on('load', () => { window.__mapLoaded = true; });
map.on('error', (e) => { window.__mapError = String(e.error && e.error.message || e); });
</script></body></html>`);
  });
  return router;
}
