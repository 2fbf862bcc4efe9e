// Hydrographic references: main rivers by département, Sandre-like codes and URIs.
// River names are real; their codes are synthetic but stable (hash of the name) and follow the
// Sandre shapes: cours d'eau and plan d'eau 8 characters, zone hydrographique 4, BD LISA 7.
import type { Commune } from './geo.js';
import { hashString } from './prng.js';

/** Sandre hydrographic region letter of each département (the basin holding most of it). */
const ZONE_LETTER: Record<string, string> = {};
const zones: [string, string][] = [
  ['A', '54 57 67 68 88'], ['B', '08 55'], ['E', '59 62 80'], ['F', '10 52'],
  ['H', '02 27 28 51 60 75 76 77 78 89 91 92 93 94 95'], ['I', '14 50 61'], ['J', '22 29 35 56'],
  ['K', '03 18 23 36 41 42 43 45 58 63'], ['L', '86 87'], ['M', '37 44 49 53 72'], ['N', '79 85'],
  ['O', '09 12 31 32 46 47 48 65 81 82'], ['P', '15 19 24 33'], ['Q', '40 64'], ['R', '16 17'],
  ['U', '21 25 39 70 71 90'], ['V', '01 07 26 38 69 73 74'], ['X', '04 05 13 84'], ['Y', '06 11 30 34 66 83 2A 2B'],
  ['1', '971'], ['2', '972'], ['3', '973'], ['4', '974'], ['6', '976'],
];
for (const [letter, deps] of zones) for (const d of deps.split(' ')) ZONE_LETTER[d] = letter;

export function zoneLetter(dep: string): string {
  return ZONE_LETTER[dep] ?? 'H';
}

export interface River { name: string; letter: string; major: boolean; deps: readonly string[] }

