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
  /** Polygons of the layer filled by classes of a value (a choropleth); its points stay symbols. */
  choropleth?: Choropleth;
  /** Links of the popup of a feature, `{property}` replaced by the feature's (URL-encoded) value; relative to the base URL. */
  popupLinks?: { title: string; href: string }[];
  /** Zooms at which the layer is drawn (the dataset tiles carry it only there). */
  minZoom?: number;
  maxZoom?: number;
}

export interface Choropleth {
  property: string;
  /** Upper bounds of the classes but the last (ascending); the map page replaces them by quantiles of what it shows. */
  breaks: number[];
  /** One colour per class: breaks.length + 1. */
  colors: string[];
  /** Unit shown in the legend (e.g. m³). */
  unit?: string;
  /** Legend title (the layer and its value); the collection and property names otherwise. */
  title?: string;
  /** When a selector of the map page takes this value, another property and colour ramp (e.g. turbined water apart). */
  alternate?: { parameter: string; value: string; property: string; colors: string[]; label: string };
}

/** A select of the map page that adds `parameter=value` to the dataset tiles' URL (`allValue`: nothing added). */
export interface MapSelector { parameter: string; label: string; values: { value: string; label: string }[]; allValue?: string }

/** Initial view of the map page; without one the page fits the data extent. */
export interface MapView { center: [number, number]; zoom: number }

export const STYLE_MEDIA_TYPE = 'application/vnd.mapbox.style+json';
export const BACKGROUND = '#eef1f5';

/** MapLibre `step` expression of a choropleth's classes. */
export function choroplethColor(property: string, breaks: number[], colors: string[]): unknown {
  return ['step', ['to-number', ['coalesce', ['get', property], 0]], colors[0], ...breaks.flatMap((b, i) => [b, colors[i + 1]])];
}

/**
 * MapLibre style (version 8) over one TileJSON source, on the basemap when one is given (its fills
 * under the data, its borders and names over it). Choropleths fill polygons; points are circles;
 * clusters (`cluster: true`) are sized by `point_count`.
 */
export function styleDocument(tileJsonUrl: string, layers: StyleLayer[], title: string, basemap?: { sources: Record<string, unknown>; below: Record<string, unknown>[]; above: Record<string, unknown>[] }): Record<string, unknown> {
  const styleLayers: Record<string, unknown>[] = basemap ? [...basemap.below] : [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }];
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
      // Areas drawn as polygons (built with boundaries) are filled by classes (or outlined); the symbols need points.
      const polygons = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];
      if (l.choropleth) {
        styleLayers.push({
          id: `${l.collection}-choropleth`, ...common, type: 'fill', filter: polygons,
          paint: { 'fill-color': choroplethColor(l.choropleth.property, l.choropleth.breaks, l.choropleth.colors), 'fill-opacity': 0.8 },
        });
      }
      styleLayers.push({
        id: `${l.collection}-areas`, ...common, type: 'line', filter: polygons,
        paint: { 'line-color': l.choropleth ? '#ffffff' : color, 'line-width': l.choropleth ? 0.5 : 0.8, 'line-opacity': 0.7 },
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
  if (basemap) styleLayers.push(...basemap.above);
  return { version: 8, name: title, sources: { ...basemap?.sources, tiles: { type: 'vector', url: tileJsonUrl } }, layers: styleLayers };
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
  /** Selects that filter the dataset tiles (usage…), and the years offered (datetime of the tiles). */
  selectors?: MapSelector[];
  years?: number[];
  /** An online basemap style to merge under the data (MapLibre style URL). */
  onlineStyle?: string;
}

/** A CSS colour as configurations write them (#rgb, #rrggbb[aa], a name); anything else is not written into the page. */
const COLOR = /^(#[0-9a-f]{3,8}|[a-z]{3,20})$/i;

/** Colour swatches of the style layers that colour by a property, and their clusters; choropleths are drawn by the page script. */
function legendItems(layers: StyleLayer[], lang: Lang): { color: string; label: string; size: number }[] {
  const swatch = (color: string, label: string, size = 10) => ({ color: COLOR.test(color) ? color : '#000091', label, size });
  // Proportional symbols (areas without polygons) share one line; choropleths have their own legend.
  const sized = layers.filter((l) => l.sizeProperty);
  const symbols = sized.length ? [swatch(sized[0].defaultColor ?? '#000091', `${sized.map((l) => l.collection).join(', ')} : ${t(lang, 'mapSymbols', sized[0].sizeProperty!)}`, 14)] : [];
  return [...symbols, ...layers.filter((l) => !l.sizeProperty).flatMap((l) => [
    ...(l.colors && Object.keys(l.colors).length
      ? Object.entries(l.colors).map(([code, color]) => swatch(color, `${l.collection} : ${l.labels?.[code] ?? code}`))
      : [swatch(l.defaultColor ?? '#000091', l.collection)]),
    swatch(l.clusterColor ?? l.defaultColor ?? '#000091', `${l.collection} : ${t(lang, 'clusters')}`, 14),
  ])];
}

/** The page's selects: each changes the dataset tiles' URL (see map-client.ts). */
function selectors(o: MapPageOptions, lang: Lang): { id: string; label: string; options: { value: string; label: string }[] }[] {
  const list = (o.selectors ?? []).map((s) => ({ id: `select-${s.parameter}`, label: s.label, options: s.values }));
  if (o.years?.length) list.push({ id: 'select-year', label: t(lang, 'mapYear'), options: [{ value: '', label: t(lang, 'mapLatestYear') }, ...[...o.years].reverse().map((y) => ({ value: String(y), label: String(y) }))] });
  return list;
}

/** The map page (drawn by /assets/web/map.js, map-client.ts); sets `window.__map` and, once loaded, `window.__mapLoaded` (for browser tests). */
export function mapPage(o: MapPageOptions): string {
  const lang = o.lang ?? 'fr';
  const e = o.extent;
  const fit = !o.view && e ? [[Math.max(-180, e.minX), Math.max(-85, e.minY)], [Math.min(180, e.maxX), Math.min(85, e.maxY)]] : null;
  const view = o.view ?? { center: [0, 20], zoom: 1 };
  const choropleths = (o.legend ?? []).filter((l) => l.choropleth).map((l) => ({ collection: l.collection, minZoom: l.minZoom ?? 0, maxZoom: l.maxZoom ?? 24, ...l.choropleth }));
  const config = {
    base: o.base, style: o.styleUrl, onlineStyle: o.onlineStyle ?? null, center: view.center, zoom: view.zoom, fit, lang,
    choropleths, selectors: (o.selectors ?? []).map((s) => ({ parameter: s.parameter, allValue: s.allValue ?? '' })), years: !!o.years?.length,
    popupLinks: Object.fromEntries((o.legend ?? []).filter((l) => l.popupLinks).map((l) => [l.collection, l.popupLinks])),
    text: { featurePage: t(lang, 'mapFeaturePage'), zoomIn: t(lang, 'mapZoomIn'), classes: t(lang, 'mapClasses'), noValue: t(lang, 'mapNoValue') },
  };
  return render('mapPage', lang, { base: o.base, title: o.title, background: BACKGROUND, links: o.links ?? [], selectors: selectors(o, lang), legend: legendItems(o.legend ?? [], lang), config });
}
