// One ouvrage as a pure function of (plan, index): its place, resource, name, life and usages.
// Points and chroniques regenerate it on the fly instead of keeping it in memory.
import { MERS_OCEANS, MODES_OBTENTION, STATUTS_INSTRUCTION, type MerKey, type MilieuKey, type ModeKey, type UsageKey } from '../codelists.js';
import { FEE_THRESHOLD, FEE_THRESHOLD_ZRE, FIRST_YEAR, LAST_YEAR, ZRE_DEPARTEMENTS } from './calibration.js';
import { communes, offsetKm, type Commune } from './geo.js';
import { bdlisaCode, planEauCode, riverCode, riversOf, streamCode } from './hydro.js';
import * as names from './names.js';
import { siteOf, type Plan } from './plan.js';
import { hashInts, normalQuantile, Rng } from './prng.js';
import { PROFILES, type Profile } from './profiles.js';
import { PORT_COMMUNES, type Site } from './sites.js';

export interface UsagePlan {
  usage: UsageKey;
  /** Mean annual volume of this usage (m³). */
  base: number;
  mode: ModeKey;
  /** Flat-rate unit for "volume forfaitaire" (inhabitant, hectare, canal length…), in m³. */
  unit: number;
}

export interface Core {
  index: number;
  code: string;
  name: string;
  commune: Commune;
  lon: number;
  lat: number;
  precision: string;
  profile: Profile;
  site: Site | null;
  milieu: MilieuKey;
  river: { name: string; code: string } | null;
  planEau: string | null;
  nonReferencee: boolean | null;
  nonReferenceeInfo: string | null;
  mer: string | null;
  bdlisa: string | null;
  lieuDit: string;
  firstYear: number;
  lastYear: number;
  dateDebut: string;
  dateFin: string | null;
  nPoints: number;
  usages: UsagePlan[];
  ecrasant: boolean;
  instruction: string;
  threshold: number;
  idLocal: string | null;
  commentaire: string | null;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
export const ouvrageCode = (i: number, bit: number): string => `OPR${pad(2 * i + 1 + bit, 10)}`;
export const pointCode = (i: number, j: number): string => `PTP${pad(3 * i + j + 1, 15)}`;

export function randomDate(rng: Rng, year: number): string {
  return `${year}-${pad(1 + rng.int(12), 2)}-${pad(1 + rng.int(28), 2)}`;
}

function pickKey<K extends string>(rng: Rng, weights: Partial<Record<K, number>>): K {
  const keys = Object.keys(weights) as K[];
  return keys[rng.weighted(keys.map((k) => weights[k]!))];
}

const PRECISIONS = { '1': 0.35, '2': 0.3, '3': 0.15, '4': 0.1, '5': 0.1 };
const NON_REFERENCEE = ['SOURCE NON REFERENCEE', 'RUISSEAU NON REFERENCE', 'FOSSE DE DRAINAGE', 'RESURGENCE', 'BRAS MORT'];
const COMMENTAIRES = [
  'Compteur remplacé', 'Prélèvement saisonnier', 'Forage de secours', 'Ancien puits communal', 'Volume déclaré par le préleveur',
  'Ouvrage partagé avec une commune voisine', 'Régularisation administrative en cours',
];
const PORT_MER = new Map(PORT_COMMUNES.map((p) => [p.commune, p.mer]));
const PLAN_EAU_P: Partial<Record<Profile['id'], number>> = { aep: 0.15, irr: 0.15, hydroSmall: 0.1 };
const SUD_OUEST = new Set('40 32 47 82 31 64 65 33 24 46 81 09 16 17'.split(' '));
const GRAVITAIRE = new Set('13 84 04 05 66 2B'.split(' '));

export function ouvrageCore(plan: Plan, i: number): Core {
  const rng = new Rng(hashInts(plan.seed, i, 1));
  const profileIndex = plan.profile[i];
  const profile = PROFILES[profileIndex];
  const commune = communes()[plan.commune[i]];
  const placed = profile.sites ? siteOf(plan, profileIndex, plan.slot[i]) : null;
  const site = placed?.site ?? null;
  const code = ouvrageCode(i, rng.int(2));

  // Position: drinking water deliberately at the commune centroid (precision 5, as in the BNPE).
  let precision: string;
  let lon = commune.lon;
  let lat = commune.lat;
  if (profile.id === 'aep') precision = '5';
  else if (site) precision = rng.chance(0.6) ? '1' : '2';
  else precision = pickKey(rng, PRECISIONS);
  if (precision !== '5') {
    const km = site ? rng.range(0.3, 2) : precision === '4' ? rng.range(0.5, 5) : 4 * Math.sqrt(rng.next());
    [lon, lat] = offsetKm(lon, lat, km, rng.range(0, 2 * Math.PI));
  }

  const milieu: MilieuKey = site ? site.milieu : profile.milieu(commune, rng);
  const lieuDit = names.lieuDit(rng, commune.region);

  // Resource: river, reservoir or sea for surface water, aquifer for groundwater.
  let river: Core['river'] = null;
  let planEau: string | null = null;
  let nonReferencee: boolean | null = null;
  let nonReferenceeInfo: string | null = null;
  let mer: MerKey | null = null;
  if (milieu === 'continental') {
    nonReferencee = false;
    const pPlan = (PLAN_EAU_P[profile.id] ?? 0) * (profile.id === 'irr' && SUD_OUEST.has(commune.dep) ? 3 : 1);
    const rivers = riversOf(commune.dep);
    if (site?.river) river = { name: site.river, code: riverCode(site.river, commune.dep) };
    else if (rng.chance(pPlan)) planEau = planEauCode(commune, rng.int(40));
    else if (rivers.length > 0 && rng.chance(0.55)) {
      const r = rivers[rng.weighted(rivers.map((x) => (x.major ? 3 : 1)))];
      river = { name: r.name, code: riverCode(r.name, commune.dep) };
    } else if (rng.chance(0.8)) {
      river = { name: `LE RUISSEAU ${names.de(lieuDit)}`, code: streamCode(commune, rng.int(30)) };
    } else if (rng.chance(0.6)) {
      nonReferencee = true;
      nonReferenceeInfo = rng.pick(NON_REFERENCEE);
    }
  } else if (milieu === 'littoral') {
    mer = site?.mer ?? PORT_MER.get(commune.code) ?? 'manche';
  }
  const bdlisa = milieu === 'souterrain' && rng.chance(0.8) ? bdlisaCode(commune) : null;

  const name = ouvrageName(rng, profile, site, placed?.repeat ?? 0, milieu, commune, river?.name ?? null, planEau !== null, lieuDit);

  // Life: before 2008 or opened later; some stop before 2023.
  const m = profile.years;
  const old = site ? true : rng.chance(m.pOld);
  const firstYear = site?.from ?? (old ? FIRST_YEAR : FIRST_YEAR + 1 + rng.int(LAST_YEAR - FIRST_YEAR));
  const closed = site ? site.to !== undefined : firstYear < LAST_YEAR && rng.chance(m.pClosed);
  const lastYear = site?.to ?? (closed ? firstYear + rng.int(LAST_YEAR - firstYear) : LAST_YEAR);
  let dateDebut: string;
  if (firstYear > FIRST_YEAR) dateDebut = randomDate(rng, firstYear - (rng.chance(0.3) ? 1 : 0));
  else if (rng.chance(site ? 0.1 : 0.35)) dateDebut = '1900-01-01'; // Hub'Eau placeholder for "unknown"
  else {
    const y = site ? 1960 + rng.int(41) : FIRST_YEAR - 1 - Math.floor(57 * rng.next() ** 2);
    dateDebut = rng.chance(0.45) ? `${y}-01-01` : randomDate(rng, y);
  }
  const dateFin = closed && rng.chance(0.8) ? randomDate(rng, lastYear) : null;

  const nPoints = 1 + rng.weighted(profile.points);
  const threshold = ZRE_DEPARTEMENTS.has(commune.dep) ? FEE_THRESHOLD_ZRE : FEE_THRESHOLD;
  const factor = site ? site.weight : profile.volumeFactor ? profile.volumeFactor(commune) : 1;
  // Stratified log-normal draw: the ranks of a profile cover all quantiles, so national totals
  // hold even at small scales despite heavy tails.
  const { stride, offset } = plan.strata[profileIndex];
  const n = plan.counts[profileIndex];
  const z = normalQuantile(((plan.slot[i] * stride + offset) % n + rng.next()) / n);
  const sigma = profile.sigmaOf ? profile.sigmaOf(commune) : profile.sigma;
  const usages = usagePlans(rng, profile, plan.volumeConstant[profileIndex] * factor, threshold, sigma * z, sigma);

  const instruction = pickKey(rng, { realise: 0.965, autorise: 0.025, demande: 0.01 });
  return {
    index: i, code, name, commune, lon, lat, precision, profile, site, milieu, river, planEau, nonReferencee,
    nonReferenceeInfo, mer: mer ? MERS_OCEANS[mer].code : null, bdlisa, lieuDit, firstYear, lastYear, dateDebut, dateFin,
    nPoints, usages, ecrasant: !site && rng.chance(0.005), instruction: STATUTS_INSTRUCTION[instruction].code, threshold,
    idLocal: rng.chance(0.9) ? `${commune.dep.padStart(3, '0')}${pad(rng.int(1_000_000), 6)}` : null,
    commentaire: closed && rng.chance(0.3) ? `Ouvrage abandonné en ${lastYear}` : rng.chance(0.04) ? rng.pick(COMMENTAIRES) : null,
  };
}

function ouvrageName(
  rng: Rng, profile: Profile, site: Site | null, repeat: number, milieu: MilieuKey, commune: Commune,
  river: string | null, reservoir: boolean, lieu: string,
): string {
  if (site) return repeat > 0 ? `${site.name} - PRISE ${repeat + 1}` : site.name;
  const town = commune.upper;
  const water = river ?? 'NON REFERENCEE';
  switch (profile.id) {
    case 'aep':
      if (reservoir) return `RETENUE ${names.de(lieu)}`;
      return milieu === 'souterrain' ? names.aepSoutName(rng, town, lieu, commune.population > 20_000) : names.aepContName(rng, town, water, lieu);
    case 'irr':
      if (reservoir) return names.retenueName(rng, lieu);
      return names.irrName(rng, milieu === 'souterrain' ? 'SOUT' : 'CONT', town, water, lieu, GRAVITAIRE.has(commune.dep));
    case 'ind':
    case 'indPort':
      return names.indName(rng, town, lieu, profile.id === 'indPort');
    case 'eneSmall':
      return names.energieName(rng, town);
    default:
      return names.hydroName(rng, town, lieu);
  }
}

function forfaitUnit(rng: Rng, usage: UsageKey): number {
  switch (usage) {
    case 'eauPotable': return 85; // m³/inhabitant/year
    case 'irrigation': return rng.chance(0.7) ? 4000 : 3000; // m³/ha/year, sprinkling or other
    case 'canaux': return 154_000; // 1.54 Mm³/km/year, by 100 m
    default: return 1000;
  }
}

function usagePlans(rng: Rng, profile: Profile, mean: number, threshold: number, x: number, sigma: number): UsagePlan[] {
  // Threshold plus a log-normal excess (x ~ N(0, sigma²)): heavy-tailed, no pile-up at the fee threshold, same mean.
  let base = sigma > 0 ? threshold + Math.max(mean - threshold, 0.2 * threshold) * Math.exp(x - (sigma * sigma) / 2) : mean;
  const mode = pickKey(rng, profile.modes);
  const out: UsagePlan[] = [{ usage: profile.usage, base, mode, unit: forfaitUnit(rng, profile.usage) }];
  const sec = profile.secondary;
  if (sec && rng.chance(sec.p)) {
    const share = rng.range(sec.share[0], sec.share[1]);
    if (base * share > 1.5 * threshold && base * (1 - share) > 1.5 * threshold) {
      const secMode: ModeKey = rng.chance(0.8) ? mode : pickKey(rng, profile.modes);
      out.push({ usage: sec.usage, base: base * share, mode: secMode, unit: forfaitUnit(rng, sec.usage) });
      base *= 1 - share;
      out[0].base = base;
    }
  }
  return out;
}

export const isMeasured = (mode: ModeKey): boolean => MODES_OBTENTION[mode].measured;
