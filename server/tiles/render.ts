// Reading a tile's features and handing them to the tile workers: pre-aggregated clusters where the
// collection has them, dense point layers read lean first, lines and polygons read once (and for a yearly
// layer of stacked areas, only the latest years that fit). No HTTP here: routes/tiles.ts parses the request.
import type { ServedCollection } from '../catalog.js';
import { and, datetimePredicate } from '../plan.js';
import { batchesOf, type Feature, type FeaturePredicate, type QueryConditions, type ScanOptions } from '../types.js';
import { polygonBoxKeeper, type TileLayerInput } from './encode.js';
import { bufferedTileBounds, type TileMatrixSet } from './matrix-sets.js';
import { TilePool } from './pool.js';
import { PreAggregateCache, viewOf, type PreAggregateView } from './preaggregate.js';
import { PrerenderedCache } from './prerendered.js';
import { cellsOf, clustersOnly, DEFAULT_MAX_FEATURES } from './thin.js';

/**
 * Lines and polygons read for one unfiltered collection tile, at most (about): past it the tile would
 * exceed its 500 KB bound and be sampled by the encoder anyway, after reading everything. The sample is
 * taken from the index, whole areas at a time (rows sharing one box); a filtered tile reads all it matches.
 */
export const TILE_READ_BUDGET = 20_000;
/** A tile's bound: 500 KB in decimal units, the stricter reading of the limit. */
export const TILE_MAX_BYTES = 500_000;

/** One layer of a tile as the route planned it. */
export interface LayerQuery {
  collection: ServedCollection;
  predicate: FeaturePredicate | undefined;
  /** The same conditions, declaratively, for the provider's indexes. */
  where?: QueryConditions;
  /** Whether the predicate tests exactly `where` (then a pre-aggregate view may answer it). */
  exact: boolean;
  /** Properties carried (dataset layers); all when undefined. */
  properties?: string[];
}

export class TileRenderer {
  private pool: TilePool;
  private preAggregates = new PreAggregateCache();
  private prerendered = new PrerenderedCache();

  /** `sumProperty`: property summed in point clusters, per collection. */
  constructor(workers?: number, private sumProperty?: Record<string, string>) {
    this.pool = new TilePool(workers);
  }

