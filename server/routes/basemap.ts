// The basemap of every page map: GeoJSON layers the server carries (offline by default: no request
// leaves the server) drawn by declarative layers that both MapLibre (the style) and Leaflet (the
// page script) understand; or an online basemap (a MapLibre style URL or an XYZ raster template)
// given by the operator, with its attribution.
import { createHash } from 'node:crypto';
import { EncodedBody, sendEncoded } from '../compression.js';
import { etagMatches } from '../page-cache.js';
import { Router } from 'express';
import type { FeatureCollection } from 'geojson';
import { baseUrl, queryStrings, type ServerContext } from '../context.js';
import { NotFound } from '../errors.js';
import type { ApiPart } from '../part.js';

/** One drawing rule over one of the basemap's GeoJSON layers. */
export interface BasemapLayer {
  id: string;
  /** Name of the GeoJSON layer drawn (a key of Basemap.data). */
  data: string;
  kind: 'fill' | 'line' | 'label';
  color: string;
  /** Line width or label size, in pixels. */
  width?: number;
  /** Drawn from minZoom (included) to maxZoom (excluded). */
  minZoom?: number;
  maxZoom?: number;
  /** Only the features whose property equals this value. */
  where?: { property: string; value: string };
  /** Property holding the label's text. */
  textProperty?: string;
  /** Still drawn, over the data, when an online basemap replaces the offline one (borders). */
  keepOnline?: boolean;
}

export interface OnlineBasemap {
  kind: 'style' | 'raster';
  url: string;
  attribution: string;
}

export interface Basemap {
  data: Record<string, FeatureCollection>;
  layers: BasemapLayer[];
  /** Colour under everything (the sea). */
  background: string;
  attribution?: string;
  online?: OnlineBasemap;
}

/** `--basemap`: an http(s) URL; with {z}, {x} and {y} an XYZ raster template, otherwise a MapLibre style. */
export function parseOnlineBasemap(url: string, attribution?: string): OnlineBasemap {
  let parsed: URL;
  try { parsed = new URL(url.replace(/[{}]/g, '_')); } catch { throw new Error(`--basemap : URL invalide « ${url} »`); }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`--basemap : URL http(s) attendue, pas « ${url} »`);
  const raster = ['{z}', '{x}', '{y}'].every((t) => url.includes(t));
  return { kind: raster ? 'raster' : 'style', url, attribution: attribution ?? (raster ? `Fond : ${parsed.host}` : '') };
}

const sourceId = (name: string) => `basemap-${name}`;
export const basemapDataUrl = (base: string, name: string) => `${base}/basemap/${encodeURIComponent(name)}.geojson`;

