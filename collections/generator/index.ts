// Deterministic synthetic BNPE: ouvrages, points de prélèvement and chroniques, streamed.
// Ouvrage i is a pure function of (seed, scale, i): every stream regenerates what it needs, so
// nothing proportional to the number of chroniques is ever held in memory.
import { ouvrageCore } from './core.js';
import { buildPlan } from './plan.js';
import { chroniqueRecords, ouvrageRecord, pointRecords, type Rec } from './records.js';

export type { Rec } from './records.js';
export { communeByCode, communes, type Commune } from './geo.js';
export { NATIONAL_TOTALS, FIRST_YEAR, LAST_YEAR } from './calibration.js';

export interface GenerateOptions {
  /** Multiplies the number of ouvrages (1 ≈ the real BNPE, 130,000 ouvrages); may be fractional. */
  scale: number;
  /** PRNG seed; records and ids are stable for a given (seed, scale). Default 1. */
  seed?: number;
}

export interface Dataset {
  ouvrages(): Iterable<Rec>;
  points(): Iterable<Rec>;
  chroniques(): Iterable<Rec>;
  /** Exact number of ouvrages, expected numbers of points and chroniques. */
  estimate: { ouvrages: number; points: number; chroniques: number };
}

export function generateDataset(options: GenerateOptions): Dataset {
  const seed = (options.seed ?? 1) >>> 0;
  const plan = buildPlan(options.scale, seed);
  return {
    estimate: { ...plan.estimate },
    *ouvrages() {
      for (let i = 0; i < plan.size; i++) yield ouvrageRecord(ouvrageCore(plan, i));
    },
    *points() {
      for (let i = 0; i < plan.size; i++) yield* pointRecords(ouvrageCore(plan, i), seed);
    },
    *chroniques() {
      for (let i = 0; i < plan.size; i++) yield* chroniqueRecords(ouvrageCore(plan, i), seed);
    },
  };
}
