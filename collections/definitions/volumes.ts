// Collections "volumes_*": annual volumes of the chroniques summed per administrative area, year
// and usage, plus one all-usages row ('TOUS') per area and year, with and without turbined water.
import type { CollectionDefinition, PropertyDefinition } from '../../server/types.js';
import { USAGE_LIST, USAGES, toEnum } from '../codelists.js';
import { ATTRIBUTION, KEYWORDS, LICENSE, links, prop } from './common.js';

export const ALL_USAGES = { code: 'TOUS', label: 'Tous usages' } as const;

export type AggregateLevel = 'communes' | 'epci' | 'departements' | 'regions';

interface LevelText { id: string; title: string; area: string; areaFields: PropertyDefinition[] }

const codeProp = (name: string, title: string, description: string) => prop(name, 'string', title, description, { sortable: true });
const regionProp = () => codeProp('code_region', 'Code de la région', 'Code INSEE (COG) de la région.');

export const LEVELS: Record<AggregateLevel, LevelText> = {
  communes: {
    id: 'volumes_communes', title: 'Volumes prélevés par commune', area: 'commune',
    areaFields: [
      codeProp('code_commune_insee', 'Code INSEE de la commune', "Code INSEE (COG en vigueur) de la commune ; les communes déléguées ou associées et les arrondissements municipaux sont rattachés à leur commune."),
      codeProp('nom_commune', 'Nom de la commune', 'Nom de la commune (Code officiel géographique).'),
      prop('code_epci', 'string', "Code de l'EPCI", "SIREN de l'EPCI à fiscalité propre dont la commune est membre.", { nullable: true, sortable: true }),
      codeProp('code_departement', 'Code du département', 'Code INSEE du département.'),
      prop('code_region', 'string', 'Code de la région', 'Code INSEE (COG) de la région.', { nullable: true, sortable: true }),
    ],
  },
  epci: {
    id: 'volumes_epci', title: 'Volumes prélevés par EPCI', area: 'EPCI à fiscalité propre',
    areaFields: [
      codeProp('code_epci', "Code de l'EPCI", "SIREN de l'établissement public de coopération intercommunale à fiscalité propre."),
      codeProp('nom_epci', "Nom de l'EPCI", "Nom de l'EPCI."),
      prop('type_epci', 'string', "Type d'EPCI", 'Métropole (METRO), communauté urbaine (CU), d’agglomération (CA) ou de communes (CC).', { nullable: true }),
    ],
  },
  departements: {
    id: 'volumes_departements', title: 'Volumes prélevés par département', area: 'département',
    areaFields: [
      codeProp('code_departement', 'Code du département', 'Code INSEE du département (métropole et DROM 971 à 976).'),
      codeProp('libelle_departement', 'Nom du département', 'Libellé du département.'),
      prop('code_region', 'string', 'Code de la région', 'Code INSEE (COG) de la région.', { nullable: true, sortable: true }),
    ],
  },
  regions: {
    id: 'volumes_regions', title: 'Volumes prélevés par région', area: 'région',
    areaFields: [regionProp(), codeProp('libelle_region', 'Nom de la région', 'Libellé de la région.')],
  },
};

const USAGE_ENUM = { ...toEnum(USAGE_LIST), [ALL_USAGES.code]: ALL_USAGES.label };

function measureFields(): PropertyDefinition[] {
  const n = (name: string, title: string, description: string) => prop(name, 'number', title, description, { sortable: true });
  return [
    prop('annee', 'integer', 'Année', 'Année civile des prélèvements.', { sortable: true }),
    prop('code_usage', 'string', "Code de l'usage", `Usage de l'eau ; ${ALL_USAGES.code} : tous usages confondus.`, { enum: USAGE_ENUM, sortable: true }),
    prop('libelle_usage', 'string', "Libellé de l'usage", "Libellé de l'usage."),
    n('volume_total', 'Volume total (m³)', 'Somme exacte des volumes renseignés des chroniques (m³), eau turbinée comprise pour la ligne tous usages.'),
    n('volume_hors_eau_turbinee', 'Volume hors eau turbinée (m³)',
      `Même somme sans l'usage ${USAGES.eauTurbinee.code} (${USAGES.eauTurbinee.label}), qui domine tout total qui l'inclut ; 0 sur la ligne de cet usage.`),
    n('volume_mesure', 'Volume mesuré (m³)', 'Part de volume_total mesurée (mesure directe ou indirecte).'),
    n('volume_estime', 'Volume estimé (m³)', "Part de volume_total estimée (estimation ou forfaits de l'annexe II de l'arrêté du 19 décembre 2011)."),
    n('volume_mode_autre', "Volume de mode d'obtention autre (m³)", "Part de volume_total dont le mode d'obtention est absent ou hors des listes mesuré / estimé."),
    prop('nombre_ouvrages', 'integer', "Nombre d'ouvrages", "Nombre d'ouvrages ayant une chronique cette année-là (pour cet usage).", { sortable: true }),
    prop('nombre_volumes_manquants', 'integer', 'Volumes non renseignés', 'Nombre de chroniques sans volume (années incomplètes), exclues des sommes.'),
  ];
}

function definition(level: AggregateLevel): CollectionDefinition {
  const t = LEVELS[level];
  const codeField = t.areaFields[0].name;
  return {
    id: t.id,
    title: t.title,
    description:
      `Volumes d'eau prélevés chaque année par ${t.area} et par usage : sommes exactes des volumes des chroniques annuelles ` +
      "(BNPE, API Hub'Eau « Prélèvements en eau »), avec le nombre d'ouvrages et la part mesurée ou estimée (mode d'obtention, " +
      "arrêté du 19 décembre 2011). Une entité par zone, année et usage, plus une ligne « TOUS » par zone et année qui donne le " +
      "total avec et sans l'eau turbinée. Rattachements et noms : découpage administratif (COG, @etalab/decoupage-administratif). " +
      'Géométrie : le contour de la zone quand des limites administratives ont été fournies à la construction (EPCI : union ' +
      'de leurs communes), sinon un point représentatif, barycentre des ouvrages pondéré par les volumes. ' +
      'Avec les données par défaut, les volumes sont synthétiques.',
    keywords: [...KEYWORDS, 'volume', 'agrégat', t.area],
    source: `${t.id}.fgb`,
    idProperties: [codeField, 'annee', 'code_usage'],
    geometryType: 'Point',
    temporal: { start: 'annee', kind: 'year' },
    // Communes and EPCI are stored by year (latest first) and usage: the map's layer (one year, one usage)
    // is then one compact read. Départements and régions keep the rows of one area together, so that
    // their outlines, when the build has them, are decoded once for every row (collection tiles).
    ...(level === 'communes' || level === 'epci' ? { partitionBy: [{ property: 'annee', descending: true }, { property: 'code_usage' }] } : {}),
    attribution: ATTRIBUTION,
    license: LICENSE,
    links: links('chroniques'),
    properties: [...t.areaFields, ...measureFields()],
  };
}

export const volumesCommunes = definition('communes');
export const volumesEpci = definition('epci');
export const volumesDepartements = definition('departements');
export const volumesRegions = definition('regions');

export const VOLUME_DEFINITIONS: Record<AggregateLevel, CollectionDefinition> = {
  communes: volumesCommunes, epci: volumesEpci, departements: volumesDepartements, regions: volumesRegions,
};
