// The embedded default dataset: the synthetic generator's streams, paired with their definitions,
// plus what is derived from them (volumes per area) and the arrêté's flat rates.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDir } from '../server/catalog.js';
import { aggregateInputs, VolumeAggregator } from './aggregates/index.js';
import { vendoredBoundaries } from './basemap/index.js';
import { buildCollections, type BuildInput, type BuildProgress, type SourceRecord } from './build.js';
import { chroniques, collections, forfaitsAnnexe2, ouvrages, pointsPrelevement } from './definitions/index.js';
import { forfaitRecords } from './forfaits/index.js';
import { generateDataset } from './generator/index.js';
import { buildVersion, hasPointer } from './ingest/versions.js';

export const DEFAULT_SEED = 20111219; // the arrêté's date: any fixed value keeps ids stable

/** Passes chroniques through while summing them per area (the aggregates are built after them). */
export function* aggregating(records: Iterable<SourceRecord>, aggregator: VolumeAggregator): Generator<SourceRecord> {
  for (const r of records) {
    aggregator.add(r.properties, r.lon, r.lat);
    yield r;
  }
}

export function forfaitsInput(): BuildInput {
  return { definition: forfaitsAnnexe2, records: forfaitRecords() };
}

export function defaultInputs(scale: number, seed = DEFAULT_SEED): BuildInput[] {
  const dataset = generateDataset({ scale, seed });
  const aggregator = new VolumeAggregator();
  return [
    { definition: pointsPrelevement, records: dataset.points(), estimate: dataset.estimate.points },
    { definition: ouvrages, records: dataset.ouvrages(), estimate: dataset.estimate.ouvrages },
    { definition: chroniques, records: aggregating(dataset.chroniques(), aggregator), estimate: dataset.estimate.chroniques },
    // Régions and départements as polygons out of the box; communes and EPCI stay points.
    ...aggregateInputs(aggregator, vendoredBoundaries()).inputs,
    forfaitsInput(),
  ];
}

/** Whether the directory (or the version its pointer names) holds every collection. */
export function datasetPresent(dataDir: string): boolean {
  let dir: string;
  try { dir = resolveDataDir(dataDir); } catch { return false; }
  return collections.every((c) => existsSync(join(dir, c.source)));
}

/**
 * Builds the default dataset into outDir; a versioned directory (one with a pointer) gets a new
 * version and its pointer switched, so a running server picks it up.
 */
export async function buildDefaultDataset(outDir: string, scale: number, progress?: BuildProgress, seed = DEFAULT_SEED): Promise<Record<string, number>> {
  if (hasPointer(outDir)) return (await buildVersion(outDir, defaultInputs(scale, seed), progress)).counts;
  return buildCollections(outDir, defaultInputs(scale, seed), progress);
}
