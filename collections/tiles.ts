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

/**
 * The volumes per commune and per EPCI are points when no boundaries were given at build time (the
 * default dataset): ~33 rows (years × usages) stacked on each of 35,000 communes make their low-zoom
 * tiles as dense as the chroniques'. Built only from point geometries, so areas with outlines get none.
 */
export const TILE_PRE_AGGREGATES: Record<string, PreAggregateSpec> = Object.fromEntries(
  ['chroniques', 'ouvrages', 'points_prelevement', 'volumes_communes', 'volumes_epci'].map((id) => [id, { maxZoom: MAX_ZOOM, sumProperty: TILE_SUM_PROPERTY[id] }]),
);
/** The map shows the chroniques of the latest year (collections/style.ts): their dense tiles get clusters of their own. */
TILE_PRE_AGGREGATES.chroniques.latestOf = 'annee';

/**
 * Zooms 0–2 of the stacked areas rendered at build time (server/tiles/prerendered.ts): there one tile
 * spans France or a continent and reads every area's years × usages (~4,000 rows, 10 MB of repeated
 * outlines for a département tile at zoom 0). Only where the file holds lines or polygons; deeper
 * tiles, and every filtered one, are rendered from the data.
 */
export const TILE_PRERENDERED: Record<string, number> = Object.fromEntries(
  ['volumes_departements', 'volumes_regions', 'volumes_epci', 'volumes_communes'].map((id) => [id, 2]),
);
