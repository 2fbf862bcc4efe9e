// Domain configuration of the vector tiles and their map: colours of the usages (codes from the
// code lists, so real codes replace guesses in one place), the volume summed in clusters.
import type { TilesOptions } from '../server/routes/tiles.js';
import { USAGE_LIST, USAGES } from './codelists.js';
import { ALL_USAGES } from './definitions/volumes.js';

export const USAGE_COLORS: Record<string, string> = {
  [USAGES.eauPotable.code]: '#0063cb',
  [USAGES.irrigation.code]: '#18753c',
  [USAGES.industrie.code]: '#b34000',
  [USAGES.energie.code]: '#ce0500',
  [USAGES.canaux.code]: '#6e445a',
  [USAGES.eauTurbinee.code]: '#7b7b7b',
};

const ALL_USAGES_FILTER = `code_usage = '${ALL_USAGES.code}'`;

/** Proportional symbols of the volumes, sized without turbined water: m³ drawn at the largest radius (about the largest areas of scale 1, where nuclear cooling dominates). */
const VOLUME_SYMBOLS: [string, number][] = [['volumes_regions', 8e9], ['volumes_departements', 3e9], ['volumes_communes', 3e8]];

/** Clusters of chroniques sum their annual volume; chroniques are coloured by usage. */
export const TILES_OPTIONS: TilesOptions = {
  sumProperty: { chroniques: 'volume' },
  style: [
    ...VOLUME_SYMBOLS.map(([collection, sizeMax]) => ({
      collection, sizeProperty: 'volume_hors_eau_turbinee', sizeMax, maxRadius: 36, defaultColor: '#0063cb',
    })),
    { collection: 'ouvrages', defaultColor: '#6a6a6a', radius: 2 },
    {
      collection: 'chroniques', colorProperty: 'code_usage', radius: 4, defaultColor: '#000091', colors: USAGE_COLORS,
      clusterColor: '#4a4a7d', labels: Object.fromEntries(USAGE_LIST.map((u) => [u.code, u.label.split(' (')[0].toLowerCase()])),
    },
  ],
  // The map's dataset tiles: aggregated volumes stand in for the ouvrages at national zooms
  // (regions, then départements, then communes: the all-usages row of the latest year, or of
  // the year asked by datetime), the ouvrages and their chroniques from zoom 9.
  datasetLayers: [
    { collection: 'volumes_regions', maxZoom: 4, filter: ALL_USAGES_FILTER, latest: true },
    { collection: 'volumes_departements', minZoom: 5, maxZoom: 6, filter: ALL_USAGES_FILTER, latest: true },
    { collection: 'volumes_epci', minZoom: 7, maxZoom: 8, filter: ALL_USAGES_FILTER, latest: true },
    { collection: 'volumes_communes', minZoom: 7, maxZoom: 8, filter: ALL_USAGES_FILTER, latest: true },
    { collection: 'ouvrages', minZoom: 9 },
    { collection: 'points_prelevement', minZoom: 9 },
    { collection: 'chroniques', minZoom: 9, latest: true },
  ],
  // Metropolitan France; the data extent also covers the overseas départements.
  mapView: { center: [2.5, 46.6], zoom: 5 },
};
