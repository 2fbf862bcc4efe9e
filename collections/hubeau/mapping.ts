// Hub'Eau « Prélèvements en eau » v1 as a compatibility API: its paths, its query parameters
// mapped onto the collections' properties, its envelope and error shape. The engine
// (server/compat/) turns the parameters into CQL2; nothing here filters.
import { createRequire } from 'node:module';
import type { CompatApi, CompatEndpoint, ParameterRule } from '../../server/compat/api.js';

const require = createRequire(import.meta.url);

/** Départements of each région (COG), for the `code_region` extension. */
const departementsOfRegion = (() => {
  const out = new Map<string, string[]>();
  for (const d of require('@etalab/decoupage-administratif/data/departements.json') as { code: string; region: string }[]) {
    out.set(d.region, [...(out.get(d.region) ?? []), d.code]);
  }
  return out;
})();

const equals = (...names: string[]): Record<string, ParameterRule> => Object.fromEntries(names.map((n) => [n, { kind: 'equals', property: n }]));

/** Parameters of every endpoint: the commune and its département (and région, an extension). */
const place: Record<string, ParameterRule> = {
  ...equals('code_commune_insee', 'nom_commune', 'code_departement', 'libelle_departement'),
  code_region: { kind: 'expand', property: 'code_departement', expand: (r) => departementsOfRegion.get(r) },
};

const activeOn: ParameterRule = { kind: 'activeOn', start: 'date_exploitation_debut', end: 'date_exploitation_fin' };

export const HUBEAU_ENDPOINTS: CompatEndpoint[] = [
  {
    path: '/chroniques',
    collection: 'chroniques',
    parameters: {
      ...equals('annee', 'code_mode_obtention_volume', 'code_ouvrage', 'code_qualification_volume', 'code_statut_instruction',
        'code_statut_volume', 'code_usage', 'prelevement_ecrasant', 'producteur_donnee'),
      ...place,
      annee_min: { kind: 'min', property: 'annee' },
      annee_max: { kind: 'max', property: 'annee' },
      volume_min: { kind: 'min', property: 'volume' },
      volume_max: { kind: 'max', property: 'volume' },
    },
    bbox: true,
    distance: true,
    formats: ['json', 'geojson'],
    sortKeys: ['annee', 'code_ouvrage', 'code_usage'],
  },
  {
    path: '/referentiel/ouvrages',
    collection: 'ouvrages',
    parameters: {
      ...equals('code_bdlisa', 'code_entite_hydro_cours_eau', 'code_entite_hydro_plan_eau', 'code_mer_ocean', 'code_ouvrage',
        'code_type_milieu', 'nom_ouvrage'),
      ...place,
      codes_points_prelevements: { kind: 'anyOf', property: 'codes_points_prelevements' },
      date_exploitation: activeOn,
    },
    bbox: true,
    distance: true,
    formats: ['json', 'geojson'],
    sortKeys: ['code_ouvrage'],
  },
  {
    path: '/referentiel/points_prelevement',
    collection: 'points_prelevement',
    parameters: {
      ...equals('code_bdlisa', 'code_bss_point_eau', 'code_entite_hydro_cours_eau', 'code_entite_hydro_plan_eau', 'code_mer_ocean',
        'code_nature', 'code_ouvrage', 'code_point_prelevement', 'code_type_milieu', 'code_zone_hydro', 'nappe_accompagnement',
        'nom_point_prelevement'),
      ...place,
      date_exploitation: activeOn,
    },
    // Hub'Eau gives points no coordinates, hence no bbox or distance (ignored, as unknown parameters).
    bbox: false,
    distance: false,
    // GeoJSON (the ouvrage's position) is an extension: Hub'Eau serves points in JSON only.
    formats: ['json', 'geojson'],
    sortKeys: ['code_point_prelevement'],
  },
];

export interface HubeauOptions {
  /** Default `size` (Hub'Eau: 1000). */
  defaultSize?: number;
  /** Largest `size` (Hub'Eau: 20000). */
  maxSize?: number;
  /** page × size limit (Hub'Eau: 20000); 0 lifts it (page numbers then go as deep as cursors). */
  maxDepth?: number;
}

export const HUBEAU_PREFIX = '/api/v1/prelevements';
export const HUBEAU_API_VERSION = '1.0.0';

export function hubeauApi(options: HubeauOptions = {}): CompatApi {
  const maxDepth = options.maxDepth ?? 20_000;
  return {
    name: 'hubeau',
    prefix: HUBEAU_PREFIX,
    endpoints: HUBEAU_ENDPOINTS,
    paging: { defaultSize: options.defaultSize ?? 1000, maxSize: options.maxSize ?? 20_000, maxDepth: maxDepth || Number.MAX_SAFE_INTEGER, depthLimit: maxDepth > 0 },
    unknownParameters: 'ignore',
    envelope: ({ count, links, format }) => ({
      before: {
        ...(format === 'geojson' ? { type: 'FeatureCollection' } : {}),
        count, first: links.first, last: links.last, prev: links.prev, next: links.next, api_version: HUBEAU_API_VERSION,
      },
      list: format === 'geojson' ? 'features' : 'data',
    }),
    errorBody: (status, code, description, field) => ({
      code, description,
      // Hub'Eau's own members: a message and, for a parameter, field_errors.
      message: description,
      ...(status === 400 ? { field_errors: field ? [field] : [] } : {}),
    }),
  };
}
