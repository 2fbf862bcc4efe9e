// The three Hub'Eau endpoints harvested, how a harvest of each is split to stay within the
// API's paging depth, and how a downloaded file is recognised from its fields.
import type { CollectionDefinition } from '../../server/types.js';
import { chroniques, ouvrages, pointsPrelevement } from '../definitions/index.js';

export type EndpointId = 'ouvrages' | 'points_prelevement' | 'chroniques';

/** Query parameters a partition can be narrowed by, in the order they are tried. */
export type SplitDimension = 'code_departement' | 'annee' | 'code_usage' | 'code_type_milieu' | 'code_commune_insee';

export interface Endpoint {
  id: EndpointId;
  definition: CollectionDefinition;
  /** Path under the API base, e.g. referentiel/ouvrages. */
  path: string;
  /** Fields only this endpoint has: one of them present in a file marks it as this endpoint's. */
  signature: string[];
  /** Properties identifying a record: a second record with the same key is a duplicate. */
  key: string[];
  splits: SplitDimension[];
}

export const ENDPOINTS: readonly Endpoint[] = [
  {
    id: 'ouvrages', definition: ouvrages, path: 'referentiel/ouvrages',
    signature: ['codes_points_prelevements', 'code_precision_coord', 'id_local_ouvrage', 'ressource_cont_non_referencee'],
    key: ['code_ouvrage'], splits: ['code_departement', 'code_type_milieu', 'code_commune_insee'],
  },
  {
    id: 'points_prelevement', definition: pointsPrelevement, path: 'referentiel/points_prelevement',
    signature: ['code_point_prelevement', 'nom_point_prelevement', 'code_nature', 'nappe_accompagnement'],
    key: ['code_point_prelevement'], splits: ['code_departement', 'code_type_milieu', 'code_commune_insee'],
  },
  {
    id: 'chroniques', definition: chroniques, path: 'chroniques',
    signature: ['code_usage', 'annee', 'volume', 'code_mode_obtention_volume'],
    key: ['code_ouvrage', 'annee', 'code_usage'], splits: ['code_departement', 'annee', 'code_usage', 'code_commune_insee'],
  },
];

export function endpoint(id: EndpointId): Endpoint {
  return ENDPOINTS.find((e) => e.id === id)!;
}

/**
 * The endpoint whose fields best match `fields`: at least two of its signature fields present,
 * then the largest share of its properties. Null when nothing matches.
 */
export function detectEndpoint(fields: Iterable<string>): Endpoint | null {
  const set = new Set(fields);
  let best: Endpoint | null = null;
  let bestScore = 0;
  for (const e of ENDPOINTS) {
    if (e.signature.filter((f) => set.has(f)).length < 2) continue;
    const score = e.definition.properties.filter((p) => set.has(p.name)).length / e.definition.properties.length;
    if (score > bestScore) { best = e; bestScore = score; }
  }
  return best;
}