  async render(layers: LayerQuery[], tms: TileMatrixSet, z: number, row: number, col: number): Promise<Uint8Array> {
    const { pool } = this;
    const bbox = bufferedTileBounds(tms, z, row, col);
    // encodeTile sums one property in every layer: only on single-collection tiles.
    const sumProperty = layers.length === 1 ? this.sumProperty?.[layers[0].collection.definition.id] : undefined;
    // An unfiltered collection tile of a low zoom may have been rendered at build time.
    if (layers.length === 1 && !layers[0].predicate && !layers[0].properties) {
      const built = await this.builtTile(layers[0].collection, tms, z, row, col, sumProperty);
      if (built) return built;
    }
    /** The features of one layer in the tile; `cap`: undefined once more than that many are read. */
    async function read(collection: ServedCollection, predicate: FeaturePredicate | undefined, where: QueryConditions | undefined, properties?: string[], wholeUpTo?: ScanOptions['wholeUpTo']): Promise<Feature[]>;
    async function read(collection: ServedCollection, predicate: FeaturePredicate | undefined, where: QueryConditions | undefined, properties: string[] | undefined, wholeUpTo: undefined, cap: number): Promise<Feature[] | undefined>;
    async function read(collection: ServedCollection, predicate: FeaturePredicate | undefined, where: QueryConditions | undefined, properties?: string[], wholeUpTo?: ScanOptions['wholeUpTo'], cap = Infinity) {
      const batches: Feature[][] = [];
      let count = 0;
      // Lines and polygons: polygons too small to draw are not read, stacked rows of one area share
      // their geometry (decoded, sent and clipped once), and an unfiltered tile reads an even sample
      // of at most TILE_READ_BUDGET features (see TILE_READ_BUDGET).
      const shapes = collection.definition.geometryType !== 'Point';
      const hints = shapes
        ? { keepBox: /Polygon$/.test(collection.definition.geometryType ?? '') ? polygonBoxKeeper(tms, z) : undefined, sample: TILE_READ_BUDGET, shareGeometry: true }
        : {};
      for await (const batch of batchesOf(collection.provider, bbox, predicate, { properties, where, wholeUpTo, ...hints })) {
        batches.push(batch);
        if ((count += batch.length) > cap) return undefined; // leaving the loop ends the scan
      }
      return batches.flat();
    }
    /**
     * Stacked areas over the tile's bound keep the rows of their latest years (encode.ts, keepLatest): reading
     * every year only to drop the older ones was most of a low-zoom tile's cost (volumes_departements at
     * zoom 0: 9,500 rows read, half of them dropped). A yearly layer of a collection tile reads its latest
     * year first; that year's encoded size tells how many years fit, and only those are read. Undefined:
     * read the layer as usual (every year fits, the latest year is empty here, or too large to probe).
     */
    const latestYearsThatFit = async (collection: ServedCollection, predicate: FeaturePredicate | undefined, where: QueryConditions | undefined, properties?: string[]) => {
      const d = collection.definition;
      const extent = (await collection.provider.stats()).metadata?.temporalExtent;
      if (d.temporal?.kind !== 'year' || typeof extent?.[0] !== 'string' || typeof extent[1] !== 'string') return undefined;
      const asked = where?.datetime;
      const first = Math.max(Number(extent[0].slice(0, 4)), asked?.start != null ? new Date(asked.start).getUTCFullYear() : -Infinity);
      const last = Math.min(Number(extent[1].slice(0, 4)), asked?.end != null ? new Date(asked.end).getUTCFullYear() : Infinity);
      if (!(last > first)) return undefined;
      // Whole years, so that the request's interval and these years meet exactly where a year row meets both.
      const years = (from: number, to: number) => {
        const interval = { start: Date.UTC(from, 0, 1), end: Date.UTC(to, 11, 31, 23, 59, 59, 999) };
        const datetime = { start: Math.max(interval.start, asked?.start ?? -Infinity), end: Math.min(interval.end, asked?.end ?? Infinity) };
        return [and([predicate, datetimePredicate(d, interval)]), { ...(where ?? { definition: d }), datetime }] as const;
      };
      const latest = await read(collection, ...years(last, last), properties, undefined, TILE_READ_BUDGET);
      if (!latest?.length) return undefined;
      const probe = await pool.encode([{ name: d.id, features: latest, period: d.temporal.start }], tms.id, z, row, col, { sumProperty, maxBytes: TILE_MAX_BYTES });
      // Years grow the tile about linearly; a little over, the encoder keeps one year less.
      const fit = Math.floor(TILE_MAX_BYTES / Math.max(1, probe.length));
      // Every year fits, or more rows than an unfiltered tile reads (that read samples whole areas instead).
      if (fit > last - first || latest.length * fit > TILE_READ_BUDGET) return undefined;
      // The latest year is not read twice: the years before it, then its rows (an area's outline is then two
      // objects, clipped twice: a few milliseconds, against a tenth of the rows read again).
      return fit <= 1 ? latest : [...await read(collection, ...years(last - fit + 1, last - 1), properties), ...latest];
    };
    const inputs = await Promise.all(layers.map(async ({ collection, predicate, where, exact, properties }): Promise<TileLayerInput> => {
      // Unfiltered: the collection's pre-aggregates; restricted to one value a view sidecar may hold (the latest year).
      const view = predicate ? (exact && where ? viewOf(where) : undefined) : null;
      const cells = view === undefined ? null : await this.preAggregated(collection, tms, z, row, col, sumProperty, view ?? undefined);
      if (cells) return { name: collection.definition.id, features: [], cells };
      // Geometry, id and the summed property first: a dense point layer becomes clusters, which need
      // nothing else (most of a low-zoom tile's cost is decoding properties); otherwise read it whole
      // (every property, or those the dataset layer carries). Other geometries are never clustered: read once.
      if (collection.definition.geometryType !== 'Point') {
        const { id, temporal } = collection.definition;
        const features = (layers.length === 1 ? await latestYearsThatFit(collection, predicate, where, properties) : undefined)
          ?? await read(collection, predicate, where, properties);
        return { name: id, features, period: temporal?.start };
      }
      // Too few to cluster, as the provider may know before reading: read whole at once.
      let whole = false;
      const lean = await read(collection, predicate, where, sumProperty ? [sumProperty] : [], { count: DEFAULT_MAX_FEATURES, properties, whole: () => { whole = true; } });
      if (whole) return { name: collection.definition.id, features: lean };
      // Dense: only its clusters' cells go to the tile worker (typed arrays, not every feature).
      if (clustersOnly(lean, tms, z, row, col)) return { name: collection.definition.id, features: [], cells: cellsOf(lean, tms, z, row, col, sumProperty) };
      return { name: collection.definition.id, features: await read(collection, predicate, where, properties) };
    }));
    return pool.encode(inputs.filter((l) => l.features.length > 0 || l.cells), tms.id, z, row, col, { sumProperty, maxBytes: TILE_MAX_BYTES });
  }

  /** The tile from the collection's build-time tiles (prerendered.ts), or null: render it. */
  private async builtTile(collection: ServedCollection, tms: TileMatrixSet, z: number, row: number, col: number, sumProperty: string | undefined): Promise<Uint8Array | null> {
    const { provider, definition } = collection;
    if (definition.geometryType === 'Point' || !('location' in provider) || typeof provider.location !== 'string') return null;
    const built = await this.prerendered.get(provider.location, (await provider.stats()).version);
    if (!built?.answers({ collection: definition.id, properties: definition.properties.map((p) => p.name), sumProperty }, tms.id, z)) return null;
    // A damaged sidecar is not an error of the request: the data answers.
    return built.tile(tms.id, z, row, col).catch(() => null);
  }

  /**
   * Cells of a dense point tile from the collection's pre-aggregates (unfiltered requests only: they hold
   * every feature); null when there are none for this data version, zoom or summed property, or when
   * the tile is not dense (then its points are drawn one by one, from the data).
   */
  private async preAggregated(collection: ServedCollection, tms: TileMatrixSet, z: number, row: number, col: number, sumProperty: string | undefined, view?: PreAggregateView) {
    const { provider, definition } = collection;
    if (definition.geometryType !== 'Point' || !('location' in provider) || typeof provider.location !== 'string') return null;
    const agg = await this.preAggregates.get(provider.location, (await provider.stats()).version, view);
    if (!agg?.covers(tms.id, z) || (sumProperty !== undefined && agg.sumProperty !== sumProperty)) return null;
    if (agg.count(tms.id, z, row, col) <= DEFAULT_MAX_FEATURES) return null;
    // A damaged sidecar is not an error of the request: the data answers.
    return agg.cells(tms.id, z, row, col).catch(() => null);
  }
}
