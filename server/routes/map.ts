// MapLibre style of the vector tiles and an HTML map page. MapLibre GL JS is served from the
// server's own node_modules and the style has no glyphs, sprite nor basemap: no internet needed.
import { render } from '../formats/html.js';
import { t, type Lang } from '../i18n.js';
import type { Rect } from '../types.js';

export interface StyleLayer {
  collection: string;
  /** Property whose value picks the colour (e.g. a usage code). */
  colorProperty?: string;
  colors?: Record<string, string>;
  defaultColor?: string;
  /** Colour of the clusters (`cluster: true`); defaultColor when absent. */
  clusterColor?: string;
  /** Legend labels of the colour codes (e.g. usage labels). */
  labels?: Record<string, string>;
  /** Radius of single points, in pixels. */
  radius?: number;
  /** Proportional symbols: circle area proportional to this property (e.g. a volume). */
  sizeProperty?: string;
  /** Value of sizeProperty drawn at maxRadius (larger values are not drawn larger). */
  sizeMax?: number;
  maxRadius?: number;
  /** Zooms at which the layer is drawn (the dataset tiles carry it only there). */
  minZoom?: number;
  maxZoom?: number;
}

/** Initial view of the map page; without one the page fits the data extent. */
export interface MapView { center: [number, number]; zoom: number }

export const STYLE_MEDIA_TYPE = 'application/vnd.mapbox.style+json';
export const BACKGROUND = '#eef1f5';

/**
 * MapLibre style (version 8) over one TileJSON source: circle layers only (symbol layers would
 * need glyphs from somewhere). Clusters (`cluster: true`) are sized by `point_count`.
 */
export function styleDocument(tileJsonUrl: string, layers: StyleLayer[], title: string): Record<string, unknown> {
  const styleLayers: Record<string, unknown>[] = [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }];
  for (const l of layers) {
    const fallback = l.defaultColor ?? '#000091';
    const color = l.colorProperty && l.colors && Object.keys(l.colors).length
      ? ['match', ['get', l.colorProperty], ...Object.entries(l.colors).flat(), fallback]
      : fallback;
    const zooms = { ...(l.minZoom !== undefined ? { minzoom: l.minZoom } : {}), ...(l.maxZoom !== undefined ? { maxzoom: l.maxZoom + 1 } : {}) };
    const common = { type: 'circle', source: 'tiles', 'source-layer': l.collection, ...zooms };
    if (l.sizeProperty) {
      // Area ∝ value: the radius grows with the square root, up to maxRadius at sizeMax.
      const max = l.maxRadius ?? 40;
      // Areas drawn as polygons (built with boundaries) get an outline; the symbols need points.
      styleLayers.push({
        id: `${l.collection}-areas`, ...common, type: 'line', filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'line-color': color, 'line-width': 0.8, 'line-opacity': 0.7 },
      });
      styleLayers.push({
        id: `${l.collection}-symbols`, ...common, filter: ['==', ['geometry-type'], 'Point'],
        paint: {
          'circle-color': color, 'circle-opacity': 0.5, 'circle-stroke-color': color, 'circle-stroke-width': 1,
          // At least 2.5 px, so that small areas stay visible (and clickable).
          'circle-radius': ['interpolate', ['linear'], ['sqrt', ['max', 0, ['to-number', ['coalesce', ['get', l.sizeProperty], 0]]]], 0, 2.5, Math.sqrt(l.sizeMax ?? 1), max],
        },
      });
      continue;
    }
    styleLayers.push({
      id: `${l.collection}-clusters`, ...common,
      filter: ['==', ['get', 'cluster'], true],
      paint: {
        'circle-color': l.clusterColor ?? fallback, 'circle-opacity': 0.6, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1,
        'circle-radius': ['interpolate', ['linear'], ['sqrt', ['coalesce', ['get', 'point_count'], 1]], 1, 4, 100, 30],
      },
    });
    styleLayers.push({
      id: `${l.collection}-points`, ...common,
      filter: ['!=', ['get', 'cluster'], true],
      paint: { 'circle-color': color, 'circle-radius': l.radius ?? 3, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 0.5 },
    });
  }
  return { version: 8, name: title, sources: { tiles: { type: 'vector', url: tileJsonUrl } }, layers: styleLayers };
}

export interface MapPageOptions {
  base: string;
  title: string;
  styleUrl: string;
  view?: MapView;
  extent?: Rect | null;
  /** Links shown in the header (tilesets, TileJSON…). */
  links?: { href: string; title: string }[];
  legend?: StyleLayer[];
  /** Language of the page's own words (the titles given are used as they are). */
  lang?: Lang;
}

/** A CSS colour as configurations write them (#rgb, #rrggbb[aa], a name); anything else is not written into the page. */
const COLOR = /^(#[0-9a-f]{3,8}|[a-z]{3,20})$/i;

/** Colour swatches of the style layers that colour by a property, and their clusters. */
function legendItems(layers: StyleLayer[], lang: Lang): { color: string; label: string; size: number }[] {
  const swatch = (color: string, label: string, size = 10) => ({ color: COLOR.test(color) ? color : '#000091', label, size });
  return layers.flatMap((l) => l.sizeProperty ? [swatch(l.defaultColor ?? '#000091', `${l.collection} : ${l.sizeProperty} (surface proportionnelle)`, 14)] : [
    ...(l.colors && Object.keys(l.colors).length
      ? Object.entries(l.colors).map(([code, color]) => swatch(color, `${l.collection} : ${l.labels?.[code] ?? code}`))
      : [swatch(l.defaultColor ?? '#000091', l.collection)]),
    swatch(l.clusterColor ?? l.defaultColor ?? '#000091', `${l.collection} : ${t(lang, 'clusters')}`, 14),
  ]);
}

/** The map page (drawn by /assets/web/tiles-map.js); sets `window.__map` and, once loaded, `window.__mapLoaded` (for browser tests). */
export function mapPage(o: MapPageOptions): string {
  const lang = o.lang ?? 'fr';
  const e = o.extent;
  const fit = !o.view && e ? [[Math.max(-180, e.minX), Math.max(-85, e.minY)], [Math.min(180, e.maxX), Math.min(85, e.maxY)]] : null;
  const view = o.view ?? { center: [0, 20], zoom: 1 };
  const config = { module: `${o.base}/assets/maplibre/maplibre-gl.mjs`, style: o.styleUrl, center: view.center, zoom: view.zoom, fit };
  return render('mapPage', lang, { base: o.base, title: o.title, background: BACKGROUND, links: o.links ?? [], legend: legendItems(o.legend ?? [], lang), config });
}