// [name, region letter, major?, départements crossed]
const RAW: [string, string, boolean, string][] = [
  ['LA LOIRE', 'K', true, '43 42 71 03 58 18 45 41 37 49 44'], ["L'ALLIER", 'K', true, '48 43 63 03 58'],
  ['LE CHER', 'K', true, '23 03 18 41 37'], ["L'INDRE", 'K', false, '36 37'], ['LA VIENNE', 'L', true, '87 86 37 19'],
  ['LA CREUSE', 'L', false, '23 36 37 86'], ['LA MAYENNE', 'M', false, '53 49'], ['LA SARTHE', 'M', false, '61 72 49'],
  ['LE LOIR', 'M', false, '28 41 72 49'], ['LA VILAINE', 'J', true, '35 56 44'], ["L'ERDRE", 'M', false, '44'],
  ['LE BLAVET', 'J', false, '22 56'], ["L'AULNE", 'J', false, '29'], ["L'ELORN", 'J', false, '29'], ['LA RANCE', 'J', false, '22 35'],
  ['LE COUESNON', 'J', false, '35'], ['LA SEVRE NIORTAISE', 'N', false, '79 85 17'], ['LA SEVRE NANTAISE', 'M', false, '79 85 44 49'],
  ['LE CLAIN', 'L', false, '86'], ["L'ARNON", 'K', false, '18'], ['LA SIOULE', 'K', false, '63 03'], ['LA DORE', 'K', false, '63'],
  ['LA SEINE', 'H', true, '21 10 77 91 94 75 92 78 95 27 76'], ["L'YONNE", 'H', true, '58 89 77'],
  ['LA MARNE', 'H', true, '52 51 02 77 93 94'], ["L'OISE", 'H', true, '02 60 95'], ["L'AISNE", 'H', false, '51 08 02 60'],
  ["L'AUBE", 'H', false, '52 10'], ["L'EURE", 'H', false, '61 28 27'], ["L'ORNE", 'I', false, '61 14'], ['LA VIRE', 'I', false, '50 14'],
  ['LA TOUQUES', 'I', false, '14'], ["L'ESSONNE", 'H', false, '45 91'], ['LE LOING', 'H', false, '89 45 77'],
  ["L'ARMANCON", 'H', false, '21 89'], ['LA GARONNE', 'O', true, '31 82 47 33'], ['LA DORDOGNE', 'P', true, '63 19 15 46 24 33'],
  ['LE LOT', 'O', true, '48 12 46 47'], ['LE TARN', 'O', true, '48 12 81 82'], ["L'AVEYRON", 'O', false, '12 82 81'],
  ["L'ADOUR", 'Q', true, '65 32 40 64'], ['LA CHARENTE', 'R', true, '87 16 17'], ["L'ARIEGE", 'O', false, '09 31'],
  ['LE GERS', 'O', false, '65 32 47'], ['LA BAISE', 'O', false, '65 32 47'], ['LA VEZERE', 'P', false, '19 24'],
  ["L'ISLE", 'P', false, '87 24 33'], ['LE GAVE DE PAU', 'Q', false, '65 64'], ["LE GAVE D'OLORON", 'Q', false, '64'],
  ['LA BOUTONNE', 'R', false, '79 17'], ['LA SEUDRE', 'R', false, '17'], ["L'AGOUT", 'O', false, '81'], ['LA GIRONDE', 'P', true, '33 17'],
  ['LE RHONE', 'V', true, '74 01 73 38 69 42 07 26 84 30 13'], ['LA SAONE', 'U', true, '88 70 21 71 01 69'],
  ["L'ISERE", 'W', true, '73 38 26'], ['LA DURANCE', 'X', true, '05 04 13 84'], ["L'AIN", 'V', false, '39 01'],
  ['LE DOUBS', 'U', true, '25 39 71'], ['LA DROME', 'V', false, '26'], ["L'ARDECHE", 'V', false, '07 30'], ['LE GARDON', 'V', false, '30'],
  ["L'HERAULT", 'Y', false, '34 30'], ["L'AUDE", 'Y', true, '11 66'], ['LA TET', 'Y', false, '66'], ['LE TECH', 'Y', false, '66'],
  ['LE VAR', 'Y', false, '06 04'], ['LE VERDON', 'X', false, '04 83'], ["L'ARVE", 'V', false, '74'], ['LE DRAC', 'W', false, '05 38'],
  ['LA LOUE', 'U', false, '25 39'], ["L'ORB", 'Y', false, '34'], ['LE VIDOURLE', 'Y', false, '30 34'], ["L'ARGENS", 'Y', false, '83'],
  ['LA SIAGNE', 'Y', false, '06'], ['LA ROYA', 'Y', false, '06'], ["L'ORBIEU", 'Y', false, '11'], ["L'OGNON", 'U', false, '70 25'],
  ['LA BOURBRE', 'V', false, '38'], ['LE TAVIGNANO', 'Y', false, '2B'], ['LE GOLO', 'Y', false, '2B'], ['LE PRUNELLI', 'Y', false, '2A'],
  ['LA GRAVONA', 'Y', false, '2A'], ['LE TARAVO', 'Y', false, '2A'],
  ['LE RHIN', 'A', true, '68 67'], ["L'ILL", 'A', true, '68 67'], ['LA MOSELLE', 'A', true, '88 54 57'], ['LA MEUSE', 'B', true, '52 88 55 08'],
  ['LA MEURTHE', 'A', false, '88 54'], ['LA SARRE', 'A', false, '57 67'], ['LA THUR', 'A', false, '68'], ['LA BRUCHE', 'A', false, '67'],
  ['LA CHIERS', 'B', false, '54 55 08'], ["L'ESCAUT", 'E', true, '02 59'], ['LA SOMME', 'E', true, '02 80'], ['LA LYS', 'E', false, '62 59'],
  ["L'AA", 'E', false, '62 59'], ['LA SCARPE', 'E', false, '62 59'], ['LA CANCHE', 'E', false, '62'], ["L'AUTHIE", 'E', false, '62 80'],
  ['LA SAMBRE', 'E', false, '59 02'],
  ['LA GRANDE RIVIERE A GOYAVES', '1', true, '971'], ['LA RIVIERE DU GRAND CARBET', '1', false, '971'],
  ['LA RIVIERE LEZARDE', '2', true, '972'], ['LA RIVIERE CAPOT', '2', false, '972'],
  ['LE MARONI', '3', true, '973'], ["L'OYAPOCK", '3', false, '973'], ['LA COMTE', '3', false, '973'], ['LE MAHURY', '3', false, '973'],
  ['LA RIVIERE DES GALETS', '4', true, '974'], ['LA RIVIERE SAINT-ETIENNE', '4', true, '974'], ["LA RIVIERE DE L'EST", '4', false, '974'],
  ['LA RIVIERE DES MARSOUINS', '4', false, '974'], ['LA RIVIERE OUROVENI', '6', false, '976'], ['LA RIVIERE DOUJANI', '6', false, '976'],
];

