// Mapbox Vector Tile encoding of CRS84 features: geojson-vt clips/simplifies, mvt.ts writes.
import GeoJSONVT from 'geojson-vt';
import { RowTags, writeMvt, type Tags, type VtFeature } from './mvt.js';
import type { Feature as GeoJsonFeature, Geometry, Position } from 'geojson';
import type { Feature } from '../types.js';
import { lonLatToTile, resolveTms, validTile, type TileMatrixSet, type TmsRef } from './matrix-sets.js';
import {
  clusterCells,
  clusterPoints,
  countOwned,
  type CellInput,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FEATURES,
  GRID_SIZES,
  isPointLayer,
  localPositions,
} from './thin.js';

export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
/** geojson-vt's default simplification tolerance, in tile pixels (of 4096). */
const TOLERANCE = 3;

export interface TileLayerInput {
  /** MVT layer name (unique within a tile). */
  name: string;
  /** Features in CRS84; the caller should select them with bufferedTileBounds(). */
  features: Feature[];
  /**
   * Pre-aggregated owned points (preaggregate.ts), for a point layer known to be dense in this tile:
   * it is then clusters only, and `features` is ignored.
   */
  cells?: CellInput;
  /**
   * Property of the rows' period (e.g. their year): stacked areas over the tile's bound keep the rows
   * of the latest periods, with their attributes (see keepLatest).
   */
  period?: string;
}

export interface EncodeOptions {
  /** Point layers with more points than this in the tile are grid-clustered. Default 2,000. */
  maxFeatures?: number;
  /** Hard cap on the encoded tile size. Default 500 KiB. */
  maxBytes?: number;
  /** Numeric property summed in clusters as `${sumProperty}_sum`. */
  sumProperty?: string;
}

type TagFeature = GeoJsonFeature<Geometry, Record<string, unknown>>;
interface Prepared {
  name: string;
  features: TagFeature[];
  /** Coordinates already placed in the local tile (see localToVirtual), not CRS84. */
  local?: boolean;
}

/** MVT-ready tags of a row: its attributes (unless lean) and its id as the `id` tag, written by mvt.ts. */
const tagsOf = (f: Feature, lean: boolean) => new RowTags(f.id, lean ? null : f.properties) as unknown as Record<string, unknown>;

function mapPositions(c: unknown, fn: (p: Position) => Position): unknown {
  if (!Array.isArray(c)) return c;
  return typeof c[0] === 'number' ? fn(c as Position) : c.map((x) => mapPositions(x, fn));
}

function mapGeometry(g: Geometry, fn: (p: Position) => Position): Geometry {
  if (g.type === 'GeometryCollection') {
    return { type: g.type, geometries: g.geometries.map((x) => mapGeometry(x, fn)) };
  }
  return { type: g.type, coordinates: mapPositions(g.coordinates, fn) } as Geometry;
}

/**
 * geojson-vt only knows Web Mercator. A WorldCRS84Quad tile z/row/col is the geojson-vt tile
 * (z+1)/col/row once latitude is moved to the "fake" latitude whose Mercator y is (90 − lat)/360:
 * x = (lon + 180)/360 already matches, and the world then fills the upper half of the square.
 * Straight edges stay straight since the overall map (lon, lat) → tile pixels is affine.
 */
function crs84ToFakeMercator(p: Position): Position {
  const lat = Math.max(-90, Math.min(90, p[1]));
  return [p[0], (Math.atan(Math.sinh((Math.PI * (90 + lat)) / 180)) * 180) / Math.PI];
}

/**
 * Points skip geojson-vt's drill-down from z0: their position (u, v) inside the tile is known,
 * so they are placed in the geojson-vt tile 2/1/1 (away from the antimeridian wrap), whose
 * pixels are the target tile's pixels, whatever the tile matrix set.
 */
const LOCAL_TILE = { z: 2, x: 1, y: 1 };
const BUFFER = TILE_BUFFER / TILE_EXTENT;

function localToVirtual(u: number, v: number): Position {
  const y = 1 - (1 + v) / 2; // 1 − 2·fy with fy = (1 + v)/4
  return [((1 + u) / 4) * 360 - 180, (Math.atan(Math.sinh(Math.PI * y)) * 180) / Math.PI];
}

const inBuffer = (u: number, v: number) => u >= -BUFFER && u <= 1 + BUFFER && v >= -BUFFER && v <= 1 + BUFFER;

