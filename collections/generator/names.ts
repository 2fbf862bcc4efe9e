// Names in the BNPE style: upper case, no accents, built from lieux-dits, communes and rivers.
import type { Rng } from './prng.js';

const LIEUX_DITS: readonly string[] = [
  'LE BOURG', 'LES PRES', 'LA FONTAINE', 'LES GRANDS CHAMPS', 'LE MOULIN', 'LA PRAIRIE', 'LES SABLES', 'LA GARENNE',
  'LES VIGNES', 'LE PONT', 'LA CROIX', 'LES ESSARTS', 'LE CHATEAU', 'LA FERME', 'LES NOUES', 'LE GUE', 'LA BROSSE',
  'LES GRAVIERS', 'LE PATIS', 'LA COMBE', 'LES VERNES', "L'ILE", 'LA PLAINE', 'LES COTEAUX', 'LE VIVIER', 'LA LANDE',
  'LES BRUYERES', 'LE PLESSIS', 'LA MOTTE', 'LES ROCHES', 'LE PUITS', 'LA SOURCE', 'LES SAULES', 'LE MARAIS',
  'LA VALLEE', 'LES TERRES NOIRES', 'LE COUDRAY', 'LA BORDE', 'LES AULNAIES', 'LE FOUR A CHAUX', 'LA GRANDE PIECE',
  'LES ROUGES TERRES', 'LE CLOS', 'LA REMISE', 'LES BAS PRES', 'LE BREUIL', 'LA SAUSSAIE', 'LES TAILLES', 'LE GRAND PRE',
  'LA COUTURE', 'LES HAUTES BORNES', 'LE MESNIL', 'LA HAIE', 'LE CHAMP DU PUITS', 'LES PLANTES',
];
// Regional toponymy, by région code (COG): Breton, Occitan/Provençal, Corsican, Creole.
const REGIONAL: Record<string, readonly string[]> = {
  '53': ['KERVERN', 'KERLOUAN', 'LE STANG', 'PEN AR VERN', 'KERGOAT', 'LE LENN', 'PARC AR FEUNTEUN'],
  '76': ['LA VAYSSE', 'LE CAUSSE', 'LA BARTHE', 'LE TUC', 'LA SAGNE', 'LE MAS', 'LA BORIE', 'LES CAMPS', 'LA SERRE'],
  '75': ['LA BARTHE', 'LE TUC', 'LE BARRAIL', 'LA LAGUNE', 'LA LANDE', 'LE BOURDIEU', 'LA PALUE'],
  '93': ['LE MAS', 'LA BASTIDE', 'LES ISCLES', 'LA PALUD', 'LE CLOT', 'LES ESCOURS', 'LA BAUME', "L'ADRECH", 'LE PLAN'],
  '94': ['U PIANU', 'A FUNTANA', 'U MULINU', 'LA MARINE', 'CASABIANCA'],
  '01': ['HABITATION BELLEVUE', 'LA RAVINE', 'FOND CAFE', 'MORNE ROUGE'],
  '02': ['HABITATION BELLEVUE', 'LA RAVINE', 'FOND CAFE', 'MORNE ROUGE'],
  '03': ['LA CRIQUE', 'LE DEGRAD', 'MONTSINERY', 'SAVANE'],
  '04': ['LA RAVINE', "L'ETANG", 'LE BRULE', 'BOIS DE NEFLES', 'LE PITON'],
  '06': ['MOUHOU', 'LA RAVINE', 'MOUROUNI'],
};

/** A lieu-dit, regional one time in three where the région has its own toponymy. */
export function lieuDit(rng: Rng, region: string): string {
  const local = REGIONAL[region];
  return local && rng.chance(0.35) ? rng.pick(local) : rng.pick(LIEUX_DITS);
}

const FORMES = ['SA', 'SAS', 'SARL', 'SNC', 'SCA'];
const ACTIVITES = [
  'LAITERIE', 'FROMAGERIE', 'SUCRERIE', 'PAPETERIE', 'DISTILLERIE', 'ABATTOIR', 'CONSERVERIE', 'BLANCHISSERIE',
  'TANNERIE', 'CARRIERE', 'SABLIERE', 'BRASSERIE', 'MALTERIE', 'AMIDONNERIE', 'FONDERIE', 'CIMENTERIE', 'VERRERIE',
  'TEINTURERIE', 'SCIERIE', 'USINE CHIMIQUE', 'EMBOUTEILLAGE', 'STATION DE LAVAGE DE LEGUMES', 'GOLF',
  'CENTRE THERMAL', 'DOMAINE SKIABLE', 'PISCICULTURE',
];
const PORT_ACTIVITES = ['RAFFINERIE', 'SITE PETROCHIMIQUE', 'ACIERIE', 'TERMINAL METHANIER', 'USINE CHIMIQUE', 'CHANTIER NAVAL'];
const EXPLOITATIONS = ['EARL', 'GAEC', 'SCEA', 'SCEA DU DOMAINE'];

