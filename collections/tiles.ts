// Tile pre-aggregates of the point collections (server/tiles/preaggregate.ts): written by the build
// beside each FlatGeobuf, they answer the dense low-zoom tiles (clusters) without decoding every point.
import type { PreAggregateSpec } from '../server/tiles/index.js';

/** Property summed in the clusters of a collection's tiles (`volume_sum`). */
export const TILE_SUM_PROPERTY: Record<string, string> = { chroniques: 'volume' };

/** Zooms 0–8: from zoom 9 a tile of the densest area holds few enough points to be read directly. */
const MAX_ZOOM = 8;

export const TILE_PRE_AGGREGATES: Record<string, PreAggregateSpec> = Object.fromEntries(
  ['chroniques', 'ouvrages', 'points_prelevement'].map((id) => [id, { maxZoom: MAX_ZOOM, sumProperty: TILE_SUM_PROPERTY[id] }]),
);
