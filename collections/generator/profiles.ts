// Kinds of ouvrages: where they are (weights over communes), how many, which usage, resource,
// measurement and volume spread. Counts are for scale 1 (≈ 130,000 ouvrages, like the real BNPE).
import type { MilieuKey, ModeKey, UsageKey } from '../codelists.js';
import { NATIONAL_TOTALS, YEAR_FACTORS, type YearModel } from './calibration.js';
import type { Commune } from './geo.js';
import type { Rng } from './prng.js';
import { COOLING_SITES, CANAL_SITES, HYDRO_SITES, PORT_COMMUNES, type Site } from './sites.js';

export type ProfileId = keyof typeof NATIONAL_TOTALS;

export interface Profile {
  id: ProfileId;
  usage: UsageKey;
  /** Ouvrages at scale 1; site profiles use their sites in turn. */
  count: number;
  sites?: readonly Site[];
  /** Relative number of ouvrages per commune (weighted profiles). */
  weight?: (c: Commune) => number;
  /** Weights normalised within each département to this share of the profile (regional profiles). */
  depShare?: Record<string, number>;
  /** Relative mean volume of an ouvrage of this commune. */
  volumeFactor?: (c: Commune) => number;
  /** Log-normal spread of base volumes (above the fee threshold) across ouvrages, and of one year around the base. */
  sigma: number;
  /** Spread for a given commune when it differs from sigma. */
  sigmaOf?: (c: Commune) => number;
  yearSigma: number;
  yearFactor: (y: number) => number;
  years: YearModel;
  milieu: (c: Commune, rng: Rng) => MilieuKey;
  modes: Partial<Record<ModeKey, number>>;
  /** Probabilities of 1, 2, 3 points. */
  points: readonly [number, number, number];
  secondary?: { usage: UsageKey; p: number; share: readonly [number, number] };
}

const deps = (s: string): string[] => s.split(' ');
const inDeps = (list: string) => { const set = new Set(deps(list)); return (d: string) => set.has(d); };
const shares = (spec: [number, string][]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [w, list] of spec) for (const d of deps(list)) out[d] = w;
  return out;
};

const BRETAGNE = inDeps('22 29 35 56');
const DROM = inDeps('971 972 973 974 976');
const BEAUCE = inDeps('28 45 41');
const ALSACE = inDeps('67 68');
const POITOU = inDeps('79 86 17 16 85');
const SUD_OUEST = inDeps('40 32 47 82 31 64 65 33 24 46 81 09');
/** Gravity irrigation by canals (Crau, Durance, Roussillon, Corsica): few ouvrages, large volumes. */
const GRAVITAIRE = inDeps('13 84 04 05 66 2B');
const MEDITERRANEE = inDeps('26 30 34 11 06 83 2A');

/** Relative share of irrigation ouvrages by département (irrigated area, roughly). */
const IRR_SHARE = shares([
  [10, '40'], [8, '47 28 45'], [7, '32 17 13 84 68 86'], [6, '82 79 26'], [5, '31 64 16 41 85'],
  [4, '33 36 18 37 30 67 66'], [3, '65 24 81 49 77 51 34 04 38 2B 974'], [2, '46 09 11 44 72 91 10 60 80 02 05 83 01 63 971 07'],
  [1.5, '62 972'], [1, '12 59 21 69 71 03 42 06 2A 89 58 95 78'],
  [0.7, '22 29 35 56 27 76 14 61 50 53 52 70 25 39 90 43 87 54 55 57 88 08 73 74 19 23 15 48 976 973 92 93 94 75'],
]);
/** Relative share of small hydroelectric plants by département (mountains, then hilly areas). */
const HYDRO_SHARE = shares([
  [10, '73'], [8, '38'], [6, '74 05 65'], [5, '09'], [4, '04 06 64 66'], [3, '31 15 19 12'],
  [2, '63 43 48 2A 2B 39 07 81 974'], [1, '88 68 25 01 26 11 87 23 29 22 56 70 90 71 42 46 30 34 83 971 972 973'],
]);
/** Industrial intensity beyond population (chemistry, steel, paper, agri-food). */
const IND_BOOST = shares([[2.5, '59 76 13 57 38 69'], [1.8, '62 54 68 67 60 02 51 10 27 44 64 01 42 25 88 80']]);

