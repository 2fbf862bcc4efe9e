// Collection "forfaits_annexe2": the flat rates of the arrêté du 19 décembre 2011 (annexe II).
// Non-spatial: a table a client reads to estimate a volume from a characteristic quantity.
import type { CollectionDefinition } from '../../server/types.js';
import { USAGE_LIST, toEnum } from '../codelists.js';
import { LICENSE, prop } from './common.js';

const ARRETE = 'https://www.legifrance.gouv.fr/loda/id/JORFTEXT000025140830';

export const forfaitsAnnexe2: CollectionDefinition = {
  id: 'forfaits_annexe2',
  title: "Forfaits de l'annexe II de l'arrêté du 19 décembre 2011",
  description:
    "Volumes forfaitaires de l'annexe II de l'arrêté du 19 décembre 2011 relatif à la mesure des prélèvements d'eau : " +
    "quand la mesure est impossible, le volume prélevé est estimé en multipliant une grandeur caractéristique de l'activité " +
    '(habitants desservis, hectares irrigués, tonnes extraites, kilomètres de canal…) par le volume par unité donné ici. ' +
    "Pour l'hydroélectricité, le volume turbiné vaut V = (367 / R) × (E / H), E l'énergie produite en kWh, H la hauteur " +
    'de chute brute en m et R le rendement global (0,75 par défaut) ; l\'ingestion applique cette formule aux chroniques qui ' +
    "donnent énergie_kwh et hauteur_chute_m au lieu d'un volume. Collection sans géométrie.",
  keywords: ['eau', 'prélèvements', 'forfait', 'arrêté du 19 décembre 2011', 'estimation'],
  source: 'forfaits_annexe2.fgb',
  idProperties: ['code_forfait'],
  geometryType: null,
  attribution: "Arrêté du 19 décembre 2011 relatif à la mesure des prélèvements d'eau, annexe II (Légifrance).",
  license: LICENSE,
  links: [{ href: ARRETE, rel: 'describedby', type: 'text/html', title: 'Arrêté du 19 décembre 2011 (Légifrance)' }],
  properties: [
    prop('code_forfait', 'string', 'Code du forfait', 'Identifiant du forfait dans cette collection.', { sortable: true }),
    prop('code_usage', 'string', "Code de l'usage", "Usage de l'eau (même liste que les chroniques).", { enum: toEnum(USAGE_LIST), sortable: true }),
    prop('libelle_usage', 'string', "Libellé de l'usage", "Libellé de l'usage."),
    prop('activite', 'string', 'Activité', "Activité à laquelle s'applique le forfait."),
    prop('unite_caracteristique', 'string', 'Unité caractéristique', "Grandeur par laquelle on multiplie le volume unitaire."),
    prop('volume_par_unite', 'number', 'Volume par unité (m³)', "Volume forfaitaire par unité caractéristique, en m³ (par an sauf mention contraire).", {
      sortable: true,
    }),
    prop('unite_volume', 'string', 'Unité du volume', 'Unité du volume par unité, en clair.'),
    prop('remarque', 'string', 'Remarque', "Précision sur l'application du forfait.", { nullable: true, queryable: false }),
  ],
};
