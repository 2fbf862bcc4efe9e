// The embedded default dataset: the synthetic generator's streams, paired with their definitions.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildCollections, type BuildInput, type BuildProgress } from './build.js';
import { collections } from './definitions/index.js';
import { generateDataset } from './generator/index.js';

export const DEFAULT_SEED = 20111219; // the arrêté's date: any fixed value keeps ids stable

export function defaultInputs(scale: number, seed = DEFAULT_SEED): BuildInput[] {
  const dataset = generateDataset({ scale, seed });
  const byId = new Map(collections.map((c) => [c.id, c]));
  return [
    { definition: byId.get('points_prelevement')!, records: dataset.points(), estimate: dataset.estimate.points },
    { definition: byId.get('ouvrages')!, records: dataset.ouvrages(), estimate: dataset.estimate.ouvrages },
    { definition: byId.get('chroniques')!, records: dataset.chroniques(), estimate: dataset.estimate.chroniques },
  ];
}

export function datasetPresent(dataDir: string): boolean {
  return collections.every((c) => existsSync(join(dataDir, c.source)));
}

export function buildDefaultDataset(outDir: string, scale: number, progress?: BuildProgress, seed = DEFAULT_SEED): Promise<Record<string, number>> {
  return buildCollections(outDir, defaultInputs(scale, seed), progress);
}