/** One layer as a standalone MVT; 0 bytes when none of its features reaches the tile; null when over budget (bytes). */
function encodeLayer(
  layer: Prepared,
  set: TileMatrixSet,
  z: number,
  row: number,
  col: number,
  tolerance: number,
  budget: number,
): Uint8Array | null {
  if (layer.features.length === 0) return new Uint8Array(0);
  const crs84 = !layer.local && set.id === 'WorldCRS84Quad';
  const [gz, x, y] = layer.local ? [LOCAL_TILE.z, LOCAL_TILE.x, LOCAL_TILE.y] : [crs84 ? z + 1 : z, col, row];
  const { unique, members } = byGeometry(layer.features);
  const features = crs84
    ? unique.map((f) => ({ ...f, geometry: mapGeometry(f.geometry, crs84ToFakeMercator) }))
    : unique;
  const index = new GeoJSONVT(
    { type: 'FeatureCollection', features },
    {
      // Deeper than the tile: the tile itself gets simplified (none at maxZoom), and line and
      // polygon vertices are quantized to 1/16 px instead of 1 px.
      maxZoom: Math.min(24, gz + 4),
      indexMaxZoom: 0,
      tolerance,
      extent: TILE_EXTENT,
      buffer: TILE_BUFFER,
    },
  );
  const tile = index.getTile(gz, x, y);
  if (!tile || tile.features.length === 0) return new Uint8Array(0);
  const shapes = tile.features as unknown as VtFeature[];
  if (!members) return writeMvt([{ name: layer.name, features: shapes }], TILE_EXTENT, budget);
  // Each clipped shape stands for every feature that shares its geometry, with that feature's tags.
  const expanded: VtFeature[] = [];
  const tags: Tags[] = [];
  for (const shape of shapes) {
    for (const i of members[(shape.tags as { [GROUP]: number })[GROUP]]) { expanded.push(shape); tags.push(layer.features[i].properties); }
  }
  return writeMvt([{ name: layer.name, features: expanded, tags }], TILE_EXTENT, budget);
}

const GROUP = '\u0000group';

/**
 * Features sharing one geometry object (stacked rows of one area, as providers may hand them out):
 * geojson-vt clips and simplifies each geometry once. No sharing: the features as they are.
 */
function byGeometry(features: TagFeature[]): { unique: TagFeature[]; members?: number[][] } {
  const groups = new Map<Geometry, number>();
  const members: number[][] = [];
  const unique: TagFeature[] = [];
  for (let i = 0; i < features.length; i++) {
    const g = features[i].geometry;
    let k = groups.get(g);
    if (k === undefined) {
      k = unique.length;
      groups.set(g, k);
      unique.push({ type: 'Feature', geometry: g, properties: { [GROUP]: k } });
      members.push([]);
    }
    members[k].push(i);
  }
  return unique.length === features.length ? { unique: features } : { unique, members };
}

/**
 * A polygon whose box covers less than TOLERANCE² tile pixels loses every ring to geojson-vt (a ring
 * under its squared tolerance in area is dropped), whatever its shape: a renderer may skip it unread.
 * Half the bound, for rounding; lines and points are always read.
 */
export function polygonBoxKeeper(tms: TmsRef, z: number): (minX: number, minY: number, maxX: number, maxY: number) => boolean {
  const set = resolveTms(tms);
  const min = (TOLERANCE * TOLERANCE) / 2 / (TILE_EXTENT * TILE_EXTENT); // in tiles²
  return (minX, minY, maxX, maxY) => {
    const [x0, y0] = lonLatToTile(set, z, minX, minY);
    const [x1, y1] = lonLatToTile(set, z, maxX, maxY);
    return Math.abs(x1 - x0) * Math.abs(y1 - y0) >= min;
  };
}

function tagFeatures(features: readonly Feature[], lean: boolean): TagFeature[] {
  const out: TagFeature[] = [];
  for (const f of features) {
    if (f.geometry) out.push({ type: 'Feature', geometry: f.geometry, properties: tagsOf(f, lean) });
  }
  return out;
}

