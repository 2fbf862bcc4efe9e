// Every code list of the Hub'Eau "Prélèvements en eau" v1 API, in one place.
// Codes marked `confirmed: false` are guesses (the API reference only shows their labels, or not at
// all): replace them here once real values are known; definitions and generator read only this file.

export interface CodeEntry {
  code: string;
  label: string;
  /** false when the code (or label) is not confirmed by the Hub'Eau reference. */
  confirmed: boolean;
}

export type CodeList = readonly CodeEntry[];

/** Code list as the `enum` of a property definition (code → label). */
export function toEnum(list: CodeList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of list) out[e.code] = e.label;
  return out;
}

export function labelOf(list: CodeList, code: string): string {
  const e = list.find((x) => x.code === code);
  if (!e) throw new Error(`unknown code ${code}`);
  return e.label;
}

// --- Usages (code_usage / libelle_usage) ---------------------------------------------------------
export const USAGES = {
  eauPotable: { code: 'AEP', label: 'EAU POTABLE', confirmed: true },
  irrigation: { code: 'IRR', label: 'IRRIGATION', confirmed: true },
  industrie: {
    code: 'IND',
    label: 'INDUSTRIE et ACTIVITES ECONOMIQUES (hors irrigation, hors énergie)',
    confirmed: true,
  },
  // Labels seen in BNPE exports; codes unconfirmed.
  energie: { code: 'ENE', label: 'ENERGIE', confirmed: false },
  canaux: { code: 'CAN', label: 'CANAUX', confirmed: false },
  eauTurbinee: { code: 'TUR', label: 'EAU TURBINEE (barrage)', confirmed: false },
} as const satisfies Record<string, CodeEntry>;
export type UsageKey = keyof typeof USAGES;
export const USAGE_LIST: CodeList = Object.values(USAGES);

// --- Type de milieu (code_type_milieu) -----------------------------------------------------------
export const MILIEUX = {
  continental: { code: 'CONT', label: 'Surface continental', confirmed: true },
  souterrain: { code: 'SOUT', label: 'Souterrain', confirmed: true },
  littoral: { code: 'LIT', label: 'Surface littoral', confirmed: false }, // label unconfirmed
} as const satisfies Record<string, CodeEntry>;
export type MilieuKey = keyof typeof MILIEUX;
export const MILIEU_LIST: CodeList = Object.values(MILIEUX);

// --- Nature du point de prélèvement (code_nature) ------------------------------------------------
export const NATURES = {
  fictif: { code: 'F', label: 'FICTIF', confirmed: true },
  physique: { code: 'P', label: 'PHYSIQUE', confirmed: false }, // label unconfirmed
} as const satisfies Record<string, CodeEntry>;
export const NATURE_LIST: CodeList = Object.values(NATURES);

// --- Statut du volume (code_statut_volume) -------------------------------------------------------
export const STATUTS_VOLUME = {
  brut: { code: '0', label: 'Non contrôlé', confirmed: false },
  controle1: { code: '1', label: 'Contrôlé Niveau 1', confirmed: true },
  controle2: { code: '2', label: 'Contrôlé Niveau 2', confirmed: false },
} as const satisfies Record<string, CodeEntry>;
export const STATUT_VOLUME_LIST: CodeList = Object.values(STATUTS_VOLUME);

// --- Qualification du volume (code_qualification_volume), Sandre list ----------------------------
export const QUALIFICATIONS_VOLUME = {
  nonDefinissable: { code: '0', label: 'Non définissable', confirmed: true },
  correcte: { code: '1', label: 'Correcte', confirmed: true },
  incorrecte: { code: '2', label: 'Incorrecte', confirmed: true },
  incertaine: { code: '3', label: 'Incertaine', confirmed: true },
  nonQualifie: { code: '4', label: 'Non qualifié', confirmed: true },
} as const satisfies Record<string, CodeEntry>;
export const QUALIFICATION_VOLUME_LIST: CodeList = Object.values(QUALIFICATIONS_VOLUME);

// --- Statut de l'instruction (code_statut_instruction) -------------------------------------------
export const STATUTS_INSTRUCTION = {
  realise: { code: 'REA', label: 'Prélèvement réalisé', confirmed: true },
  autorise: { code: 'AUT', label: 'Prélèvement autorisé', confirmed: true },
  demande: { code: 'DEM', label: 'Prélèvement demandé', confirmed: true },
} as const satisfies Record<string, CodeEntry>;
export const STATUT_INSTRUCTION_LIST: CodeList = Object.values(STATUTS_INSTRUCTION);

// --- Mode d'obtention du volume (code_mode_obtention_volume) -------------------------------------
// Only MED is confirmed; the other labels were seen in BNPE outputs, their codes are ours.
// `measured` separates metered volumes (arrêté du 19 décembre 2011, art. 3-4) from estimates.
export interface ModeEntry extends CodeEntry { measured: boolean }
export const MODES_OBTENTION = {
  mesureDirecte: { code: 'MED', label: 'Mesure directe', confirmed: true, measured: true },
  mesureIndirecte: { code: 'MEI', label: 'Mesure indirecte', confirmed: false, measured: true },
  volumeMesure: { code: 'MES', label: 'Volume mesuré', confirmed: false, measured: true },
  volumeEstime: { code: 'EST', label: 'Volume estimé', confirmed: false, measured: false },
  volumeForfaitaire: { code: 'FOR', label: 'Volume forfaitaire', confirmed: false, measured: false },
} as const satisfies Record<string, ModeEntry>;
export type ModeKey = keyof typeof MODES_OBTENTION;
export const MODE_OBTENTION_LIST: readonly ModeEntry[] = Object.values(MODES_OBTENTION);
export const MEASURED_MODES: readonly string[] = MODE_OBTENTION_LIST.filter((m) => m.measured).map((m) => m.code);
export const ESTIMATED_MODES: readonly string[] = MODE_OBTENTION_LIST.filter((m) => !m.measured).map((m) => m.code);

