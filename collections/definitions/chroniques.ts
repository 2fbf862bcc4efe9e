// Collection "chroniques": Hub'Eau /chroniques, one row per ouvrage × année × usage (23 fields).
import type { CollectionDefinition } from '../../server/types.js';
import {
  MODE_OBTENTION_LIST, QUALIFICATION_VOLUME_LIST, STATUT_INSTRUCTION_LIST, STATUT_VOLUME_LIST, USAGE_LIST, toEnum,
} from '../codelists.js';
import { ATTRIBUTION, KEYWORDS, LICENSE, PRODUCTEUR_ENUM, communeFields, links, positionFields, prop } from './common.js';

export const chroniques: CollectionDefinition = {
  id: 'chroniques',
  title: 'Chroniques annuelles des volumes prélevés',
  description:
    "Volumes d'eau prélevés chaque année par ouvrage et par usage (BNPE, API Hub'Eau « Prélèvements en eau », " +
    '/chroniques), de 2008 à 2023 ; les années 2008 à 2011 sont incomplètes. Une ligne par ouvrage, année et usage. ' +
    'Seuls les prélèvements soumis à redevance sont recensés (plus de 10 000 m³/an, 7 000 m³ en zone de répartition ' +
    "des eaux) ; les volumes sont mesurés ou, à défaut, estimés selon l'arrêté du 19 décembre 2011. " +
    "L'eau turbinée des barrages domine tout total qui l'inclut. " +
    'Les données servies par défaut sont synthétiques : générées de façon déterministe, elles reproduisent les ' +
    'ordres de grandeur nationaux (≈ 28 milliards de m³/an hors eau turbinée) sans décrire aucun prélèvement réel.',
  keywords: [...KEYWORDS, 'volume', 'chronique', 'usage'],
  source: 'chroniques.fgb',
  idProperties: ['code_ouvrage', 'annee', 'code_usage'],
  geometryType: 'Point',
  temporal: { start: 'annee', kind: 'year' },
  // Stored year by year, the latest first: the map shows one year, and one year is then one compact read.
  partitionBy: [{ property: 'annee', descending: true }],
  attribution: ATTRIBUTION,
  license: LICENSE,
  links: links('chroniques'),
  properties: [
    prop('code_ouvrage', 'string', "Code de l'ouvrage", "Code national (Sandre) de l'ouvrage de prélèvement : OPR suivi de 10 chiffres.", { sortable: true }),
    prop('nom_ouvrage', 'string', "Nom de l'ouvrage", "Nom de l'ouvrage de prélèvement.", { sortable: true }),
    prop('uri_ouvrage', 'string', "URI de l'ouvrage", "URI Sandre de l'ouvrage.", { format: 'uri', queryable: false }),
    prop('annee', 'integer', 'Année', 'Année civile du prélèvement.', { sortable: true }),
    prop('volume', 'number', 'Volume prélevé (m³)', "Volume prélevé dans l'année, en m³ ; vide pour certaines années incomplètes.", {
      nullable: true, sortable: true,
    }),
    prop('code_usage', 'string', "Code de l'usage", "Usage de l'eau prélevée.", { enum: toEnum(USAGE_LIST), sortable: true }),
    prop('libelle_usage', 'string', "Libellé de l'usage", "Libellé de l'usage."),
    prop('code_statut_volume', 'string', 'Code du statut du volume', 'Niveau de contrôle du volume par le producteur.', { enum: toEnum(STATUT_VOLUME_LIST) }),
    prop('libelle_statut_volume', 'string', 'Libellé du statut du volume', 'Libellé du statut du volume.'),
    prop('code_qualification_volume', 'string', 'Code de qualification du volume', 'Qualification du volume (nomenclature Sandre).', {
      enum: toEnum(QUALIFICATION_VOLUME_LIST),
    }),
    prop('libelle_qualification_volume', 'string', 'Libellé de qualification du volume', 'Libellé de la qualification du volume.'),
    prop('code_statut_instruction', 'string', "Code du statut d'instruction", 'Statut administratif du prélèvement (réalisé, autorisé, demandé).', {
      enum: toEnum(STATUT_INSTRUCTION_LIST),
    }),
    prop('libelle_statut_instruction', 'string', "Libellé du statut d'instruction", "Libellé du statut d'instruction."),
    prop('code_mode_obtention_volume', 'string', "Code du mode d'obtention du volume",
      'Volume mesuré (directement ou indirectement) ou estimé (forfaits de l\'annexe II de l\'arrêté du 19 décembre 2011).', {
        enum: toEnum(MODE_OBTENTION_LIST),
      }),
    prop('libelle_mode_obtention_volume', 'string', "Libellé du mode d'obtention du volume", "Libellé du mode d'obtention du volume."),
    prop('prelevement_ecrasant', 'boolean', 'Prélèvement écrasant', 'Vrai quand ce prélèvement pèse à lui seul sur la ressource de son secteur.'),
    prop('producteur_donnee', 'string', 'Producteur de la donnée', "Agence ou office de l'eau ayant produit la donnée.", {
      enum: PRODUCTEUR_ENUM, sortable: true,
    }),
    ...positionFields(),
    ...communeFields(),
  ],
};
