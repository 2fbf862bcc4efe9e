// Thinning of dense point layers: grid clustering inside one tile, so low zooms stay light.
import type { Feature as GeoJsonFeature, Point } from 'geojson';
import type { Feature } from '../types.js';
import { resolveTms, tileProjector, type TmsRef } from './matrix-sets.js';

export const DEFAULT_MAX_FEATURES = 2000;
export const DEFAULT_MAX_BYTES = 500 * 1024;
/** Cells per tile side tried in turn until the tile fits (64 → 64 px cells at extent 4096). */
export const GRID_SIZES = [64, 32, 16, 8, 4, 2, 1];

export type TileFeature = GeoJsonFeature<Point, Record<string, unknown>>;

export interface ClusterOptions {
  /** Cells per tile side. */
  gridSize: number;
  /** Numeric property summed per cluster as `${sumProperty}_sum`. */
  sumProperty?: string;
  /** Drop the optional `id` kept on single-point cells (used when a tile must shrink). */
  lean?: boolean;
}

/** A layer made only of Point features (null geometries ignored) can be clustered. */
export function isPointLayer(features: readonly Feature[]): boolean {
  let points = 0;
  for (const f of features) {
    if (!f.geometry) continue;
    if (f.geometry.type !== 'Point') return false;
    points++;
  }
  return points > 0;
}

/**
 * Tile-local position of each point: [u0, v0, u1, v1, …] with u, v ∈ [0, 1] inside the tile,
 * NaN for features without a Point geometry.
 */
export function localPositions(
  features: readonly Feature[],
  tms: TmsRef,
  z: number,
  row: number,
  col: number,
): Float64Array {
  const p = tileProjector(tms, z);
  const out = new Float64Array(features.length * 2);
  for (let i = 0; i < features.length; i++) {
    const g = features[i].geometry;
    if (g?.type !== 'Point') {
      out[2 * i] = out[2 * i + 1] = NaN;
      continue;
    }
    out[2 * i] = p.x(g.coordinates[0]) - col;
    out[2 * i + 1] = p.y(g.coordinates[1]) - row;
  }
  return out;
}

/**
 * Whether a tile-local position belongs to this tile. Half-open [0, 1) so that a point on an
 * edge is counted by exactly one tile; the far edge of the matrix is closed.
 */
function owned(u: number, v: number, lastCol: boolean, lastRow: boolean): boolean {
  return u >= 0 && (u < 1 || (lastCol && u === 1)) && v >= 0 && (v < 1 || (lastRow && v === 1));
}

/** Number of points owned by the tile (what the maxFeatures threshold is compared with). */
export function countOwned(pos: Float64Array, tms: TmsRef, z: number, row: number, col: number): number {
  const m = resolveTms(tms).tileMatrices[z];
  const lastCol = col === m.matrixWidth - 1;
  const lastRow = row === m.matrixHeight - 1;
  let n = 0;
  for (let i = 0; i < pos.length; i += 2) if (owned(pos[i], pos[i + 1], lastCol, lastRow)) n++;
  return n;
}

/**
 * One point per occupied grid cell, at the mean CRS84 position of its members (the mean of
 * positions inside a cell stays in the cell, both projections being monotonic per axis).
 * Properties: cluster: true, point_count, `${sumProperty}_sum`; single-point cells also keep the
 * member's `id` (unless lean) so a client can still open the item. Points outside the tile are
 * left to the neighbouring tile, so counts and sums add up across tiles.
 */
export function clusterPoints(
  features: readonly Feature[],
  pos: Float64Array,
  tms: TmsRef,
  z: number,
  row: number,
  col: number,
  options: ClusterOptions,
): TileFeature[] {
  const m = resolveTms(tms).tileMatrices[z];
  const lastCol = col === m.matrixWidth - 1;
  const lastRow = row === m.matrixHeight - 1;
  const g = Math.max(1, Math.floor(options.gridSize));
  const cells = g * g;
  const count = new Uint32Array(cells);
  const sumLon = new Float64Array(cells);
  const sumLat = new Float64Array(cells);
  const sum = new Float64Array(cells);
  const first = new Int32Array(cells).fill(-1);
  const key = options.sumProperty;

  for (let i = 0; i < features.length; i++) {
    const u = pos[2 * i];
    const v = pos[2 * i + 1];
    if (!owned(u, v, lastCol, lastRow)) continue;
    const cell = Math.min(g - 1, Math.floor(v * g)) * g + Math.min(g - 1, Math.floor(u * g));
    const c = (features[i].geometry as Point).coordinates;
    if (count[cell]++ === 0) first[cell] = i;
    sumLon[cell] += c[0];
    sumLat[cell] += c[1];
    if (key !== undefined) {
      const value = features[i].properties[key];
      if (typeof value === 'number' && Number.isFinite(value)) sum[cell] += value;
    }
  }

  const out: TileFeature[] = [];
  for (let cell = 0; cell < cells; cell++) {
    const n = count[cell];
    if (n === 0) continue;
    const tags: Record<string, unknown> = { cluster: true, point_count: n };
    if (key !== undefined) tags[`${key}_sum`] = sum[cell];
    if (n === 1 && !options.lean) tags.id = features[first[cell]].id;
    out.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [sumLon[cell] / n, sumLat[cell] / n] },
      properties: tags,
    });
  }
  return out;
}

