// Domain configuration of the vector tiles and their map: colours of the usages (codes from the
// code lists, so real codes replace guesses in one place), the volume summed in clusters.
import type { Basemap, OnlineBasemap } from '../server/routes/basemap.js';
import type { Choropleth, StyleLayer, TilesOptions } from '../server/routes/tiles.js';
import { BASEMAP_LAYERS } from './basemap/index.js';
import { USAGE_LIST, USAGES } from './codelists.js';
import { ALL_USAGES } from './definitions/volumes.js';
import { TILE_SUM_PROPERTY } from './tiles.js';

export const USAGE_COLORS: Record<string, string> = {
  [USAGES.eauPotable.code]: '#0063cb',
  [USAGES.irrigation.code]: '#18753c',
  [USAGES.industrie.code]: '#b34000',
  [USAGES.energie.code]: '#ce0500',
  [USAGES.canaux.code]: '#6e445a',
  [USAGES.eauTurbinee.code]: '#7b7b7b',
};

const ALL_USAGES_DEFAULT = { code_usage: ALL_USAGES.code };
/** What the map draws the volumes with: sizes and choropleth classes (with and without turbined water). */
const VOLUME_TILE_PROPERTIES = ['annee', 'code_usage', 'volume_hors_eau_turbinee', 'volume_total'];

/** Sequential blues for the volumes; turbined water apart, in purples (it dwarfs every other usage). */
const BLUES = ['#eff3ff', '#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
const PURPLES = ['#f2f0f7', '#dadaeb', '#bcbddc', '#9e9ac8', '#756bb1', '#54278f'];

/**
 * Volumes per area, outside turbined water (on the all-usages row as on a usage's row, where it
 * equals volume_total); turbined water's own row is shown by volume_total. Log classes (×≈3) as
 * the style's default, for QGIS; the map page replaces them by quantiles of what it shows.
 */
function choropleth(area: string, firstBreak: number): Choropleth {
  return {
    title: `Volume prélevé par ${area}`, property: 'volume_hors_eau_turbinee', unit: 'm³', colors: BLUES,
    breaks: [1, 3, 10, 30, 100].map((k) => k * firstBreak),
    alternate: { parameter: 'code_usage', value: USAGES.eauTurbinee.code, property: 'volume_total', colors: PURPLES, label: 'eau turbinée seule' },
  };
}

/** From an area's popup: its chroniques of that year (the items page filtered on the area). */
const chroniquesOf = (property: string, label: string) => ({
  title: `Chroniques ${label} en {annee}`,
  href: `/collections/chroniques/items?f=html&${property}={${property}}&datetime={annee}-01-01/{annee}-12-31`,
});

/** Volumes: polygons as choropleths, points (areas without boundaries) as proportional symbols sized without turbined water (m³ drawn at the largest radius). */
const VOLUME_LAYERS: StyleLayer[] = [
  { collection: 'volumes_regions', sizeMax: 8e9, choropleth: choropleth('région', 1e8), popupLinks: [chroniquesOf('code_region', 'de la région')] },
  { collection: 'volumes_departements', sizeMax: 3e9, choropleth: choropleth('département', 1e7), popupLinks: [chroniquesOf('code_departement', 'du département')] },
  { collection: 'volumes_communes', sizeMax: 3e8, choropleth: choropleth('commune', 1e5), popupLinks: [chroniquesOf('code_commune_insee', 'de la commune')] },
].map((l) => ({ ...l, sizeProperty: 'volume_hors_eau_turbinee', maxRadius: 36, defaultColor: '#0063cb' }));

/**
 * The offline basemap: land, coastline, région and département borders and names from the vendored
 * simplified boundaries (collections/basemap/); the borders stay over an online basemap.
 */
export function basemap(online?: OnlineBasemap): Basemap {
  return {
    data: BASEMAP_LAYERS, background: '#dce9f2', online,
    attribution: 'Limites : IGN ADMIN EXPRESS 2018 simplifié (Licence Ouverte)',
    layers: [
      { id: 'land', data: 'land', kind: 'fill', color: '#f7f5f0' },
      { id: 'departements', data: 'departements', kind: 'line', color: '#9a938a', width: 0.6, minZoom: 4, keepOnline: true },
      { id: 'regions', data: 'regions', kind: 'line', color: '#5f5a55', width: 1.3, keepOnline: true },
      { id: 'coastline', data: 'land', kind: 'line', color: '#6d8fa8', width: 0.8 },
      { id: 'region-names', data: 'labels', kind: 'label', where: { property: 'niveau', value: 'region' }, textProperty: 'nom', color: '#333333', width: 13, minZoom: 4, maxZoom: 7 },
      { id: 'departement-names', data: 'labels', kind: 'label', where: { property: 'niveau', value: 'departement' }, textProperty: 'nom', color: '#444444', width: 11, minZoom: 7, maxZoom: 10 },
    ],
  };
}

/** Clusters of chroniques sum their annual volume; chroniques are coloured by usage. */
export const TILES_OPTIONS: TilesOptions = {
  sumProperty: TILE_SUM_PROPERTY,
  basemap: basemap(),
  mapSelectors: [{
    parameter: 'code_usage', label: 'Usage', allValue: ALL_USAGES.code,
    values: [{ value: ALL_USAGES.code, label: 'Tous usages (hors eau turbinée)' }, ...USAGE_LIST.map((u) => ({ value: u.code, label: u.label.split(' (')[0].toLowerCase() }))],
  }],
  style: [
    ...VOLUME_LAYERS,
    { collection: 'ouvrages', defaultColor: '#6a6a6a', radius: 2 },
    {
      collection: 'chroniques', colorProperty: 'code_usage', radius: 4, defaultColor: '#000091', colors: USAGE_COLORS,
      clusterColor: '#4a4a7d', labels: Object.fromEntries(USAGE_LIST.map((u) => [u.code, u.label.split(' (')[0].toLowerCase()])),
      popupLinks: [{ title: "Ouvrage {code_ouvrage}", href: '/collections/ouvrages/items/{code_ouvrage}?f=html' }],
    },
  ],
  // The map's dataset tiles: aggregated volumes stand in for the ouvrages at national zooms
  // (regions, then départements, then communes: the all-usages row unless the request names a
  // usage, of the latest year unless it gives a datetime), the ouvrages and their chroniques from zoom 9.
  // They carry what the map draws with (the popup reads the whole feature by its id); the collection
  // tiles carry every property.
  datasetLayers: [
    { collection: 'volumes_regions', maxZoom: 4, defaults: ALL_USAGES_DEFAULT, latest: true, properties: VOLUME_TILE_PROPERTIES },
    { collection: 'volumes_departements', minZoom: 5, maxZoom: 6, defaults: ALL_USAGES_DEFAULT, latest: true, properties: VOLUME_TILE_PROPERTIES },
    { collection: 'volumes_epci', minZoom: 7, maxZoom: 8, defaults: ALL_USAGES_DEFAULT, latest: true, properties: VOLUME_TILE_PROPERTIES },
    { collection: 'volumes_communes', minZoom: 7, maxZoom: 8, defaults: ALL_USAGES_DEFAULT, latest: true, properties: VOLUME_TILE_PROPERTIES },
    { collection: 'ouvrages', minZoom: 9, properties: ['nom_ouvrage'] },
    { collection: 'points_prelevement', minZoom: 9, properties: ['nom_point_prelevement'] },
    { collection: 'chroniques', minZoom: 9, latest: true, properties: ['annee', 'code_usage', 'volume'] },
  ],
  // Metropolitan France; the data extent also covers the overseas départements.
  mapView: { center: [2.5, 46.6], zoom: 5 },
};
