// Views: a collection derived from another by a fixed CQL2 filter and a subset of its properties.
// The provider ANDs the view's predicate with each request's, so counts, pages, tiles and single
// features only ever reach the view's features; properties are trimmed before anything sees them.
import { createHash } from 'node:crypto';
import type { Geometry } from 'geojson';
import type { ServedCollection } from './catalog.js';
import { OgcError } from './errors.js';
import { and, hasConditions } from './query/predicate.js';
import { filterPredicate } from './routes/filter.js';
import { batchesOf, withNeeds, type CollectionDefinition, type Feature, type FeaturePredicate, type Provider, type ProviderQuery, type ProviderResult, type ProviderStats, type Rect, type ScanOptions } from './types.js';

export interface ViewSpec {
  id: string;
  title?: string;
  description?: string;
  /** CQL2 text, or CQL2 JSON as an object; on the source's properties, hidden ones included. */
  filter?: string | Record<string, unknown>;
  /** Properties kept (source order); all when absent. */
  properties?: string[];
  /** Properties removed; exclusive with `properties`. */
  exclude?: string[];
}

export class ViewError extends Error {}

/** The view's definition: the source's, with its own id and texts and only the kept properties. */
export function viewDefinition(source: CollectionDefinition, spec: ViewSpec): CollectionDefinition {
  const names = new Set(source.properties.map((p) => p.name));
  for (const name of [...(spec.properties ?? []), ...(spec.exclude ?? [])]) {
    if (!names.has(name)) throw new ViewError(`view ${spec.id}: "${name}" is not a property of ${source.id}`);
  }
  const keep = spec.properties ? new Set(spec.properties) : null;
  const drop = new Set(spec.exclude ?? []);
  const properties = source.properties.filter((p) => (keep ? keep.has(p.name) : !drop.has(p.name)));
  const kept = new Set(properties.map((p) => p.name));
  // Feature ids are built from these: hiding one would still publish it in every id.
  for (const id of source.idProperties) if (!kept.has(id)) throw new ViewError(`view ${spec.id}: the id property "${id}" of ${source.id} must stay visible`);
  const temporal = source.temporal && kept.has(source.temporal.start) && (!source.temporal.end || kept.has(source.temporal.end)) ? source.temporal : undefined;
  return {
    ...source,
    id: spec.id,
    title: spec.title ?? source.title,
    description: spec.description ?? source.description,
    properties,
    temporal,
  };
}

function intersect(a: Rect | undefined, b: Rect | undefined): Rect | undefined {
  if (!a) return b;
  if (!b) return a;
  return { minX: Math.max(a.minX, b.minX), minY: Math.max(a.minY, b.minY), maxX: Math.min(a.maxX, b.maxX), maxY: Math.min(a.maxY, b.maxY) };
}

function extend(rect: Rect | null, geometry: Geometry | null): Rect | null {
  if (!geometry) return rect;
  let r = rect;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      const [x, y] = c as number[];
      r = r ? { minX: Math.min(r.minX, x), minY: Math.min(r.minY, y), maxX: Math.max(r.maxX, x), maxY: Math.max(r.maxY, y) } : { minX: x, minY: y, maxX: x, maxY: y };
      return;
    }
    for (const child of c) visit(child);
  };
  if (geometry.type === 'GeometryCollection') for (const g of geometry.geometries) r = extend(r, g);
  else visit(geometry.coordinates);
  return r;
}

/** A provider over another one, limited to a fixed predicate and a property subset. */
export class ViewProvider implements Provider {
  private counted: { version: string; stats: Promise<ProviderStats> } | null = null;
  private readonly keep: string[];
  private readonly tag: string;
  readonly readAt?: (indices: Uint32Array) => AsyncIterable<Feature>;

  constructor(
    private readonly source: Provider,
    readonly definition: CollectionDefinition,
    private readonly predicate: FeaturePredicate | undefined,
    private readonly bbox: Rect | undefined,
    specHash: string,
  ) {
    this.keep = definition.properties.map((p) => p.name);
    // Positions come from an order computed on this view's scan: already inside it.
    const readAt = source.readAt?.bind(source);
    this.readAt = readAt && ((indices) => this.trimAll(readAt(indices)));
    // Caches keyed by versions (counts, tiles) must never mix a view with its source.
    this.tag = `view:${definition.id}:${specHash}`;
  }

