// Tile pre-aggregates of the point collections (server/tiles/preaggregate.ts): written by the build
// beside each FlatGeobuf, they answer the dense low-zoom tiles (clusters) without decoding every point.
import type { PreAggregateSpec } from '../server/tiles/index.js';

/** Property summed in the clusters of a collection's tiles (`volume_sum`). */
export const TILE_SUM_PROPERTY: Record<string, string> = { chroniques: 'volume' };

/**
 * Zooms 0–12: at scale 1 a zoom-9 tile over Paris still owns 37,000 chroniques; from zoom 12 no tile of
 * the default dataset owns over 2,000 points (the sidecar keeps only the tiles that do, so deep zooms cost little).
 */
const MAX_ZOOM = 12;

export const TILE_PRE_AGGREGATES: Record<string, PreAggregateSpec> = Object.fromEntries(
  ['chroniques', 'ouvrages', 'points_prelevement'].map((id) => [id, { maxZoom: MAX_ZOOM, sumProperty: TILE_SUM_PROPERTY[id] }]),
);