/** Points of a point layer that reach the tile, placed in the local tile. */
function localPoints(features: readonly Feature[], pos: Float64Array, lean: boolean): TagFeature[] {
  const out: TagFeature[] = [];
  for (let i = 0; i < features.length; i++) {
    const u = pos[2 * i];
    const v = pos[2 * i + 1];
    if (!inBuffer(u, v)) continue; // also drops NaN (no geometry)
    const geometry = { type: 'Point' as const, coordinates: localToVirtual(u, v) };
    out.push({ type: 'Feature', geometry, properties: tagsOf(features[i], lean) });
  }
  return out;
}

/** Bytes of the parts; a part given up over budget (null) counts as infinite. */
const size = (parts: (Uint8Array | null)[]) => parts.reduce((n, p) => n + (p ? p.length : Infinity), 0);

/** An MVT is a sequence of layer messages: per-layer encodings concatenate into one tile. */
function concat(parts: (Uint8Array | null)[]): Uint8Array {
  const out = new Uint8Array(size(parts));
  let offset = 0;
  for (const p of parts as Uint8Array[]) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

interface Step {
  /** Cells per side for point layers; null: cluster only layers over maxFeatures, at 64. */
  grid: number | null;
  /** Drop attributes (features keep `id`, clusters their count and sum) and simplify more. */
  lean: boolean;
}

/** Escalation until the tile fits: cluster every point layer, go lean, shrink the grid. */
const STEPS: Step[] = [
  { grid: null, lean: false },
  { grid: GRID_SIZES[0], lean: false },
  ...GRID_SIZES.map((grid) => ({ grid, lean: true })),
];
/** The last step at which every layer keeps its attributes. */
const LAST_FULL_STEP = STEPS[1];

/**
 * Stacked areas (rows sharing one outline: an area's years × usages) over the bound keep their attributes
 * and lose their oldest rows: the rows of the latest k values of the layer's `period` (all areas alike),
 * or without one each area's first k rows as read, k one less than all, then halved until the tile fits. Null when even k = 1
 * does not fit or no layer is stacked (then layers go lean).
 */
function keepLatest(
  layers: { layer: TileLayerInput; rows: TagFeature[] | null; encoded: Uint8Array | null }[],
  set: TileMatrixSet, z: number, row: number, col: number, maxBytes: number,
): Uint8Array | null {
  const levels = layers.map(({ layer, rows }) => (rows ? stackLevels(rows, layer.period) : null));
  const deepest = Math.max(0, ...levels.map((l) => l?.deepest ?? 0));
  // One level less first (a caller that read only the periods it expects to fit is at most a little over),
  // then halving.
  for (let k = deepest - 1; deepest > 1; k = Math.ceil(k / 2)) {
    const parts = layers.map(({ layer, rows, encoded }, i) => {
      const level = levels[i];
      if (!rows || !level || level.deepest <= k) return encoded;
      const features = rows.filter((_, j) => level.level[j] < k);
      return encodeLayer({ name: layer.name, features, local: false }, set, z, row, col, toleranceOf(false), maxBytes);
    });
    if (size(parts) <= maxBytes) return concat(parts);
    if (k === 1) break;
  }
  return null;
}

/**
 * Level of each row of a stacked layer (0 is kept longest): the rank of its period value, latest first
 * (no value: never kept), or else how many rows before it share its geometry. Unstacked: deepest 0.
 */
function stackLevels(rows: readonly TagFeature[], period?: string): { level: Float64Array; deepest: number } {
  const seen = new Map<Geometry, number>();
  const level = new Float64Array(rows.length);
  let deepest = 0;
  for (let j = 0; j < rows.length; j++) {
    const r = seen.get(rows[j].geometry) ?? 0;
    seen.set(rows[j].geometry, r + 1);
    level[j] = r;
    if (r + 1 > deepest) deepest = r + 1;
  }
  if (deepest < 2) return { level, deepest: 0 };
  const valueOf = (j: number) => (rows[j].properties as unknown as RowTags).properties?.[period!];
  const values = period ? [...new Set(rows.map((_, j) => valueOf(j)).filter((v): v is number | string => typeof v === 'number' || typeof v === 'string'))] : [];
  if (values.length > 0) {
    values.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    const rank = new Map<unknown, number>(values.map((v, i) => [v, i]));
    for (let j = 0; j < rows.length; j++) level[j] = rank.get(valueOf(j)) ?? Infinity;
    return { level, deepest: values.length };
  }
  return { level, deepest };
}

/** Lean tolerance: 12/4096 of a tile is under one screen pixel of a 256 px tile. */
const toleranceOf = (lean: boolean) => (lean ? 4 * TOLERANCE : TOLERANCE);

/**
 * Encodes one tile as a Mapbox Vector Tile (MVT 2.1, extent 4096, buffer 64) from CRS84 features.
 * Dense point layers are grid-clustered; the result never exceeds maxBytes (as a last resort,
 * non-point layers are sampled, then dropped). Returns 0 bytes when no feature reaches the tile.
 */
export function encodeTile(
  layers: TileLayerInput[],
  tms: TmsRef,
  z: number,
  row: number,
  col: number,
  options: EncodeOptions = {},
): Uint8Array {
  const set = resolveTms(tms);
  if (!validTile(set, z, row, col)) throw new RangeError(`Invalid tile ${set.id}/${z}/${row}/${col}`);
  if (new Set(layers.map((l) => l.name)).size !== layers.length) throw new RangeError('Duplicate layer name');
  const maxFeatures = options.maxFeatures ?? DEFAULT_MAX_FEATURES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;

  const info = layers.map((layer) => {
    const pos = layer.cells ? new Float64Array(0) : isPointLayer(layer.features) ? localPositions(layer.features, set, z, row, col) : null;
    const dense = layer.cells !== undefined || (pos !== null && countOwned(pos, set, z, row, col) > maxFeatures);
    const tagged: Partial<Record<'full' | 'lean', TagFeature[]>> = {};
    const plain = (lean: boolean): TagFeature[] =>
      (tagged[lean ? 'lean' : 'full'] ??= pos ? localPoints(layer.features, pos, lean) : tagFeatures(layer.features, lean));
    return { layer, pos, dense, plain, encoded: new Map<string, Uint8Array | null>() };
  });

  // Encodings are memoized per layer: most steps only change the point layers.
  const part = (i: number, step: Step): Uint8Array | null => {
    const { layer, pos, dense, plain, encoded } = info[i];
    const grid = step.grid ?? (dense ? GRID_SIZES[0] : null);
    const clustered = pos !== null && grid !== null;
    const key = clustered ? `grid${grid}/${step.lean}` : `plain/${step.lean}`;
    let bytes = encoded.get(key);
    if (bytes === undefined) {
      const cluster = { gridSize: grid ?? GRID_SIZES[0], sumProperty: options.sumProperty, lean: step.lean };
      const features = clustered
        ? (layer.cells ? clusterCells(layer.cells, cluster) : clusterPoints(layer.features, pos, set, z, row, col, cluster))
            .map((f) => {
              const [x, y] = lonLatToTile(set, z, f.geometry.coordinates[0], f.geometry.coordinates[1]);
              return { ...f, geometry: { type: 'Point' as const, coordinates: localToVirtual(x - col, y - row) } };
            })
        : plain(step.lean);
      // A layer alone over maxBytes cannot be part of a tile that fits: its writing stops early (mvt.ts).
      bytes = encodeLayer({ name: layer.name, features, local: pos !== null }, set, z, row, col, toleranceOf(step.lean), maxBytes);
      encoded.set(key, bytes);
    }
    return bytes;
  };

  let parts: (Uint8Array | null)[] = [];
  for (const step of STEPS) {
    parts = info.map((_, i) => part(i, step));
    if (size(parts) <= maxBytes) return concat(parts);
    if (step === LAST_FULL_STEP) {
      const topped = keepLatest(info.map((l, i) => ({ layer: l.layer, rows: l.pos ? null : l.plain(false), encoded: parts[i] })), set, z, row, col, maxBytes);
      if (topped) return topped;
    }
  }

  // Point layers are down to one cluster: sample the other layers, then drop them.
  const others = info.filter((l) => !l.pos);
  for (let stride = 2; ; stride *= 2) {
    const sampled = info.map((l, i) =>
      l.pos
        ? parts[i]
        : encodeLayer(
            { name: l.layer.name, features: l.plain(true).filter((_, k) => k % stride === 0), local: false },
            set, z, row, col, toleranceOf(true), maxBytes,
          ),
    );
    if (size(sampled) <= maxBytes) return concat(sampled);
    if (others.every((l) => l.plain(true).length <= stride)) break;
  }
  const pointsOnly = parts.filter((_, i) => info[i].pos);
  return size(pointsOnly) <= maxBytes ? concat(pointsOnly) : new Uint8Array(0);
}
