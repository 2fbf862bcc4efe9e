// Collection "points_prelevement": Hub'Eau /referentiel/points_prelevement (28 fields, Hub'Eau order).
import type { CollectionDefinition } from '../../server/types.js';
import { NATURE_LIST, toEnum } from '../codelists.js';
import {
  ATTRIBUTION, KEYWORDS, LICENSE, bdlisaFields, communeFields, dateFields, hydroFields, links, milieuFields,
  ouvrageRefFields, prop,
} from './common.js';

export const pointsPrelevement: CollectionDefinition = {
  id: 'points_prelevement',
  title: "Points de prélèvement en eau",
  description:
    "Référentiel des points de prélèvement de la BNPE (API Hub'Eau « Prélèvements en eau », " +
    '/referentiel/points_prelevement) : chaque point appartient à un ouvrage, qui peut en compter plusieurs. ' +
    "L'API ne donne aucune coordonnée aux points : chaque point prend ici la géométrie de son ouvrage " +
    '(centroïde de la commune pour les ouvrages ainsi localisés). ' +
    'Les données servies par défaut sont synthétiques : générées de façon déterministe, avec de vraies communes, ' +
    'elles ne décrivent aucun point réel.',
  keywords: [...KEYWORDS, 'point de prélèvement'],
  source: 'points_prelevement.fgb',
  idProperties: ['code_point_prelevement'],
  geometryType: 'Point',
  temporal: { start: 'date_exploitation_debut', end: 'date_exploitation_fin', kind: 'date', unknownValues: ['1900-01-01'] },
  attribution: ATTRIBUTION,
  license: LICENSE,
  links: links('referentiel/points_prelevement'),
  properties: [
    prop('code_point_prelevement', 'string', 'Code du point de prélèvement', 'Code national du point de prélèvement : PTP suivi de 15 chiffres.', { sortable: true }),
    prop('nom_point_prelevement', 'string', 'Nom du point de prélèvement', 'Nom du point de prélèvement.', { sortable: true }),
    ...dateFields('du point'),
    ...milieuFields(),
    prop('code_nature', 'string', 'Code de la nature du point', 'Nature du point : physique (réel) ou fictif (point de comptage regroupant des prélèvements).', {
      enum: toEnum(NATURE_LIST),
    }),
    prop('libelle_nature', 'string', 'Libellé de la nature du point', 'Libellé de la nature du point.'),
    prop('lieu_dit', 'string', 'Lieu-dit', 'Lieu-dit du point de prélèvement.', { nullable: true, sortable: true }),
    prop('commentaire', 'string', 'Commentaire', 'Commentaire libre du producteur.', { nullable: true, queryable: false }),
    ...communeFields(),
    ...hydroFields(true),
    prop('nappe_accompagnement', 'boolean', "Nappe d'accompagnement", "Vrai quand le point sollicite la nappe d'accompagnement d'un cours d'eau.", { nullable: true }),
    prop('uri_bss_point_eau', 'string', 'URI BSS du point d\'eau', "URI du point d'eau dans la Banque du Sous-Sol (BRGM).", { nullable: true, format: 'uri', queryable: false }),
    prop('code_bss_point_eau', 'string', 'Code BSS du point d\'eau', "Code du point d'eau souterraine dans la Banque du Sous-Sol.", { nullable: true, sortable: true }),
    ...ouvrageRefFields(),
    ...bdlisaFields(),
  ],
};