// --- Précision des coordonnées (code_precision_coord) --------------------------------------------
// Only 5 is confirmed; 1-4 follow the Sandre precision scale as we understand it.
export const PRECISIONS_COORD = {
  releve: { code: '1', label: 'Coordonnées relevées (précision du mètre)', confirmed: false },
  mesure: { code: '2', label: 'Coordonnées mesurées (précision du décamètre)', confirmed: false },
  etabli: { code: '3', label: "Coordonnées établies (précision de l'hectomètre)", confirmed: false },
  estime: { code: '4', label: 'Coordonnées estimées (précision du kilomètre)', confirmed: false },
  centroide: { code: '5', label: 'Coordonnées du centroïde de la commune', confirmed: true },
} as const satisfies Record<string, CodeEntry>;
export const PRECISION_COORD_LIST: CodeList = Object.values(PRECISIONS_COORD);

// --- Mers et océans (code_mer_ocean), for littoral abstractions: codes are ours ------------------
export const MERS_OCEANS = {
  merDuNord: { code: 'MNO', label: 'Mer du Nord', confirmed: false },
  manche: { code: 'MAN', label: 'Manche', confirmed: false },
  atlantique: { code: 'ATL', label: 'Océan Atlantique', confirmed: false },
  mediterranee: { code: 'MED', label: 'Mer Méditerranée', confirmed: false },
  caraibes: { code: 'CAR', label: 'Mer des Caraïbes', confirmed: false },
  indien: { code: 'OIN', label: 'Océan Indien', confirmed: false },
} as const satisfies Record<string, CodeEntry>;
export type MerKey = keyof typeof MERS_OCEANS;
export const MER_OCEAN_LIST: CodeList = Object.values(MERS_OCEANS);

// --- Producteurs de la donnée: water agencies and overseas offices -------------------------------
// Territories approximated by whole départements (real limits follow catchments and cut some
// départements in two; each is given to the basin holding most of its area).
export interface Producteur extends CodeEntry { departements: readonly string[] }
export const PRODUCTEURS: readonly Producteur[] = [
  {
    code: 'AEAG', label: "Agence de l'eau Adour-Garonne", confirmed: true,
    departements: ['09', '12', '15', '16', '17', '19', '24', '31', '32', '33', '40', '46', '47', '48', '64', '65', '81', '82'],
  },
  { code: 'AEAP', label: "Agence de l'eau Artois-Picardie", confirmed: true, departements: ['59', '62', '80'] },
  {
    code: 'AELB', label: "Agence de l'eau Loire-Bretagne", confirmed: true,
    departements: ['03', '18', '22', '23', '29', '35', '36', '37', '41', '42', '43', '44', '45', '49', '53', '56',
      '58', '63', '72', '79', '85', '86', '87'],
  },
  { code: 'AERM', label: "Agence de l'eau Rhin-Meuse", confirmed: true, departements: ['08', '54', '55', '57', '67', '68', '88'] },
  {
    code: 'AERMC', label: "Agence de l'eau Rhône-Méditerranée-Corse", confirmed: true,
    departements: ['01', '04', '05', '06', '07', '11', '13', '21', '25', '26', '30', '34', '38', '39', '66', '69', '70',
      '71', '73', '74', '83', '84', '90', '2A', '2B'],
  },
  {
    code: 'AESN', label: "Agence de l'eau Seine-Normandie", confirmed: true,
    departements: ['02', '10', '14', '27', '28', '50', '51', '52', '60', '61', '75', '76', '77', '78', '89', '91', '92',
      '93', '94', '95'],
  },
  { code: 'OEGUA', label: "Office de l'eau Guadeloupe", confirmed: true, departements: ['971'] },
  { code: 'OEMAR', label: "Office de l'eau Martinique", confirmed: true, departements: ['972'] },
  { code: 'OEGUY', label: "Office de l'eau Guyane", confirmed: true, departements: ['973'] },
  { code: 'OEREU', label: "Office de l'eau Réunion", confirmed: true, departements: ['974'] },
  { code: 'DEALMAY', label: 'DEAL Mayotte', confirmed: true, departements: ['976'] },
];
export const PRODUCTEUR_LIST: CodeList = PRODUCTEURS;

const PRODUCTEUR_BY_DEP = new Map<string, Producteur>();
for (const p of PRODUCTEURS) for (const d of p.departements) PRODUCTEUR_BY_DEP.set(d, p);

/** Départements covered by the BNPE (metropolitan France and the five DROM). */
export const DEPARTEMENTS_COUVERTS: readonly string[] = [...PRODUCTEUR_BY_DEP.keys()].sort();

export function producteurOfDepartement(dep: string): Producteur | undefined {
  return PRODUCTEUR_BY_DEP.get(dep);
}
