import type { ServiceInfo } from '../server/context.js';
import type { WfsOptions } from '../server/wfs/index.js';

export const SERVICE_INFO: ServiceInfo = {
  title: 'Prélèvements en eau — OGC API',
  description: "Banque Nationale des Prélèvements quantitatifs en Eau (BNPE), publiée comme l'API Hub'Eau « Prélèvements en eau » : points de prélèvement, ouvrages et chroniques annuelles de volumes, en OGC API – Features. Le jeu de données par défaut est synthétique (généré), à l'image de la BNPE réelle.",
};

/** The tiles configuration lives with the map style. */
export { TILES_OPTIONS } from './style.js';

/** The WFS 2.0 facade (/wfs): the BNPE namespace and the service's titles. */
export const WFS_OPTIONS: WfsOptions = {
  prefix: 'bnpe',
  namespace: 'https://hubeau.eaufrance.fr/prelevements/bnpe',
  title: { fr: 'Prélèvements en eau (BNPE) — WFS', en: 'Water abstractions (BNPE) — WFS' },
  abstract: {
    fr: "Banque Nationale des Prélèvements quantitatifs en Eau, comme l'API Hub'Eau « Prélèvements en eau » : points de prélèvement, ouvrages, chroniques annuelles de volumes et volumes agrégés, en WFS 2.0.",
    en: "French national register of water abstractions (BNPE), as the Hub'Eau « Prélèvements en eau » API serves it: abstraction points, works, yearly volumes and aggregated volumes, as WFS 2.0.",
  },
  keywords: ['eau', 'prélèvements', 'BNPE', "Hub'Eau", 'water abstraction'],
  providerName: 'Prélèvements en eau',
  countDefault: 10_000,
};