  private trim(f: Feature): Feature {
    const all = f.properties;
    const properties: Record<string, unknown> = {};
    for (const name of this.keep) if (name in all) properties[name] = all[name];
    // No json(): the source's fast path would write the hidden properties.
    return { id: f.id, index: f.index, geometry: f.geometry, properties };
  }

  private async *trimAll(features: AsyncIterable<Feature>): AsyncGenerator<Feature> {
    for await (const f of features) yield this.trim(f);
  }

  async stats(): Promise<ProviderStats> {
    const base = await this.source.stats();
    if (!this.counted || this.counted.version !== base.version) {
      const stats = this.predicate ? this.count(base) : Promise.resolve({ ...base, metadata: undefined });
      this.counted = { version: base.version, stats: stats.then((s) => ({ ...s, version: `${base.version}|${this.tag}` })) };
      stats.catch(() => { this.counted = null; });
    }
    return this.counted.stats;
  }

  /** One pass decoding only what the filter reads, for the view's own count and extent. */
  private async count(base: ProviderStats): Promise<ProviderStats> {
    const test = this.predicate!;
    let featuresCount = 0;
    let extent: Rect | null = null;
    const needs = test.needs ?? { properties: this.keep, geometry: true };
    const counter = withNeeds((f) => {
      if (test(f)) { featuresCount++; extent = extend(extent, f.geometry); }
      return false;
    }, needs.properties, this.definition.geometryType !== null || needs.geometry);
    for await (const _ of this.source.scan(this.bbox, counter)) { /* the counter keeps nothing */ }
    const temporalExtent = this.definition.temporal ? base.metadata?.temporalExtent : undefined;
    return { featuresCount, extent, version: base.version, metadata: temporalExtent ? { temporalExtent } : undefined };
  }

  async query(query: ProviderQuery): Promise<ProviderResult> {
    const predicate = and([this.predicate, query.predicate]);
    const bbox = intersect(this.bbox, query.bbox);
    if (query.count && this.predicate && !hasConditions(query) && !query.bbox) {
      // The whole view: its count is known from stats, no second pass.
      const result = await this.source.query({ ...query, predicate, bbox, count: false });
      return { features: this.trimAll(result.features), numberMatched: async () => { await result.numberMatched(); return (await this.stats()).featuresCount; } };
    }
    const result = await this.source.query({ ...query, predicate, bbox });
    return { features: this.trimAll(result.features), numberMatched: result.numberMatched };
  }

  async *scan(bbox?: Rect, predicate?: FeaturePredicate, options?: ScanOptions): AsyncIterable<Feature> {
    yield* this.trimAll(this.source.scan(intersect(this.bbox, bbox), and([this.predicate, predicate]), options));
  }

  async *scanBatches(bbox?: Rect, predicate?: FeaturePredicate, options?: ScanOptions): AsyncIterable<Feature[]> {
    for await (const batch of batchesOf(this.source, intersect(this.bbox, bbox), and([this.predicate, predicate]), options)) yield batch.map((f) => this.trim(f));
  }

  async get(id: string): Promise<Feature | null> {
    const feature = await this.source.get(id);
    if (!feature || (this.predicate && !this.predicate(feature))) return null;
    return this.trim(feature);
  }

  /** The source belongs to its catalog, which closes it. */
  async close(): Promise<void> {}
}

/** Builds a view of a served collection; throws ViewError for a bad filter or property list. */
export function createView(source: ServedCollection, spec: ViewSpec): ServedCollection {
  const definition = viewDefinition(source.definition, spec);
  let predicate: FeaturePredicate | undefined;
  let bbox: Rect | undefined;
  if (spec.filter !== undefined) {
    const params: Record<string, string> = typeof spec.filter === 'string' ? { filter: spec.filter } : { filter: JSON.stringify(spec.filter), 'filter-lang': 'cql2-json' };
    try {
      ({ predicate, bbox } = filterPredicate(params, source.definition));
    } catch (error) {
      if (error instanceof OgcError) throw new ViewError(`view ${spec.id}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  const hash = createHash('sha1').update(JSON.stringify([source.definition.id, spec.filter ?? null, definition.properties.map((p) => p.name)])).digest('base64url').slice(0, 12);
  return { definition, provider: new ViewProvider(source.provider, definition, predicate, bbox, hash) };
}
