import type { ServiceInfo } from '../server/context.js';

export const SERVICE_INFO: ServiceInfo = {
  title: 'Prélèvements en eau — OGC API',
  description: "Banque Nationale des Prélèvements quantitatifs en Eau (BNPE), publiée comme l'API Hub'Eau « Prélèvements en eau » : points de prélèvement, ouvrages et chroniques annuelles de volumes, en OGC API – Features. Le jeu de données par défaut est synthétique (généré), à l'image de la BNPE réelle.",
};

/** The tiles configuration lives with the map style. */
export { TILES_OPTIONS } from './style.js';
