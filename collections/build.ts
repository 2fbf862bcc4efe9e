// Builds one FlatGeobuf per collection from record streams (generator, harvest or files).
// Everything is written into a staging directory first; files are renamed into place only
// once every collection has been written, so a failed build leaves the previous data untouched.
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FlatGeobufWriter, type ColumnSpec } from '../server/providers/flatgeobuf/writer.js';
import { columnSpecs } from '../server/query/property-types.js';
import { writeColumnsSidecar } from '../server/providers/flatgeobuf/columns-build.js';
import type { Geometry } from 'geojson';
import { batchesOf, type CollectionDefinition } from '../server/types.js';
import { FlatGeobufProvider } from '../server/providers/flatgeobuf/provider.js';
import { openCatalog } from '../server/catalog.js';
import { PreAggregateBuilder, prerenderedSidecar, resolveTms, TileRenderer, viewSidecar, writePrerenderedTiles, type PreAggregateSpec } from '../server/tiles/index.js';
import { TILE_PRE_AGGREGATES, TILE_PRERENDERED, TILE_SUM_PROPERTY } from './tiles.js';

/** A record to write: a GeoJSON geometry when given (polygons), else a point from lon/lat. */
export interface SourceRecord { properties: Record<string, unknown>; lon: number | null; lat: number | null; geometry?: Geometry | null }

export interface BuildInput {
  definition: CollectionDefinition;
  records: Iterable<SourceRecord> | AsyncIterable<SourceRecord>;
  /** Expected count, for progress display. */
  estimate?: number;
  /** Tile pre-aggregates written beside the file (`<file>.tiles`); the collection's declared ones by default, null for none. */
  tiles?: PreAggregateSpec | null;
  /** Zooms 0..n of its unfiltered tiles rendered at build time (`<file>.tiles-mvt`); the collection's declared ones by default, null for none. */
  prerender?: number | null;
}

export interface BuildProgress {
  start(collection: string, total: number): void;
  tick(count: number): void;
  stop(): void;
}

export function columnsOf(definition: CollectionDefinition): ColumnSpec[] {
  return columnSpecs(definition.properties);
}

function featureId(definition: CollectionDefinition, properties: Record<string, unknown>): string {
  return definition.idProperties.map((p) => properties[p]).join('_');
}

/** Tracks min/max of the temporal properties to store the temporal extent with the data. */
class TemporalExtent {
  private min: string | null = null;
  private max: string | null = null;
  constructor(private definition: CollectionDefinition) {}
  add(properties: Record<string, unknown>): void {
    const temporal = this.definition.temporal;
    if (!temporal) return;
    const unknown = new Set(temporal.unknownValues ?? []);
    for (const name of [temporal.start, temporal.end ?? temporal.start]) {
      const value = properties[name];
      if (value === null || value === undefined || unknown.has(String(value))) continue;
      const text = temporal.kind === 'year' ? String(value) : String(value).slice(0, 10);
      if (this.min === null || text < this.min) this.min = text;
      if (this.max === null || text > this.max) this.max = text;
    }
  }
  value(): [string | null, string | null] | undefined {
    const temporal = this.definition.temporal;
    if (!temporal) return undefined;
    if (temporal.kind === 'year') {
      return [this.min ? `${this.min}-01-01T00:00:00Z` : null, this.max ? `${this.max}-12-31T23:59:59Z` : null];
    }
    return [this.min ? `${this.min}T00:00:00Z` : null, this.max ? `${this.max}T23:59:59Z` : null];
  }
}

/** The tile pre-aggregates of one file: `<file>.tiles`, and the view of the latest value when the spec asks for it. */
export class TileSidecars {
  private all: PreAggregateBuilder;
  // The rows of the largest value seen so far (a larger one starts again: none of its rows came before).
  private latest: { value: number; builder: PreAggregateBuilder } | null = null;

  constructor(private spec: PreAggregateSpec) {
    this.all = new PreAggregateBuilder(spec);
  }

  add(lon: number, lat: number, properties: Record<string, unknown>, id: string): void {
    this.all.add(lon, lat, properties, id);
    const key = this.spec.latestOf;
    const value = key === undefined ? NaN : Number(properties[key] ?? NaN);
    if (!Number.isFinite(value)) return;
    if (!this.latest || value > this.latest.value) this.latest = { value, builder: new PreAggregateBuilder({ ...this.spec, latestOf: undefined }) };
    if (value === this.latest.value) this.latest.builder.add(lon, lat, properties, id);
  }

  /** Writes the sidecars of `path` (complete), each through a temporary name. */
  write(path: string): void {
    this.all.write(`${path}.tiles`, path);
    if (this.latest) this.latest.builder.write(viewSidecar(path, { property: this.spec.latestOf!, value: this.latest.value }), path);
  }
}

/**
 * Rewrites the tile pre-aggregates of an existing file of `definition` (data built before, or copied
 * without them): one pass over its points. Returns the number of points.
 */
