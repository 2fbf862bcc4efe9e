// Shared fixtures: a small dataset materialised once per test file.
import { generateDataset, type Rec } from '../../collections/generator/index.js';

export interface Materialised {
  ouvrages: Rec[];
  points: Rec[];
  chroniques: Rec[];
  estimate: { ouvrages: number; points: number; chroniques: number };
}

const cache = new Map<string, Materialised>();

export function materialise(scale: number, seed = 1): Materialised {
  const key = `${scale}/${seed}`;
  let m = cache.get(key);
  if (!m) {
    const ds = generateDataset({ scale, seed });
    m = { ouvrages: [...ds.ouvrages()], points: [...ds.points()], chroniques: [...ds.chroniques()], estimate: ds.estimate };
    cache.set(key, m);
  }
  return m;
}

export const str = (r: Rec, k: string): string => r.properties[k] as string;
