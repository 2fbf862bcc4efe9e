// The plan: for each ouvrage index, its commune, profile and site slot, in compact typed arrays
// (≈ 10 bytes per ouvrage), so that any ouvrage can be regenerated from (seed, scale, index).
import { PRODUCTEURS } from '../codelists.js';
import { FIRST_YEAR, LAST_YEAR, NATIONAL_TOTALS, expectedRows, meanActivity } from './calibration.js';
import { communeByCode, communes, type Commune } from './geo.js';
import { gcd, hashInts, Rng, shuffle } from './prng.js';
import { PROFILES, type Profile } from './profiles.js';
import type { Site } from './sites.js';

export interface Plan {
  seed: number;
  scale: number;
  size: number;
  /** Index into communes() of each ouvrage. */
  commune: Int32Array;
  /** Index into PROFILES of each ouvrage. */
  profile: Uint8Array;
  /** Rank of the ouvrage within its profile (its site, for site profiles). */
  slot: Int32Array;
  /** Per profile: stride and offset permuting ranks into volume strata (stratified sampling). */
  strata: { stride: number; offset: number }[];
  /** Per site profile: order in which its sites are used (seeded permutation). */
  siteOrder: Int32Array[];
  /** Per profile: base volume constant (m³/year per unit of volume factor). */
  volumeConstant: Float64Array;
  /** Per profile: number of ouvrages. */
  counts: number[];
  estimate: { ouvrages: number; points: number; chroniques: number };
}

export function siteOf(plan: Plan, profileIndex: number, slot: number): { site: Site; repeat: number } {
  const p = PROFILES[profileIndex];
  const order = plan.siteOrder[profileIndex];
  const n = order.length;
  return { site: p.sites![order[slot % n]], repeat: Math.floor(slot / n) };
}

/** Commune weights of a profile, normalised by département share when it has one. */
function profileWeights(p: Profile, list: readonly Commune[]): Float64Array {
  const w = new Float64Array(list.length);
  for (let k = 0; k < list.length; k++) w[k] = Math.max(0, p.weight!(list[k]));
  if (!p.depShare) return w;
  const sumByDep = new Map<string, number>();
  for (let k = 0; k < list.length; k++) sumByDep.set(list[k].dep, (sumByDep.get(list[k].dep) ?? 0) + w[k]);
  for (let k = 0; k < list.length; k++) {
    const share = p.depShare[list[k].dep] ?? 0.5;
    const s = sumByDep.get(list[k].dep)!;
    w[k] = s > 0 ? (w[k] / s) * share : 0;
  }
  return w;
}

/** Systematic sampling: n communes with probability proportional to weight, evenly spread. */
function sample(weights: Float64Array, n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  if (n === 0) return out;
  let total = 0;
  for (const v of weights) total += v;
  const step = total / n;
  let next = rng.next() * step;
  let cum = 0;
  let j = 0;
  for (let k = 0; k < weights.length && j < n; k++) {
    cum += weights[k];
    while (j < n && next < cum) {
      out[j++] = k;
      next += step;
    }
  }
  while (j < n) out[j++] = weights.length - 1; // rounding at the very end
  return out;
}

const meanPoints = (p: Profile) => p.points[0] + 2 * p.points[1] + 3 * p.points[2];

