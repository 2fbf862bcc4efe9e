// Types shared by the generic engine. Nothing here knows about water.
import type { Geometry } from 'geojson';
import type { Node } from './cql2/ast.js';
import type { CrsInfo } from './crs/index.js';
import type { Interval } from './params/datetime.js';
import type { SortKey } from './sort.js';

export type PropertyType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'array';

export interface PropertyDefinition {
  name: string;
  type: PropertyType;
  title: string;
  description?: string;
  /** Code list: value → label. Used by queryables (enum) and documentation. */
  enum?: Record<string, string>;
  /** Array item type when type is 'array' (stored as JSON in FlatGeobuf). */
  items?: 'string';
  nullable?: boolean;
  /** Usable as a simple query parameter on items (?name=value). Default true. */
  queryable?: boolean;
  /** Usable in sortby. */
  sortable?: boolean;
  format?: 'uri' | 'date';
}

export interface TemporalDefinition {
  /** Property holding the start of the interval (or the instant). */
  start: string;
  /** Property holding the end of the interval; open when null. */
  end?: string;
  /** 'year': an integer year covering the whole calendar year; 'date': an ISO date. */
  kind: 'year' | 'date';
  /** Dates to read as unknown (e.g. Hub'Eau's 1900-01-01 placeholder). */
  unknownValues?: string[];
}

export interface CollectionDefinition {
  id: string;
  title: string;
  description: string;
  keywords?: string[];
  /** File name (without directory) of the FlatGeobuf in the data directory, or an http(s) URL. */
  source: string;
  /** Properties composing the feature id, joined by '_' (stable across rebuilds). */
  idProperties: string[];
  properties: PropertyDefinition[];
  temporal?: TemporalDefinition;
  /** Geometry type served; null for a non-spatial collection. */
  geometryType: 'Point' | 'MultiPolygon' | 'Polygon' | null;
  /**
   * The file is stored in parts by these properties, in this order, each part in spatial (Hilbert)
   * order: a query or tile restricted to one value (a map's latest year) reads one compact part
   * instead of one row in many. The default sort is file order. Absent: one part.
   */
  partitionBy?: { property: string; descending?: boolean }[];
  attribution?: string;
  license?: { title: string; href: string };
  /** Free links (documentation, source) shown on the collection. */
  links?: { href: string; rel: string; type?: string; title?: string }[];
}

export interface Rect { minX: number; minY: number; maxX: number; maxY: number }

export type Properties = Record<string, unknown>;

/** A feature as the engine passes it between provider, filter and formats. */
export interface Feature {
  id: string;
  /** Position in the file (stable for one file version); used for paging and tie-breaks. */
  index: number;
  geometry: Geometry | null;
  properties: Properties;
  /** GeoJSON text of the unshaped feature, when the provider can write it faster than decoding. */
  json?: () => string | undefined;
}

/**
 * A predicate evaluated on decoded features (attribute, datetime, CQL2 filters). When it says
 * which properties it reads (and whether it reads the geometry), a scan decodes only those
 * before testing, and decodes the whole feature only for matches.
 */
export type FeaturePredicate = ((feature: Feature) => boolean) & { needs?: PredicateNeeds };

export interface PredicateNeeds { properties: string[]; geometry: boolean }

export function withNeeds(test: (feature: Feature) => boolean, properties: string[], geometry = false): FeaturePredicate {
  return Object.assign(test, { needs: { properties, geometry } });
}

/**
 * Declarative conditions of a query, all ANDed; typed against `definition`. A provider may look
 * into them (indexes, push-down); `wherePredicate` (server/query/predicate.ts) turns them into
 * the equivalent predicate for providers that can only scan.
 */
export interface QueryConditions {
  /** The collection the conditions are typed against (property types, temporal properties). */
  definition: CollectionDefinition;
  /** CQL2 tree (server/cql2), geometry literals in `filterCrs` (CRS84 when absent). */
  filter?: Node;
  filterCrs?: CrsInfo;
  /** Instant or interval (ms, open ends null) meeting the collection's temporal interval. */
  datetime?: Interval;
  /** property → accepted values (typed): equal to one of them; for an array property, holding one. */
  equals?: Record<string, unknown[]>;
}