/**
 * Whether a layer's features can only reach the tile as grid clusters (a point layer owning more than
 * maxFeatures in the tile): then they need no properties but the summed one and the id.
 */
export function clustersOnly(features: readonly Feature[], tms: TmsRef, z: number, row: number, col: number, maxFeatures = DEFAULT_MAX_FEATURES): boolean {
  return features.length > maxFeatures && isPointLayer(features) && countOwned(localPositions(features, tms, z, row, col), tms, z, row, col) > maxFeatures;
}

/** Owned points of one tile pre-aggregated per cell of a GRID_SIZES[0] grid (see preaggregate.ts). */
export interface CellInput {
  cell: Uint16Array;
  count: Uint32Array;
  sumLon: Float64Array;
  sumLat: Float64Array;
  sum: Float64Array;
  id: (string | null)[];
}

/**
 * clusterPoints from pre-aggregated cells: the same clusters (a coarser grid merges 2^k × 2^k fine
 * cells, as floor(u·g) does), counts and sums up to the order of the floating-point additions.
 */
export function clusterCells(cells: CellInput, options: ClusterOptions): TileFeature[] {
  const fine = GRID_SIZES[0];
  const g = Math.max(1, Math.floor(options.gridSize));
  const step = fine / g;
  const n = g * g;
  const count = new Uint32Array(n);
  const sumLon = new Float64Array(n);
  const sumLat = new Float64Array(n);
  const sum = new Float64Array(n);
  const first = new Int32Array(n).fill(-1);
  for (let i = 0; i < cells.cell.length; i++) {
    const fy = Math.floor(cells.cell[i] / fine);
    const fx = cells.cell[i] % fine;
    const cell = Math.floor(fy / step) * g + Math.floor(fx / step);
    if (count[cell] === 0) first[cell] = i;
    count[cell] += cells.count[i];
    sumLon[cell] += cells.sumLon[i];
    sumLat[cell] += cells.sumLat[i];
    sum[cell] += cells.sum[i];
  }
  const out: TileFeature[] = [];
  for (let cell = 0; cell < n; cell++) {
    const c = count[cell];
    if (c === 0) continue;
    const tags: Record<string, unknown> = { cluster: true, point_count: c };
    if (options.sumProperty !== undefined) tags[`${options.sumProperty}_sum`] = sum[cell];
    if (c === 1 && !options.lean) tags.id = cells.id[first[cell]];
    out.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [sumLon[cell] / c, sumLat[cell] / c] }, properties: tags });
  }
  return out;
}

/**
 * The owned points of a tile per cell of the finest grid (what the pre-aggregates store), from features:
 * a dense layer then travels to a tile worker as a few typed arrays instead of every feature.
 */
export function cellsOf(features: readonly Feature[], tms: TmsRef, z: number, row: number, col: number, sumProperty?: string): CellInput {
  const fine = GRID_SIZES[0];
  const pos = localPositions(features, tms, z, row, col);
  const m = resolveTms(tms).tileMatrices[z];
  const lastCol = col === m.matrixWidth - 1;
  const lastRow = row === m.matrixHeight - 1;
  const n = fine * fine;
  const count = new Uint32Array(n);
  const sumLon = new Float64Array(n);
  const sumLat = new Float64Array(n);
  const sum = new Float64Array(n);
  const first = new Int32Array(n).fill(-1);
  for (let i = 0; i < features.length; i++) {
    const u = pos[2 * i];
    const v = pos[2 * i + 1];
    if (!owned(u, v, lastCol, lastRow)) continue;
    const cell = Math.min(fine - 1, Math.floor(v * fine)) * fine + Math.min(fine - 1, Math.floor(u * fine));
    const c = (features[i].geometry as Point).coordinates;
    if (count[cell]++ === 0) first[cell] = i;
    sumLon[cell] += c[0];
    sumLat[cell] += c[1];
    if (sumProperty !== undefined) {
      const value = features[i].properties[sumProperty];
      if (typeof value === 'number' && Number.isFinite(value)) sum[cell] += value;
    }
  }
  const cells: number[] = [];
  for (let cell = 0; cell < n; cell++) if (count[cell] > 0) cells.push(cell);
  return {
    cell: Uint16Array.from(cells),
    count: Uint32Array.from(cells, (c) => count[c]),
    sumLon: Float64Array.from(cells, (c) => sumLon[c]),
    sumLat: Float64Array.from(cells, (c) => sumLat[c]),
    sum: Float64Array.from(cells, (c) => sum[c]),
    id: cells.map((c) => (count[c] === 1 ? features[first[c]].id : null)),
  };
}