export function buildPlan(scale: number, seed: number): Plan {
  if (!(scale > 0)) throw new Error('scale must be positive');
  const list = communes();
  const parts: { commune: Int32Array; slot: Int32Array }[] = [];
  const siteOrder: Int32Array[] = [];
  const volumeConstant = new Float64Array(PROFILES.length);
  const counts: number[] = [];
  const strata: Plan['strata'] = [];
  let points = 0;
  let rows = 0;

  PROFILES.forEach((p, pi) => {
    const rng = new Rng(hashInts(seed, 0x5eed, pi));
    const n = p.sites ? Math.max(1, Math.round(scale * p.count)) : Math.round(scale * p.count);
    counts.push(n);
    // Golden-ratio stride coprime with n: rank k ↦ (k·stride + offset) mod n is a well-mixed permutation.
    let stride = Math.max(1, Math.floor(n * 0.6180339887)) | 1;
    while (n > 1 && gcd(stride, n) !== 1) stride += 2;
    strata.push({ stride, offset: rng.int(Math.max(1, n)) });
    const total = NATIONAL_TOTALS[p.id] * scale;
    const secondaryRows = 1 + (p.secondary ? p.secondary.p * 0.9 : 0);
    if (p.sites) {
      const order = new Int32Array(p.sites.length).map((_, k) => k);
      shuffle(order, rng);
      siteOrder.push(order);
      const commune = new Int32Array(n);
      const slot = new Int32Array(n);
      let weighted = 0;
      for (let k = 0; k < n; k++) {
        const site = p.sites[order[k % order.length]];
        const c = communeByCode(site.commune);
        if (!c) throw new Error(`site ${site.name}: unknown commune ${site.commune}`);
        commune[k] = c.idx;
        slot[k] = k;
        weighted += site.weight * meanActivity(p.years, p.yearFactor, site.from, site.to);
        rows += expectedRows(p.years, site.from ?? FIRST_YEAR, site.to ?? LAST_YEAR) * secondaryRows;
      }
      volumeConstant[pi] = total / weighted;
      parts.push({ commune, slot });
    } else {
      siteOrder.push(new Int32Array(0));
      const commune = sample(profileWeights(p, list), n, rng);
      let factors = 0;
      for (const k of commune) factors += p.volumeFactor ? p.volumeFactor(list[k]) : 1;
      volumeConstant[pi] = factors > 0 ? total / (meanActivity(p.years, p.yearFactor) * factors) : 0;
      rows += n * expectedRows(p.years) * secondaryRows;
      parts.push({ commune, slot: new Int32Array(n).map((_, k) => k) });
    }
    points += n * meanPoints(p);
  });

  // Interleave the profiles, then group by agency and département: real OPR codes are assigned
  // in batches per producer, so neighbouring codes are neighbouring ouvrages.
  const size = counts.reduce((a, b) => a + b, 0);
  const allCommune = new Int32Array(size);
  const allProfile = new Uint8Array(size);
  const allSlot = new Int32Array(size);
  let o = 0;
  parts.forEach((part, pi) => {
    allCommune.set(part.commune, o);
    allSlot.set(part.slot, o);
    allProfile.fill(pi, o, o + part.commune.length);
    o += part.commune.length;
  });
  const perm = new Int32Array(size).map((_, k) => k);
  shuffle(perm, new Rng(hashInts(seed, 0x0bd3)));
  const depRank = new Map<string, number>();
  for (const pr of PRODUCTEURS) for (const d of pr.departements) depRank.set(d, depRank.size);
  const communeRank = new Int32Array(list.length).map((_, k) => depRank.get(list[k].dep)!);
  // Counting sort by département rank, stable: keeps the shuffle within a département.
  const starts = new Int32Array(depRank.size + 1);
  for (const k of perm) starts[communeRank[allCommune[k]] + 1]++;
  for (let r = 1; r <= depRank.size; r++) starts[r] += starts[r - 1];
  const sorted = new Int32Array(size);
  for (const k of perm) sorted[starts[communeRank[allCommune[k]]]++] = k;

  const plan: Plan = {
    seed, scale, size,
    commune: new Int32Array(size), profile: new Uint8Array(size), slot: new Int32Array(size),
    siteOrder, strata, volumeConstant, counts,
    estimate: { ouvrages: size, points: Math.round(points), chroniques: Math.round(rows) },
  };
  sorted.forEach((k, i) => {
    plan.commune[i] = allCommune[k];
    plan.profile[i] = allProfile[k];
    plan.slot[i] = allSlot[k];
  });
  return plan;
}
