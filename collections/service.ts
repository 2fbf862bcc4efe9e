import type { ServiceInfo } from '../server/context.js';
import type { TilesOptions } from '../server/routes/tiles.js';
import { USAGE_COLORS } from './style.js';

export const SERVICE_INFO: ServiceInfo = {
  title: 'Prélèvements en eau — OGC API',
  description: "Banque Nationale des Prélèvements quantitatifs en Eau (BNPE), publiée comme l'API Hub'Eau « Prélèvements en eau » : points de prélèvement, ouvrages et chroniques annuelles de volumes, en OGC API – Features. Le jeu de données par défaut est synthétique (généré), à l'image de la BNPE réelle.",
};

/** Point clusters of the vector tiles sum the annual volume; chroniques are coloured by usage. */
export const TILES_OPTIONS: TilesOptions = {
  sumProperty: { chroniques: 'volume' },
  style: [
    { collection: 'ouvrages', defaultColor: '#6a6a6a', radius: 2 },
    { collection: 'chroniques', colorProperty: 'code_usage', radius: 4, defaultColor: '#000091', colors: USAGE_COLORS },
  ],
};
