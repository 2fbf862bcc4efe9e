// Property definitions shared by the three BNPE collections (same names and meaning in Hub'Eau).
import type { CollectionDefinition, PropertyDefinition } from '../../server/types.js';
import { MER_OCEAN_LIST, MILIEU_LIST, PRODUCTEUR_LIST, toEnum } from '../codelists.js';

export const HUBEAU_DOC = 'https://hubeau.eaufrance.fr/page/api-prelevements-eau';

export const LICENSE: NonNullable<CollectionDefinition['license']> = {
  title: 'Licence Ouverte / Open Licence version 2.0 (Etalab)',
  href: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
};

export const ATTRIBUTION =
  "Modèle de données : BNPE / Hub'Eau (OFB, BRGM, agences et offices de l'eau). " +
  'Données par défaut synthétiques, générées de façon déterministe.';

export const KEYWORDS = ['eau', 'prélèvements', 'BNPE', "Hub'Eau", 'redevance', 'ressource en eau'];

export function links(endpoint: string): NonNullable<CollectionDefinition['links']> {
  return [
    { href: HUBEAU_DOC, rel: 'describedby', type: 'text/html', title: "Documentation de l'API Hub'Eau Prélèvements en eau" },
    {
      href: `https://hubeau.eaufrance.fr/api/v1/prelevements/${endpoint}`, rel: 'via', type: 'application/json',
      title: `Point d'accès Hub'Eau d'origine (${endpoint})`,
    },
    { href: 'https://bnpe.eaufrance.fr/', rel: 'related', type: 'text/html', title: 'Banque Nationale des Prélèvements quantitatifs en Eau' },
  ];
}

type Opts = Partial<Omit<PropertyDefinition, 'name' | 'type' | 'title'>>;

/** Codes, names, dates, years and volumes sort by default; everything is queryable unless said. */
export function prop(name: string, type: PropertyDefinition['type'], title: string, description: string, opts: Opts = {}): PropertyDefinition {
  const sortable = /^(code|nom|date)_/.test(name) || name === 'annee' || name === 'volume';
  return { name, type, title, description, queryable: true, ...(sortable ? { sortable } : {}), ...opts };
}

/** code_commune_insee … libelle_departement, in Hub'Eau order. */
export function communeFields(): PropertyDefinition[] {
  return [
    prop('code_commune_insee', 'string', 'Code INSEE de la commune', 'Code INSEE (COG) de la commune où se situe le prélèvement.', { sortable: true }),
    prop('nom_commune', 'string', 'Nom de la commune', 'Nom de la commune (Code officiel géographique).', { sortable: true }),
    prop('code_departement', 'string', 'Code du département', 'Code INSEE du département (métropole et DROM 971 à 976).', { sortable: true }),
    prop('libelle_departement', 'string', 'Nom du département', 'Libellé du département.', { sortable: true }),
  ];
}

export function milieuFields(): PropertyDefinition[] {
  return [
    prop('code_type_milieu', 'string', 'Code du type de milieu', 'Type de ressource sollicitée : eau de surface continentale, souterraine ou littorale.', {
      enum: toEnum(MILIEU_LIST), sortable: true,
    }),
    prop('libelle_type_milieu', 'string', 'Libellé du type de milieu', 'Libellé du type de milieu.'),
  ];
}

/** Cours d'eau and plan d'eau references (Sandre), then optional zone hydro and sea. */
export function hydroFields(withZone: boolean): PropertyDefinition[] {
  const out = [
    prop('code_entite_hydro_cours_eau', 'string', "Code du cours d'eau", "Code Sandre (BD Carthage) du cours d'eau sollicité.", { nullable: true, sortable: true }),
    prop('uri_entite_hydro_cours_eau', 'string', "URI du cours d'eau", "URI Sandre du cours d'eau.", { nullable: true, format: 'uri', queryable: false }),
    prop('code_entite_hydro_plan_eau', 'string', "Code du plan d'eau", "Code Sandre du plan d'eau sollicité.", { nullable: true, sortable: true }),
    prop('uri_entite_hydro_plan_eau', 'string', "URI du plan d'eau", "URI Sandre du plan d'eau.", { nullable: true, format: 'uri', queryable: false }),
  ];
  if (withZone) {
    out.push(
      prop('code_zone_hydro', 'string', 'Code de la zone hydrographique', 'Code Sandre de la zone hydrographique (4 caractères).', { nullable: true, sortable: true }),
      prop('uri_zone_hydro', 'string', 'URI de la zone hydrographique', 'URI Sandre de la zone hydrographique.', { nullable: true, format: 'uri', queryable: false }),
    );
  }
  out.push(prop('code_mer_ocean', 'string', "Code de la mer ou de l'océan", 'Mer ou océan sollicité par un prélèvement littoral.', {
    nullable: true, enum: toEnum(MER_OCEAN_LIST),
  }));
  return out;
}

export function bdlisaFields(): PropertyDefinition[] {
  return [
    prop('code_bdlisa', 'string', 'Code BD LISA', "Code de l'entité hydrogéologique BD LISA sollicitée (prélèvements souterrains).", { nullable: true, sortable: true }),
    prop('uri_bdlisa', 'string', 'URI BD LISA', "URI Sandre de l'entité hydrogéologique BD LISA.", { nullable: true, format: 'uri', queryable: false }),
  ];
}

export function dateFields(what: string): PropertyDefinition[] {
  return [
    prop('date_exploitation_debut', 'date', "Date de début d'exploitation",
      `Date de mise en service ${what} ; 1900-01-01 signifie « inconnue ».`, { nullable: true, sortable: true, format: 'date' }),
    prop('date_exploitation_fin', 'date', "Date de fin d'exploitation",
      `Date d'arrêt ${what} ; vide tant qu'il est exploité.`, { nullable: true, sortable: true, format: 'date' }),
  ];
}

export function ouvrageRefFields(): PropertyDefinition[] {
  return [
    prop('code_ouvrage', 'string', "Code de l'ouvrage", "Code national (Sandre) de l'ouvrage de prélèvement : OPR suivi de 10 chiffres.", { sortable: true }),
    prop('uri_ouvrage', 'string', "URI de l'ouvrage", "URI Sandre de l'ouvrage (https://id.eaufrance.fr/OuvragePrel/…).", { format: 'uri', queryable: false }),
  ];
}

export function positionFields(): PropertyDefinition[] {
  return [
    prop('longitude', 'number', 'Longitude', 'Longitude WGS84 (degrés décimaux).', { queryable: false }),
    prop('latitude', 'number', 'Latitude', 'Latitude WGS84 (degrés décimaux).', { queryable: false }),
  ];
}

export const PRODUCTEUR_ENUM = toEnum(PRODUCTEUR_LIST);