export async function rebuildTileSidecars(path: string, definition: CollectionDefinition, spec = TILE_PRE_AGGREGATES[definition.id]): Promise<number> {
  if (!spec || definition.geometryType !== 'Point') return 0;
  const provider = await FlatGeobufProvider.open(path, { idProperties: definition.idProperties, columns: false });
  try {
    const tiles = new TileSidecars(spec);
    const wanted = [spec.sumProperty, spec.latestOf].filter((p): p is string => p !== undefined);
    let n = 0;
    for await (const batch of batchesOf(provider, undefined, undefined, { properties: wanted })) {
      for (const f of batch) {
        if (f.geometry?.type !== 'Point') continue;
        tiles.add(f.geometry.coordinates[0], f.geometry.coordinates[1], f.properties, f.id);
        n++;
      }
    }
    tiles.write(path);
    return n;
  } finally {
    await provider.close();
  }
}

/**
 * Renders the unfiltered tiles of zooms 0..maxZoom of a line or polygon collection file into
 * `<file>.tiles-mvt` (server/tiles/prerendered.ts), with the server's renderer. Returns the non-empty
 * tiles written; 0 (and no sidecar) for points or a collection that declares none.
 */
export async function writeBuiltTiles(path: string, definition: CollectionDefinition, maxZoom: number | null | undefined = TILE_PRERENDERED[definition.id]): Promise<number> {
  rmSync(prerenderedSidecar(path), { force: true }); // rendered from the data, never from an older sidecar
  if (maxZoom === undefined || maxZoom === null) return 0;
  const catalog = await openCatalog(dirname(path), [definition]);
  try {
    const collection = catalog.get(definition.id);
    if (!collection || !collection.definition.geometryType || collection.definition.geometryType === 'Point') return 0;
    const renderer = new TileRenderer(0, TILE_SUM_PROPERTY);
    const what = { collection: definition.id, properties: collection.definition.properties.map((p) => p.name), sumProperty: TILE_SUM_PROPERTY[definition.id] };
    return await writePrerenderedTiles(path, what, maxZoom, (tms, z, row, col) => renderer.render([{ collection, predicate: undefined, exact: true }], resolveTms(tms), z, row, col));
  } finally {
    await catalog.close();
  }
}

export async function writeCollection(path: string, input: BuildInput, progress?: BuildProgress): Promise<number> {
  const { definition } = input;
  const writer = new FlatGeobufWriter(path, {
    name: definition.id, title: definition.title, description: definition.description,
    geometryType: definition.geometryType,
    columns: columnsOf(definition), ids: true, partitionBy: definition.partitionBy,
  });
  const temporal = new TemporalExtent(definition);
  const spec = input.tiles === undefined ? TILE_PRE_AGGREGATES[definition.id] : input.tiles;
  const tiles = spec && definition.geometryType === 'Point' ? new TileSidecars(spec) : null;
  progress?.start(definition.id, input.estimate ?? 0);
  try {
    let n = 0;
    for await (const record of input.records) {
      const geometry = record.geometry !== undefined ? record.geometry
        : record.lon === null || record.lat === null ? null : { type: 'Point' as const, coordinates: [record.lon, record.lat] };
      writer.add(record.properties, geometry, featureId(definition, record.properties));
      temporal.add(record.properties);
      if (tiles && geometry?.type === 'Point') tiles.add(geometry.coordinates[0], geometry.coordinates[1], record.properties, featureId(definition, record.properties));
      if (++n % 5000 === 0) progress?.tick(n);
    }
    progress?.tick(n);
    const temporalExtent = temporal.value();
    writer.finish({ metadata: temporalExtent ? { temporalExtent } : undefined });
    // Column statistics and indexes for counts and selective filters (server/providers/flatgeobuf/columns.ts).
    await writeColumnsSidecar(path);
    tiles?.write(path);
    if (input.prerender !== null) await writeBuiltTiles(path, definition, input.prerender ?? TILE_PRERENDERED[definition.id]);
    return n;
  } catch (error) {
    writer.abort();
    throw error;
  } finally {
    progress?.stop();
  }
}

/** Writes every collection into `<outDir>/.staging-<pid>`, then moves the files into outDir. */
export async function buildCollections(outDir: string, inputs: BuildInput[], progress?: BuildProgress): Promise<Record<string, number>> {
  mkdirSync(outDir, { recursive: true });
  const staging = join(outDir, `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(staging);
  const counts: Record<string, number> = {};
  try {
    for (const input of inputs) {
      counts[input.definition.id] = await writeCollection(join(staging, input.definition.source), input, progress);
    }
    // Sidecars (.ids, .cols, .tiles, .tiles-…) first, so that a reader opening a new .fgb finds its matching id index, columns and tiles.
    const files = readdirSync(staging).sort((a, b) => Number(!b.endsWith('.fgb')) - Number(!a.endsWith('.fgb')));
    for (const file of files) renameSync(join(staging, file), join(outDir, file));
    return counts;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
