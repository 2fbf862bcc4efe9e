// OGC Two Dimensional Tile Matrix Set 2.0 (OGC 17-083r4) documents and tile arithmetic
// for WebMercatorQuad (Annex D.1) and WorldCRS84Quad (Annex D.2).
import type { Rect } from '../types.js';

export type TileMatrixSetId = 'WebMercatorQuad' | 'WorldCRS84Quad';

export interface TileMatrix {
  id: string;
  scaleDenominator: number;
  cellSize: number;
  cornerOfOrigin: 'topLeft';
  pointOfOrigin: [number, number];
  tileWidth: number;
  tileHeight: number;
  matrixWidth: number;
  matrixHeight: number;
}

export interface TileMatrixSet {
  id: TileMatrixSetId;
  title: string;
  uri: string;
  crs: string;
  orderedAxes: [string, string];
  wellKnownScaleSet: string;
  tileMatrices: TileMatrix[];
}

export interface TileMatrixLimits {
  tileMatrix: string;
  minTileRow: number;
  maxTileRow: number;
  minTileCol: number;
  maxTileCol: number;
}

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG3857 = 'http://www.opengis.net/def/crs/EPSG/0/3857';
/** Standardized rendering pixel size (0.28 mm) used by the standard to derive scale denominators. */
const PIXEL_SIZE = 0.00028;
const EARTH_RADIUS = 6378137;
/** Half the Web Mercator world width in metres (π·R = 20037508.3427892…). */
const HALF_WORLD = Math.PI * EARTH_RADIUS;
/** Metres per degree at the equator: the standard's conversion for degree-based CRSs. */
const METRES_PER_DEGREE = (2 * Math.PI * EARTH_RADIUS) / 360;
/** Latitude where Web Mercator's square world ends. */
export const MAX_MERCATOR_LAT = 85.0511287798066;

function matrices(
  maxZoom: number,
  cellSize0: number,
  metresPerUnit: number,
  origin: [number, number],
  width0: number,
): TileMatrix[] {
  const out: TileMatrix[] = [];
  for (let z = 0; z <= maxZoom; z++) {
    const cellSize = cellSize0 / 2 ** z;
    out.push({
      id: String(z),
      scaleDenominator: (cellSize * metresPerUnit) / PIXEL_SIZE,
      cellSize,
      cornerOfOrigin: 'topLeft',
      pointOfOrigin: origin,
      tileWidth: 256,
      tileHeight: 256,
      matrixWidth: width0 * 2 ** z,
      matrixHeight: 2 ** z,
    });
  }
  return out;
}

export const WEB_MERCATOR_QUAD: TileMatrixSet = {
  id: 'WebMercatorQuad',
  title: 'Google Maps Compatible for the World',
  uri: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad',
  crs: EPSG3857,
  orderedAxes: ['X', 'Y'],
  wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible',
  tileMatrices: matrices(24, (2 * HALF_WORLD) / 256, 1, [-HALF_WORLD, HALF_WORLD], 1),
};

export const WORLD_CRS84_QUAD: TileMatrixSet = {
  id: 'WorldCRS84Quad',
  title: 'CRS84 for the World',
  uri: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WorldCRS84Quad',
  crs: CRS84,
  orderedAxes: ['Lon', 'Lat'],
  wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleCRS84Quad',
  tileMatrices: matrices(17, 180 / 256, METRES_PER_DEGREE, [-180, 90], 2),
};

export const TILE_MATRIX_SETS: Record<TileMatrixSetId, TileMatrixSet> = {
  WebMercatorQuad: WEB_MERCATOR_QUAD,
  WorldCRS84Quad: WORLD_CRS84_QUAD,
};

export type TmsRef = TileMatrixSet | TileMatrixSetId;

/** The tile matrix set for an id from a URL, or undefined when unknown. */
export function getTileMatrixSet(id: string): TileMatrixSet | undefined {
  return Object.prototype.hasOwnProperty.call(TILE_MATRIX_SETS, id)
    ? TILE_MATRIX_SETS[id as TileMatrixSetId]
    : undefined;
}

export function resolveTms(tms: TmsRef): TileMatrixSet {
  const set = typeof tms === 'string' ? getTileMatrixSet(tms) : tms;
  if (!set) throw new RangeError(`Unknown tile matrix set: ${String(tms)}`);
  return set;
}

export function maxZoomOf(tms: TmsRef): number {
  return resolveTms(tms).tileMatrices.length - 1;
}

/**
 * Position in tile units of matrix z, per axis (both sets are separable): x(lon) = col + u and
 * y(lat) = row + v, u and v being fractions inside the tile (v downwards). Not clamped.
 */
