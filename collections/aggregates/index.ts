// Build inputs of the four volumes_* collections from a filled aggregator: polygons when
// boundaries are given for the level, otherwise the representative point of each area.
import type { BuildInput, SourceRecord } from '../build.js';
import { VOLUME_DEFINITIONS, type AggregateLevel } from '../definitions/volumes.js';
import type { BoundaryMaps } from './boundaries.js';
import { AGGREGATE_LEVELS, type VolumeAggregator } from './compute.js';

export { AGGREGATE_LEVELS, VolumeAggregator } from './compute.js';
export { AdminAreas } from './areas.js';
export { loadBoundaries, type BoundaryMaps } from './boundaries.js';
export { ExactSum, exactSum } from './exact-sum.js';

export interface AggregateReport {
  /** Per level, areas that had no polygon although boundaries were given for the level. */
  withoutPolygon: Record<AggregateLevel, string[]>;
}

/** Inputs for buildCollections; read the aggregator only when iterated (after the chroniques). */
export function aggregateInputs(aggregator: VolumeAggregator, boundaries?: BoundaryMaps): { inputs: BuildInput[]; report: AggregateReport } {
  const report: AggregateReport = { withoutPolygon: { communes: [], epci: [], departements: [], regions: [] } };
  const inputs = AGGREGATE_LEVELS.map((level): BuildInput => {
    const polygons = boundaries?.get(level);
    const definition = { ...VOLUME_DEFINITIONS[level], geometryType: polygons ? 'MultiPolygon' as const : 'Point' as const };
    function* records(): Generator<SourceRecord> {
      let last: string | undefined;
      for (const row of aggregator.rowsOf(level)) {
        if (!polygons) {
          yield { properties: row.properties, lon: row.point?.[0] ?? null, lat: row.point?.[1] ?? null };
          continue;
        }
        const coordinates = polygons.get(row.code);
        if (!coordinates && row.code !== last) report.withoutPolygon[level].push(row.code);
        last = row.code;
        yield { properties: row.properties, lon: null, lat: null, geometry: coordinates ? { type: 'MultiPolygon', coordinates } : null };
      }
    }
    return { definition, records: { [Symbol.iterator]: records } };
  });
  return { inputs, report };
}