export interface ProviderQuery {
  /** Bounding box in the storage CRS (CRS84): pushed down to the spatial index. */
  bbox?: Rect;
  /** Declarative conditions (see QueryConditions). */
  where?: QueryConditions;
  /** An opaque extra condition (views, APIs mapped onto closures), ANDed with `where`. */
  predicate?: FeaturePredicate;
  /** Order of the result (default storage order); see server/query/run.ts for the generic fallback. */
  sort?: SortKey[];
  /** Properties the caller will read (a hint: a provider may decode only these). */
  properties?: string[];
  offset: number;
  limit: number;
  /** Whether numberMatched is wanted (may force a full pass when conditions are present). */
  count: boolean;
  /**
   * A count that would test more features than this is not made: numberMatched is then undefined
   * (optional in OGC API – Features). Absent: always count.
   */
  countLimit?: number;
}

export interface ProviderResult {
  features: AsyncIterable<Feature>;
  /** Resolves once the iterable is fully consumed (or immediately when known upfront). */
  numberMatched: () => Promise<number | undefined>;
}

export interface ProviderStats {
  featuresCount: number;
  extent: Rect | null;
  /** Identifies the file version (mtime+size or ETag) for caches and ETags. */
  version: string;
  /** Free metadata stored with the data at build time (e.g. the temporal extent). */
  metadata?: { temporalExtent?: [string | null, string | null] } & Record<string, unknown>;
}

export interface ScanOptions {
  /** Decode only these properties (the geometry and the id always): decoding is most of a scan's cost. */
  properties?: string[];
  /**
   * Hints for renderers (vector tiles); a provider may ignore them, the caller's result stays right.
   * keepBox: features whose bounding box fails it may be skipped unread (polygons too small to draw).
   */
  keepBox?: (minX: number, minY: number, maxX: number, maxY: number) => boolean;
  /**
   * Without a predicate: past this many features, an even sample of about this many, whole runs of
   * consecutive features with one bounding box kept together (the rows of one area stay together).
   */
  sample?: number;
  /** Consecutive features with the same geometry may share one geometry object: read it, never change it. */
  shareGeometry?: boolean;
  /**
   * With `properties`: when the provider knows before reading that at most `count` features can match,
   * it may decode them whole (or with `properties` of its own) instead, and then calls `whole()` first
   * (a caller that would read a small answer twice, lean then whole, reads it once).
   */
  wholeUpTo?: { count: number; properties?: string[]; whole: () => void };
  /**
   * Conditions the predicate tests (all or some of them), declaratively: a provider may use its indexes
   * to read only the features that can match. The predicate stays the test.
   */
  where?: QueryConditions;
}

/** One backend behind one interface (pygeoapi-style), async-iterable results. */
export interface Provider {
  stats(): Promise<ProviderStats>;
  query(query: ProviderQuery): Promise<ProviderResult>;
  /** Streams every feature matching bbox/predicate in storage order (exports, tiles, aggregates). */
  scan(bbox?: Rect, predicate?: FeaturePredicate, options?: ScanOptions): AsyncIterable<Feature>;
  /** The same in arrays, where a provider can avoid one await per feature (see batchesOf). */
  scanBatches?(bbox?: Rect, predicate?: FeaturePredicate, options?: ScanOptions): AsyncIterable<Feature[]>;
  get(id: string): Promise<Feature | null>;
  /** Features at file positions (ascending, as `Feature.index` gives them): pages of a cached sort order. */
  readAt?(indices: Uint32Array): AsyncIterable<Feature>;
  close(): Promise<void>;
}

/**
 * An async iterator that can also hand out the items it already holds (a provider's decoded batch)
 * without a promise each: a consumer of a 1,000-feature page then awaits once per batch, not once per
 * feature (each promise also runs the async-context hooks of every AsyncLocalStorage).
 */
export interface BufferedIterator<T> extends AsyncIterator<T> {
  /** The items in hand after the last next(), consumed by this call ([] when none). */
  buffered?(): T[];
}

/** A provider's scan in arrays: its own scanBatches when it has one, else its scan() grouped. */
export async function* batchesOf(provider: Provider, bbox?: Rect, predicate?: FeaturePredicate, options?: ScanOptions): AsyncIterable<Feature[]> {
  if (provider.scanBatches) { yield* provider.scanBatches(bbox, predicate, options); return; }
  let batch: Feature[] = [];
  for await (const f of provider.scan(bbox, predicate, options)) if (batch.push(f) >= 1024) { yield batch; batch = []; }
  if (batch.length) yield batch;
}