const pick = <T>(rng: Rng, items: readonly T[]): T => rng.pick(items);

/** "DE X", "D'X", "DU X" for a place name. */
export function de(name: string): string {
  if (/^LE /.test(name)) return `DU ${name.slice(3)}`;
  if (/^LES /.test(name)) return `DES ${name.slice(4)}`;
  if (/^[AEIOUYH]/.test(name) || name.startsWith("L'")) return name.startsWith("L'") ? `DE ${name}` : `D'${name}`;
  return `DE ${name}`;
}

export function aepSoutName(rng: Rng, commune: string, lieu: string, urban: boolean): string {
  if (urban) {
    // Town wells are numbered fields, not village sources.
    switch (rng.int(3)) {
      case 0: return `CHAMP CAPTANT ${de(commune)} - F${1 + rng.int(12)}`;
      case 1: return `FORAGE F${1 + rng.int(12)} ${lieu}`;
      default: return `PUITS ${de(commune)} P${1 + rng.int(8)}`;
    }
  }
  switch (rng.int(9)) {
    case 0: return 'FORAGE DU BOURG';
    case 1: return `FORAGE ${lieu}`;
    case 2: return `FORAGE F${1 + rng.int(4)} ${lieu}`;
    case 3: return `PUITS ${lieu}`;
    case 4: return `SOURCE ${de(lieu)}`;
    case 5: return `CAPTAGE ${lieu}`;
    case 6: return `CHAMP CAPTANT ${de(commune)}`;
    case 7: return `COMMUNE ${de(commune)}`;
    default: return `SIAEP ${de(commune)} - ${lieu}`;
  }
}

export function aepContName(rng: Rng, commune: string, river: string, lieu: string): string {
  switch (rng.int(5)) {
    case 0: return `PRISE D'EAU RIVIERE ${river}`;
    case 1: return `STATION DE POMPAGE ${de(commune)}`;
    case 2: return `USINE DE TRAITEMENT ${de(commune)}`;
    case 3: return `PRISE D'EAU ${lieu}`;
    default: return `COMMUNE ${de(commune)}`;
  }
}

export function irrName(rng: Rng, milieu: 'SOUT' | 'CONT', commune: string, river: string, lieu: string, gravity: boolean): string {
  if (gravity && rng.chance(0.6)) return rng.chance(0.5) ? `ASA DU CANAL ${de(commune)}` : `CANAL D'ARROSAGE ${de(lieu)}`;
  if (milieu === 'SOUT') {
    switch (rng.int(6)) {
      case 0: return `FORAGE ${lieu}`;
      case 1: return `FORAGE AGRICOLE ${lieu}`;
      case 2: return `PUITS ${lieu}`;
      case 3: return `FORAGE IRRIGATION ${de(commune)}`;
      default: return `${pick(rng, EXPLOITATIONS)} ${de(lieu)}`;
    }
  }
  switch (rng.int(5)) {
    case 0: return `POMPAGE RIVIERE ${river}`;
    case 1: return `PRISE D'EAU ${river}`;
    case 2: return `STATION DE POMPAGE ${lieu}`;
    case 3: return `ASA D'IRRIGATION ${de(commune)}`;
    default: return `${pick(rng, EXPLOITATIONS)} ${de(lieu)}`;
  }
}

export function retenueName(rng: Rng, lieu: string): string {
  return rng.chance(0.5) ? `RETENUE COLLINAIRE ${lieu}` : `LAC ${de(lieu)}`;
}

export function indName(rng: Rng, commune: string, lieu: string, port: boolean): string {
  const forme = pick(rng, FORMES);
  if (port) return `${forme} ${pick(rng, PORT_ACTIVITES)} ${de(commune)}`;
  switch (rng.int(10)) {
    case 0: return `FORAGE USINE ${lieu}`;
    case 1: return `ZONE INDUSTRIELLE ${de(commune)}`;
    default: return `${forme} ${pick(rng, ACTIVITES)} ${de(commune)}`;
  }
}

export function energieName(rng: Rng, commune: string): string {
  return `${pick(rng, ['CENTRALE BIOMASSE', 'CHAUFFERIE BOIS', 'RESEAU DE CHALEUR', 'CENTRALE DE COGENERATION', 'GEOTHERMIE'])} ${de(commune)}`;
}

export function hydroName(rng: Rng, commune: string, lieu: string): string {
  switch (rng.int(4)) {
    case 0: return `MICROCENTRALE ${lieu}`;
    case 1: return `CENTRALE HYDROELECTRIQUE ${de(commune)}`;
    case 2: return `MOULIN ${de(lieu)}`;
    default: return `PRISE D'EAU USINE ${de(commune)}`;
  }
}

/** Name of a point of an ouvrage with several points (wells of a field, pumps of an intake). */
export function pointName(ouvrageName: string, milieu: string, j: number, n: number): string {
  if (n === 1) return ouvrageName;
  return `${ouvrageName} - ${milieu === 'SOUT' ? 'F' : 'P'}${j + 1}`;
}