function maplibreLayer(l: BasemapLayer): Record<string, unknown> {
  const zooms = { ...(l.minZoom !== undefined ? { minzoom: l.minZoom } : {}), ...(l.maxZoom !== undefined ? { maxzoom: l.maxZoom } : {}) };
  const common = { id: `basemap-${l.id}`, source: sourceId(l.data), ...zooms, ...(l.where ? { filter: ['==', ['get', l.where.property], l.where.value] } : {}) };
  if (l.kind === 'fill') return { ...common, type: 'fill', paint: { 'fill-color': l.color } };
  if (l.kind === 'line') return { ...common, type: 'line', paint: { 'line-color': l.color, 'line-width': l.width ?? 1 } };
  // No `glyphs`: MapLibre draws the names with the browser's own fonts (no request).
  return {
    ...common, type: 'symbol',
    layout: { 'text-field': ['get', l.textProperty ?? 'name'], 'text-font': ['sans-serif'], 'text-size': l.width ?? 12, 'text-max-width': 8 },
    paint: { 'text-color': l.color, 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
  };
}

/**
 * The basemap's part of a MapLibre style: sources, layers under the data (fills, an online basemap)
 * and over it (borders, coastline, names).
 */
export function basemapStyle(basemap: Basemap, base: string): { sources: Record<string, unknown>; below: Record<string, unknown>[]; above: Record<string, unknown>[] } {
  const online = basemap.online;
  const kept = basemap.layers.filter((l) => !online || l.keepOnline);
  const sources: Record<string, unknown> = Object.fromEntries([...new Set(kept.map((l) => l.data))].map((name) => [sourceId(name), {
    type: 'geojson', data: basemapDataUrl(base, name), ...(basemap.attribution && !online ? { attribution: basemap.attribution } : {}),
  }]));
  const below: Record<string, unknown>[] = [{ id: 'background', type: 'background', paint: { 'background-color': basemap.background } }];
  if (online?.kind === 'raster') {
    sources['basemap-online'] = { type: 'raster', tiles: [online.url], tileSize: 256, maxzoom: 19, attribution: online.attribution };
    below.push({ id: 'basemap-online', type: 'raster', source: 'basemap-online' });
  }
  below.push(...kept.filter((l) => l.kind === 'fill').map(maplibreLayer));
  const above = kept.filter((l) => l.kind !== 'fill').map(maplibreLayer);
  return { sources, below, above };
}

/** What the page scripts need to draw the basemap (Leaflet) or merge an online style (MapLibre). */
export function basemapConfig(basemap: Basemap, base: string): Record<string, unknown> {
  return {
    background: basemap.background,
    attribution: basemap.attribution ?? null,
    layers: basemap.layers,
    data: Object.fromEntries(Object.keys(basemap.data).map((name) => [name, basemapDataUrl(base, name)])),
    online: basemap.online ?? null,
  };
}

export function basemapPart(basemap: Basemap): ApiPart {
  // Static data: serialised once (and compressed once per encoding), with an ETag of its content.
  const bodies = new Map(Object.entries(basemap.data).map(([name, fc]) => {
    const body = Buffer.from(JSON.stringify(fc));
    return [name, { body: new EncodedBody(body), etag: `"${createHash('sha1').update(body).digest('base64url')}"` }];
  }));
  function router(ctx: ServerContext): Router {
    const r = Router();
    r.get('/basemap', (req, res) => {
      queryStrings(req, ['f']);
      res.set('Cache-Control', 'public, max-age=3600').json(basemapConfig(basemap, baseUrl(ctx, req)));
    });
    r.get('/basemap/:name.geojson', async (req, res) => {
      queryStrings(req, []);
      const entry = bodies.get(req.params.name);
      if (!entry) throw new NotFound(`Couche de fond « ${req.params.name} » inconnue ; voir /basemap`);
      res.set({ ETag: entry.etag, 'Cache-Control': 'public, max-age=86400' });
      if (etagMatches(req.headers['if-none-match'], entry.etag)) { res.status(304).end(); return; }
      res.type('application/geo+json');
      await sendEncoded(req, res, entry.body);
    });
    return r;
  }
  return {
    name: 'basemap',
    router,
    openapi: {
      paths: () => ({
        '/basemap': { get: { summary: 'Fond de carte : couches, style et fond en ligne éventuel', operationId: 'getBasemap', responses: { 200: { description: 'Configuration', content: { 'application/json': {} } } } } },
        '/basemap/{name}.geojson': {
          get: {
            summary: 'Couche du fond de carte hors ligne (GeoJSON simplifié)', operationId: 'getBasemapLayer',
            parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', enum: Object.keys(basemap.data) } }],
            responses: { 200: { description: 'GeoJSON', content: { 'application/geo+json': {} } }, 404: { description: 'Inconnue' } },
          },
        },
      }),
    },
  };
}

/**
 * Where an online basemap loads from, for the Content-Security-Policy: a raster template's origin;
 * for a MapLibre style, any https source (its tiles, glyphs and sprites may be on other hosts).
 */
export function basemapSources(online: OnlineBasemap | undefined): string[] {
  if (!online) return [];
  if (online.kind === 'style') return ['https:'];
  try { return [new URL(online.url.replace(/\{[a-z]\}/g, '0')).origin]; } catch { return []; }
}
