// The collections served: BNPE referentials (ouvrages, points), annual volumes (chroniques), their
// sums per administrative area (volumes_*) and the flat rates of the arrêté (forfaits_annexe2).
import type { CollectionDefinition } from '../../server/types.js';
import { chroniques } from './chroniques.js';
import { forfaitsAnnexe2 } from './forfaits_annexe2.js';
import { ouvrages } from './ouvrages.js';
import { pointsPrelevement } from './points_prelevement.js';
import { VOLUME_DEFINITIONS, volumesCommunes, volumesDepartements, volumesEpci, volumesRegions } from './volumes.js';

export { chroniques, forfaitsAnnexe2, ouvrages, pointsPrelevement, VOLUME_DEFINITIONS };
export { recordSchema } from './schema.js';

/** The Hub'Eau collections, in the order ingestion reads them (points need their ouvrages). */
export const hubeauCollections: CollectionDefinition[] = [ouvrages, pointsPrelevement, chroniques];

export const collections: CollectionDefinition[] = [
  ...hubeauCollections, volumesCommunes, volumesEpci, volumesDepartements, volumesRegions, forfaitsAnnexe2,
];