export function tileProjector(tms: TmsRef, z: number): { x: (lon: number) => number; y: (lat: number) => number } {
  const n = 2 ** z;
  if (resolveTms(tms).id === 'WorldCRS84Quad') {
    return { x: (lon) => ((lon + 180) * n) / 180, y: (lat) => ((90 - lat) * n) / 180 };
  }
  return {
    x: (lon) => ((lon + 180) / 360) * n,
    y: (lat) => {
      const sin = Math.sin((Math.max(-MAX_MERCATOR_LAT, Math.min(MAX_MERCATOR_LAT, lat)) * Math.PI) / 180);
      return (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * n;
    },
  };
}

/** Position of a CRS84 point in tile units of matrix z: [col + u, row + v]. */
export function lonLatToTile(tms: TmsRef, z: number, lon: number, lat: number): [number, number] {
  const p = tileProjector(tms, z);
  return [p.x(lon), p.y(lat)];
}

/** Inverse of lonLatToTile: CRS84 position of tile-unit coordinates. */
export function tileToLonLat(tms: TmsRef, z: number, x: number, y: number): [number, number] {
  const set = resolveTms(tms);
  const n = 2 ** z;
  if (set.id === 'WorldCRS84Quad') return [(x * 180) / n - 180, 90 - (y * 180) / n];
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
  return [(x / n) * 360 - 180, lat];
}

/** Whether z/row/col addresses an existing tile (integers, inside the matrix). */
export function validTile(tms: TmsRef, z: number, row: number, col: number): boolean {
  const set = resolveTms(tms);
  if (![z, row, col].every(Number.isInteger)) return false;
  const m = set.tileMatrices[z];
  if (z < 0 || !m) return false;
  return row >= 0 && row < m.matrixHeight && col >= 0 && col < m.matrixWidth;
}

/** CRS84 bounds of a tile (for a spatial-index query). Throws on an invalid tile. */
export function tileBounds(tms: TmsRef, z: number, row: number, col: number): Rect {
  if (!validTile(tms, z, row, col)) throw new RangeError(`Invalid tile ${z}/${row}/${col}`);
  const [minX, maxY] = tileToLonLat(tms, z, col, row);
  const [maxX, minY] = tileToLonLat(tms, z, col + 1, row + 1);
  return { minX, minY, maxX, maxY };
}

/** Rows and columns of each matrix minZoom..maxZoom intersecting a CRS84 extent. */
export function tileMatrixLimits(
  tms: TmsRef,
  extent: Rect,
  minZoom: number,
  maxZoom: number,
): TileMatrixLimits[] {
  const set = resolveTms(tms);
  const out: TileMatrixLimits[] = [];
  const hi = Math.min(maxZoom, set.tileMatrices.length - 1);
  for (let z = Math.max(0, minZoom); z <= hi; z++) {
    const m = set.tileMatrices[z];
    const [x0, y0] = lonLatToTile(set, z, extent.minX, extent.maxY);
    const [x1, y1] = lonLatToTile(set, z, extent.maxX, extent.minY);
    const clampCol = (v: number) => Math.max(0, Math.min(m.matrixWidth - 1, v));
    const clampRow = (v: number) => Math.max(0, Math.min(m.matrixHeight - 1, v));
    const minTileCol = clampCol(Math.floor(x0));
    const minTileRow = clampRow(Math.floor(y0));
    // An extent ending exactly on a tile edge does not touch the next tile.
    out.push({
      tileMatrix: m.id,
      minTileRow,
      maxTileRow: Math.max(minTileRow, clampRow(Math.ceil(y1) - 1)),
      minTileCol,
      maxTileCol: Math.max(minTileCol, clampCol(Math.ceil(x1) - 1)),
    });
  }
  return out;
}

/**
 * CRS84 bounds of a tile grown by `buffer` of its size on each side (default 64/4096, the MVT
 * buffer): the bbox to query so that features just outside still draw across the tile edge.
 */
export function bufferedTileBounds(tms: TmsRef, z: number, row: number, col: number, buffer = 64 / 4096): Rect {
  if (!validTile(tms, z, row, col)) throw new RangeError(`Invalid tile ${z}/${row}/${col}`);
  const [minX, maxY] = tileToLonLat(tms, z, col - buffer, row - buffer);
  const [maxX, minY] = tileToLonLat(tms, z, col + 1 + buffer, row + 1 + buffer);
  const m = resolveTms(tms).tileMatrices[z];
  // Web Mercator's edge rows also draw what lies beyond ±85.05° (clamped onto the edge).
  return {
    minX: Math.max(-180, minX),
    minY: row === m.matrixHeight - 1 ? -90 : Math.max(-90, minY),
    maxX: Math.min(180, maxX),
    maxY: row === 0 ? 90 : Math.min(90, maxY),
  };
}