const rural = (scale: number) => (c: Commune) => 1 / (1 + c.population / scale);

export const PROFILES: readonly Profile[] = [
  {
    id: 'aep', usage: 'eauPotable', count: 42_000,
    // Counts grow as √population: big cities draw from a few large intakes (all stacked on the
    // centroid), the countryside from many small sources; the volume factor restores volumes
    // proportional to population (85 m³/inhabitant/year).
    weight: (c) => Math.sqrt(c.population + 50),
    volumeFactor: (c) => Math.sqrt(c.population + 50),
    sigma: 1.6, yearSigma: 0.06, yearFactor: YEAR_FACTORS.aep,
    // City intakes are sized for their population: less spread than village sources.
    sigmaOf: (c) => 1.6 / Math.pow(1 + c.population / 50_000, 0.3),
    years: { pOld: 0.8, pClosed: 0.15, early: [0.35, 0.4, 0.45, 0.55], full: 0.95 },
    milieu: (c, rng) => {
      const cont = BRETAGNE(c.dep) ? 0.6 : DROM(c.dep) ? 0.5 : c.population > 100_000 ? 0.5 : 0.15;
      return rng.chance(cont) ? 'continental' : 'souterrain';
    },
    modes: { mesureDirecte: 0.78, mesureIndirecte: 0.08, volumeMesure: 0.05, volumeEstime: 0.06, volumeForfaitaire: 0.03 },
    points: [0.72, 0.19, 0.09],
    secondary: { usage: 'industrie', p: 0.04, share: [0.05, 0.25] },
  },
  {
    id: 'irr', usage: 'irrigation', count: 68_500,
    depShare: IRR_SHARE,
    weight: (c) => {
      let w = rural(3000)(c);
      if (ALSACE(c.dep)) w *= c.lon > (c.dep === '68' ? 7.3 : 7.5) ? 3 : 0.25; // the Rhine plain, not the Vosges
      if (c.dep === '45' && c.lat > 47.95 && c.lon < 2.4) w *= 2; // Beauce loirétaine
      if (c.dep === '13' && c.lon < 5.1 && c.lat > 43.45) w *= 2.5; // Crau and Alpilles
      return w;
    },
    volumeFactor: (c) => (GRAVITAIRE(c.dep) ? 3.5 : SUD_OUEST(c.dep) ? 1.4 : BEAUCE(c.dep) ? 1.1 : 1),
    sigma: 1.8, yearSigma: 0.3, yearFactor: YEAR_FACTORS.irr,
    years: { pOld: 0.5, pClosed: 0.35, early: [0.3, 0.35, 0.4, 0.5], full: 0.84 },
    milieu: (c, rng) => {
      const sout = BEAUCE(c.dep) ? 0.95 : ALSACE(c.dep) ? 0.97 : POITOU(c.dep) ? 0.7 : SUD_OUEST(c.dep) ? 0.35
        : GRAVITAIRE(c.dep) || MEDITERRANEE(c.dep) ? 0.3 : DROM(c.dep) ? 0.2 : 0.6;
      return rng.chance(sout) ? 'souterrain' : 'continental';
    },
    modes: { mesureDirecte: 0.4, volumeMesure: 0.1, mesureIndirecte: 0.03, volumeEstime: 0.25, volumeForfaitaire: 0.22 },
    points: [0.85, 0.12, 0.03],
    secondary: { usage: 'industrie', p: 0.03, share: [0.1, 0.4] },
  },
  {
    id: 'ind', usage: 'industrie', count: 17_300,
    weight: (c) => Math.pow(c.population + 200, 0.9) * (IND_BOOST[c.dep] ?? 1),
    sigma: 2.1, yearSigma: 0.2, yearFactor: YEAR_FACTORS.ind,
    years: { pOld: 0.6, pClosed: 0.3, early: [0.35, 0.4, 0.45, 0.55], full: 0.9 },
    milieu: (_c, rng) => (rng.chance(0.55) ? 'souterrain' : 'continental'),
    modes: { mesureDirecte: 0.72, mesureIndirecte: 0.1, volumeMesure: 0.05, volumeEstime: 0.09, volumeForfaitaire: 0.04 },
    points: [0.75, 0.17, 0.08],
    secondary: { usage: 'eauPotable', p: 0.03, share: [0.05, 0.2] },
  },
  {
    id: 'indPort', usage: 'industrie', count: 400,
    weight: (() => {
      const big = new Set(['59183', '76351', '13039', '13056', '76305']);
      const ports = new Set(PORT_COMMUNES.map((p) => p.commune));
      return (c: Commune) => (ports.has(c.code) ? (big.has(c.code) ? 3 : 1) : 0);
    })(),
    sigma: 1.4, yearSigma: 0.15, yearFactor: YEAR_FACTORS.ind,
    years: { pOld: 0.75, pClosed: 0.2, early: [0.35, 0.4, 0.45, 0.55], full: 0.93 },
    milieu: () => 'littoral',
    modes: { mesureDirecte: 0.75, mesureIndirecte: 0.15, volumeEstime: 0.1 },
    points: [0.6, 0.3, 0.1],
  },
  {
    id: 'eneSmall', usage: 'energie', count: 200,
    weight: (c) => Math.pow(c.population + 500, 0.8),
    sigma: 1.2, yearSigma: 0.15, yearFactor: YEAR_FACTORS.ene,
    years: { pOld: 0.45, pClosed: 0.2, early: [0.35, 0.4, 0.45, 0.55], full: 0.92 },
    milieu: (_c, rng) => (rng.chance(0.5) ? 'souterrain' : 'continental'),
    modes: { mesureDirecte: 0.7, mesureIndirecte: 0.2, volumeEstime: 0.1 },
    points: [0.8, 0.15, 0.05],
  },
  {
    id: 'cooling', usage: 'energie', count: COOLING_SITES.length, sites: COOLING_SITES,
    sigma: 0, yearSigma: 0.06, yearFactor: YEAR_FACTORS.ene,
    years: { pOld: 1, pClosed: 0, early: [0.6, 0.7, 0.8, 0.9], full: 1 },
    milieu: () => 'continental',
    modes: { mesureDirecte: 0.75, mesureIndirecte: 0.25 },
    points: [0.3, 0.4, 0.3],
  },
  {
    id: 'canal', usage: 'canaux', count: CANAL_SITES.length * 3, sites: CANAL_SITES,
    sigma: 0.4, yearSigma: 0.15, yearFactor: YEAR_FACTORS.can,
    years: { pOld: 1, pClosed: 0, early: [0.3, 0.35, 0.4, 0.5], full: 0.95 },
    milieu: () => 'continental',
    modes: { mesureDirecte: 0.3, volumeEstime: 0.4, volumeForfaitaire: 0.3 },
    points: [0.8, 0.15, 0.05],
    secondary: { usage: 'irrigation', p: 0.15, share: [0.2, 0.5] },
  },
  {
    id: 'hydroBig', usage: 'eauTurbinee', count: HYDRO_SITES.length, sites: HYDRO_SITES,
    sigma: 0, yearSigma: 0.05, yearFactor: YEAR_FACTORS.tur,
    years: { pOld: 1, pClosed: 0, early: [0.5, 0.6, 0.7, 0.8], full: 1 },
    milieu: () => 'continental',
    modes: { mesureIndirecte: 0.65, mesureDirecte: 0.15, volumeEstime: 0.2 },
    points: [0.6, 0.3, 0.1],
  },
  {
    id: 'hydroSmall', usage: 'eauTurbinee', count: 1_200,
    depShare: HYDRO_SHARE,
    weight: rural(1500),
    sigma: 1.5, yearSigma: 0.12, yearFactor: YEAR_FACTORS.tur,
    years: { pOld: 0.8, pClosed: 0.1, early: [0.3, 0.35, 0.4, 0.5], full: 0.9 },
    milieu: () => 'continental',
    modes: { mesureIndirecte: 0.65, mesureDirecte: 0.15, volumeEstime: 0.2 },
    points: [0.85, 0.12, 0.03],
  },
];

export const PROFILE_INDEX = new Map(PROFILES.map((p, k) => [p.id, k]));
