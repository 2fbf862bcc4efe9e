// Collection "ouvrages": Hub'Eau /referentiel/ouvrages (28 fields, Hub'Eau order).
import type { CollectionDefinition } from '../../server/types.js';
import { PRECISION_COORD_LIST, toEnum } from '../codelists.js';
import {
  ATTRIBUTION, KEYWORDS, LICENSE, bdlisaFields, communeFields, dateFields, hydroFields, links, milieuFields,
  positionFields, prop,
} from './common.js';

export const ouvrages: CollectionDefinition = {
  id: 'ouvrages',
  title: 'Ouvrages de prélèvement en eau',
  description:
    "Référentiel des ouvrages de prélèvement d'eau de la BNPE (forages, puits, sources, prises d'eau en rivière, " +
    "stations de pompage, centrales) soumis à la redevance des agences de l'eau, tel que publié par l'API Hub'Eau " +
    '« Prélèvements en eau » (/referentiel/ouvrages). Un ouvrage regroupe un ou plusieurs points de prélèvement. ' +
    "Les ouvrages d'eau potable sont volontairement placés au centroïde de leur commune (précision 5). " +
    'Les données servies par défaut sont synthétiques : générées de façon déterministe, avec de vraies communes ' +
    'et des ordres de grandeur réalistes, elles ne décrivent aucun ouvrage réel.',
  keywords: [...KEYWORDS, 'ouvrage', 'forage', 'captage'],
  source: 'ouvrages.fgb',
  idProperties: ['code_ouvrage'],
  geometryType: 'Point',
  temporal: { start: 'date_exploitation_debut', end: 'date_exploitation_fin', kind: 'date', unknownValues: ['1900-01-01'] },
  attribution: ATTRIBUTION,
  license: LICENSE,
  links: links('referentiel/ouvrages'),
  properties: [
    prop('code_ouvrage', 'string', "Code de l'ouvrage", "Code national (Sandre) de l'ouvrage de prélèvement : OPR suivi de 10 chiffres.", { sortable: true }),
    prop('id_local_ouvrage', 'string', 'Identifiant local', "Identifiant de l'ouvrage dans le système du producteur (agence ou office de l'eau).", { nullable: true }),
    prop('nom_ouvrage', 'string', "Nom de l'ouvrage", "Nom de l'ouvrage, en majuscules comme dans la BNPE.", { sortable: true }),
    ...dateFields("de l'ouvrage"),
    prop('code_precision_coord', 'string', 'Code de précision des coordonnées', 'Précision de la localisation ; 5 : centroïde de la commune.', {
      enum: toEnum(PRECISION_COORD_LIST), sortable: true,
    }),
    prop('libelle_precision_coord', 'string', 'Libellé de précision des coordonnées', 'Libellé de la précision des coordonnées.'),
    prop('commentaire', 'string', 'Commentaire', 'Commentaire libre du producteur.', { nullable: true, queryable: false }),
    ...communeFields(),
    ...milieuFields(),
    ...hydroFields(false),
    prop('ressource_cont_non_referencee', 'boolean', 'Ressource continentale non référencée',
      "Vrai quand la ressource de surface sollicitée n'est pas référencée dans le Sandre (petit ruisseau, source).", { nullable: true }),
    prop('ressource_cont_non_referencee_info', 'string', 'Précision sur la ressource non référencée',
      'Description libre de la ressource non référencée.', { nullable: true, queryable: false }),
    prop('code_point_referent', 'string', 'Point de prélèvement référent', "Code du point de prélèvement principal de l'ouvrage.", { nullable: true }),
    ...bdlisaFields(),
    ...positionFields(),
    prop('codes_points_prelevements', 'array', 'Points de prélèvement', "Codes des points de prélèvement rattachés à l'ouvrage.", { items: 'string' }),
    prop('uri_ouvrage', 'string', "URI de l'ouvrage", "URI Sandre de l'ouvrage (https://id.eaufrance.fr/OuvragePrel/…).", { format: 'uri', queryable: false }),
  ],
};
