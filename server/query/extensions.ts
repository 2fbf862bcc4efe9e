// The extension contracts of the engine: what a standard part adds to items requests (parameters,
// conditions, shapers, formats) and to collection documents. Routes consume them; parts implement them.
import type { Response } from 'express';
import type { Feature as GeoJsonFeature } from 'geojson';
import type { ServedCollection } from '../catalog.js';
import type { FeatureShaper } from '../formats/geojson.js';
import type { FormatChoice } from '../params/format.js';
import type { SortKey } from '../sort.js';
import type { Feature, FeaturePredicate, QueryConditions, Rect } from '../types.js';

/** An items request being planned: extensions add to it, the route turns it into a ProviderQuery. */
export interface ItemsPlan {
  bbox?: Rect;
  /** Declarative conditions (datetime, property equalities, CQL2): providers may use indexes on them. */
  where: QueryConditions;
  /** Opaque conditions (e.g. a bbox in another CRS): ANDed with `where`, evaluated on features. */
  predicates: (FeaturePredicate | undefined)[];
  /** Applied in order to each output feature (property selection, reprojection…). */
  shapers: ((f: GeoJsonFeature) => GeoJsonFeature)[];
  headers: Record<string, string>;
  /** sortby: the page is the best offset+limit of a full scan (bounded heap). */
  sort?: SortKey[];
  /** `properties`: the properties the answer shows (a hint for providers). */
  properties?: string[];
}

/** A standard part that adds query parameters to items (and feature) requests. */
export interface ItemsExtension {
  parameters: string[];
  /** Parameters also accepted on a single feature. */
  featureParameters?: string[];
  apply(params: Record<string, string>, collection: ServedCollection, plan: ItemsPlan): void | Promise<void>;
  /** Extra output formats for items (CSV, FlatGeobuf…). */
  formats?: ItemsFormat[];
}

export interface ItemsFormat extends FormatChoice {
  /** Streams the whole result; `page` gives features of the current page. */
  write(res: Response, features: AsyncIterable<Feature>, shape: FeatureShaper, collection: ServedCollection, fileName?: string): Promise<void>;
}

/** Extension point: other parts (CRS, tiles, filtering) add fields and links to a collection. */
export type CollectionDecorator = (doc: Record<string, any>, collection: ServedCollection, base: string) => void;
