// Domain configuration of the vector tiles and their map: colours of the usages (codes from the
// code lists, so real codes replace guesses in one place), the volume summed in clusters.
import type { TilesOptions } from '../server/routes/tiles.js';
import { USAGE_LIST, USAGES } from './codelists.js';

export const USAGE_COLORS: Record<string, string> = {
  [USAGES.eauPotable.code]: '#0063cb',
  [USAGES.irrigation.code]: '#18753c',
  [USAGES.industrie.code]: '#b34000',
  [USAGES.energie.code]: '#ce0500',
  [USAGES.canaux.code]: '#6e445a',
  [USAGES.eauTurbinee.code]: '#7b7b7b',
};

/** Clusters of chroniques sum their annual volume; chroniques are coloured by usage. */
export const TILES_OPTIONS: TilesOptions = {
  sumProperty: { chroniques: 'volume' },
  style: [
    { collection: 'ouvrages', defaultColor: '#6a6a6a', radius: 2 },
    {
      collection: 'chroniques', colorProperty: 'code_usage', radius: 4, defaultColor: '#000091', colors: USAGE_COLORS,
      clusterColor: '#4a4a7d', labels: Object.fromEntries(USAGE_LIST.map((u) => [u.code, u.label.split(' (')[0].toLowerCase()])),
    },
  ],
  // Metropolitan France; the data extent also covers the overseas départements.
  mapView: { center: [2.5, 46.6], zoom: 5 },
};