export const RIVERS: readonly River[] = RAW.map(([name, letter, major, deps]) => ({ name, letter, major, deps: deps.split(' ') }));

const BY_DEP = new Map<string, River[]>();
for (const r of RIVERS) for (const d of r.deps) BY_DEP.set(d, [...(BY_DEP.get(d) ?? []), r]);
const BY_NAME = new Map(RIVERS.map((r) => [r.name, r]));

export function riversOf(dep: string): readonly River[] {
  return BY_DEP.get(dep) ?? [];
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Code of a named river: major rivers get the short "X---0000" form of main streams. */
export function riverCode(name: string, dep: string): string {
  const r = BY_NAME.get(name);
  const letter = r?.letter ?? zoneLetter(dep);
  const h = hashString(name);
  return r?.major ? `${letter}---${pad(h % 10000, 4)}` : `${letter}${h % 10}--${pad((h >>> 8) % 10000, 4)}`;
}

/** Code of an unnamed small stream, stable for a commune and a draw. */
export function streamCode(commune: Commune, k: number): string {
  return `${zoneLetter(commune.dep)}${pad(hashString(`${commune.code}/${k}`) % 10000000, 7)}`;
}

export function planEauCode(commune: Commune, k: number): string {
  return `${zoneLetter(commune.dep)}${pad(hashString(`PE${commune.code}/${k}`) % 1000, 3)}5${pad(k % 1000, 3)}`;
}

/** Cell of about `km` kilometres around a commune: neighbouring communes share zones and aquifers. */
function cell(c: Commune, km: number): number {
  const step = km / 111;
  return hashString(`${Math.floor(c.lon / step)}:${Math.floor(c.lat / step)}`);
}

export function zoneHydroCode(c: Commune): string {
  return `${zoneLetter(c.dep)}${pad(cell(c, 18) % 1000, 3)}`;
}

export function bdlisaCode(c: Commune): string {
  const h = cell(c, 35);
  const letters = String.fromCharCode(65 + (h % 26), 65 + ((h >>> 5) % 26));
  return `${pad(100 + ((h >>> 10) % 900), 3)}${letters}${pad((h >>> 20) % 100, 2)}`;
}

export const URI = {
  coursEau: (code: string) => `https://id.eaufrance.fr/CoursEau_Carthage2017/${code}`,
  planEau: (code: string) => `https://id.eaufrance.fr/PlanEau/${code}`,
  zoneHydro: (code: string) => `https://id.eaufrance.fr/ZoneHydro_Carthage2017/${code}`,
  bdlisa: (code: string) => `https://id.eaufrance.fr/EntiteHydroGeol/${code}`,
  bss: (code: string) => `http://services.ades.eaufrance.fr/pointeau/${code}`,
  ouvrage: (code: string) => `https://id.eaufrance.fr/OuvragePrel/${code}`,
};
