// National figures the synthetic BNPE reproduces at scale 1 (Hub'Eau reference, BNPE 2011 shares),
// and the year model shared by all profiles. Change totals here, not in the generator.

export const FIRST_YEAR = 2008;
export const LAST_YEAR = 2023;
/** Years 2008-2011 are incomplete in the BNPE: reporting probabilities are lower. */
export const FULL_FROM = 2012;
export const YEARS = Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, k) => FIRST_YEAR + k);

/** Annual volumes at scale 1 for an average complete year (m³). Outside turbined water ≈ 28 Gm³:
 * cooling ≈ 59 %, drinking water ≈ 19 %, irrigation ≈ 11 %, industry ≈ 9.5 %, canals ≈ 1 %. */
export const NATIONAL_TOTALS = {
  aep: 5.30e9,
  irr: 3.10e9,
  ind: 2.10e9,
  indPort: 0.55e9,
  eneSmall: 0.25e9,
  cooling: 16.45e9,
  canal: 0.25e9,
  hydroBig: 800e9,
  hydroSmall: 140e9,
} as const;

/** Fee threshold (m³/year): 10,000 m³, 7,000 m³ in ZRE (zones de répartition des eaux). */
export const FEE_THRESHOLD = 10_000;
export const FEE_THRESHOLD_ZRE = 7_000;
/** Départements largely classified ZRE (approximation by whole département). */
export const ZRE_DEPARTEMENTS = new Set([
  '16', '17', '79', '86', '85', '28', '45', '41', '40', '32', '47', '82', '31', '33', '24', '64', '65', '81', '11', '66', '84', '13',
]);

export interface YearModel {
  /** Probability that the ouvrage already existed in 2008. */
  pOld: number;
  /** Probability that it stops before 2023. */
  pClosed: number;
  /** Reporting probability for 2008, 2009, 2010, 2011, then for complete years. */
  early: readonly [number, number, number, number];
  full: number;
}

export function reportProbability(m: YearModel, year: number): number {
  return year < FULL_FROM ? m.early[year - FIRST_YEAR] : m.full;
}

/**
 * Exact expectation over the start/end distribution used by the generator (start 2008 when old,
 * else uniform 2009-2023; end 2023 when open, else uniform start..2022), for each year:
 * the probability that the ouvrage reports that year. `from`/`to` pin a site's period.
 */
export function activityByYear(m: YearModel, from?: number, to?: number): Map<number, number> {
  const out = new Map<number, number>(YEARS.map((y) => [y, 0]));
  const add = (s: number, e: number, p: number) => {
    for (let y = s; y <= e; y++) out.set(y, out.get(y)! + p * reportProbability(m, y));
  };
  if (from !== undefined || to !== undefined) {
    add(from ?? FIRST_YEAR, to ?? LAST_YEAR, 1);
    return out;
  }
  const starts: [number, number][] = [[FIRST_YEAR, m.pOld]];
  for (let s = FIRST_YEAR + 1; s <= LAST_YEAR; s++) starts.push([s, (1 - m.pOld) / (LAST_YEAR - FIRST_YEAR)]);
  for (const [s, ps] of starts) {
    const closable = s < LAST_YEAR;
    const pOpen = closable ? 1 - m.pClosed : 1;
    add(s, LAST_YEAR, ps * pOpen);
    if (!closable) continue;
    const n = LAST_YEAR - s;
    for (let e = s; e < LAST_YEAR; e++) add(s, e, (ps * m.pClosed) / n);
  }
  return out;
}

/** Expected number of reported years of one ouvrage. */
export function expectedRows(m: YearModel, from?: number, to?: number): number {
  let t = 0;
  for (const v of activityByYear(m, from, to).values()) t += v;
  return t;
}

/** Mean over complete years of activity × year factor: converts annual totals to base volumes. */
export function meanActivity(m: YearModel, yearFactor: (y: number) => number, from?: number, to?: number): number {
  const act = activityByYear(m, from, to);
  let t = 0;
  let n = 0;
  for (const y of YEARS) {
    if (y < FULL_FROM) continue;
    t += act.get(y)! * yearFactor(y);
    n++;
  }
  return t / n;
}

/** Year factors, normalised to a mean of 1 over complete years. */
function normalised(raw: Record<number, number>): (y: number) => number {
  let t = 0;
  let n = 0;
  for (const y of YEARS) if (y >= FULL_FROM) { t += raw[y] ?? 1; n++; }
  const mean = t / n;
  return (y) => (raw[y] ?? 1) / mean;
}

const linear = (a: number, b: number): Record<number, number> =>
  Object.fromEntries(YEARS.map((y) => [y, a + ((b - a) * (y - FIRST_YEAR)) / (LAST_YEAR - FIRST_YEAR)]));

export const YEAR_FACTORS = {
  // Slow decline of drinking-water abstractions (leak reduction, sobriety).
  aep: normalised(linear(1.04, 0.96)),
  // Dry summers (2011, 2015, 2019, 2020, 2022) raise irrigation, wet ones (2013, 2014, 2021) lower it.
  irr: normalised({ 2008: 0.9, 2009: 1.05, 2010: 1, 2011: 1.1, 2012: 1, 2013: 0.8, 2014: 0.8, 2015: 1.1, 2016: 0.95,
    2017: 1.1, 2018: 1.05, 2019: 1.15, 2020: 1.1, 2021: 0.85, 2022: 1.3, 2023: 1.05 }),
  // De-industrialisation, the 2009 recession, the 2020 lockdown.
  ind: normalised({ ...linear(1.15, 0.9), 2009: 1.0, 2020: 0.92 }),
  // Nuclear output: 2020 lockdown, 2022 corrosion outages.
  ene: normalised({ 2020: 0.93, 2021: 0.97, 2022: 0.85, 2023: 0.92 }),
  // Hydraulicity: wet 2013-2014 and 2018, dry 2011, 2017 and 2022.
  tur: normalised({ 2011: 0.85, 2013: 1.15, 2014: 1.1, 2017: 0.85, 2018: 1.1, 2022: 0.78, 2023: 0.95 }),
  can: normalised({}),
};
