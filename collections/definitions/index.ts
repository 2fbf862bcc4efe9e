// The collections served: BNPE referentials (ouvrages, points) and annual volumes (chroniques).
import type { CollectionDefinition } from '../../server/types.js';
import { chroniques } from './chroniques.js';
import { ouvrages } from './ouvrages.js';
import { pointsPrelevement } from './points_prelevement.js';

export { chroniques, ouvrages, pointsPrelevement };
export { recordSchema } from './schema.js';

export const collections: CollectionDefinition[] = [ouvrages, pointsPrelevement, chroniques];
