// Pre-aggregated point clusters per zoom, written at build time beside a FlatGeobuf (`<file>.tiles`):
// for each tile matrix set and zoom up to maxZoom, the occupied cells of the finest cluster grid
// (GRID_SIZES[0] cells per tile side) with their count, summed position and summed property. A dense
// low-zoom tile is then a few thousand cells read from one byte range instead of every point decoded.
// The sidecar names the data file it was computed from (size and a hash of its first and last bytes):
// a sidecar from another data version is ignored, and the tile is rendered from the data as without one.
import { open } from 'node:fs/promises';
import { dataFingerprint, readSidecar, SidecarCache, writeSidecar } from './sidecar.js';
import { resolveTms, tileProjector, TILE_MATRIX_SETS, type TileMatrixSetId } from './matrix-sets.js';
import { DEFAULT_MAX_FEATURES, GRID_SIZES } from './thin.js';
import type { QueryConditions } from '../types.js';

const MAGIC = 'PAGG';
const FORMAT = 1;
/** Finest grid: cells per tile side (the first clustering step of encodeTile). */
export const CELL_GRID = GRID_SIZES[0];
const SHIFT = Math.log2(CELL_GRID);

/** What a collection pre-aggregates (declared per collection in the domain). */
export interface PreAggregateSpec {
  /** Numeric property summed per cell (the clusters' `${sumProperty}_sum`). */
  sumProperty?: string;
  /** Zooms 0..maxZoom of every tile matrix set get pre-aggregated clusters. */
  maxZoom: number;
  /**
   * Also the features holding the largest value of this numeric property (a map's latest year), in a
   * sidecar of their own (viewSidecar): a tile restricted to exactly that value reads it.
   */
  latestOf?: string;
}

/** A restriction of a layer to one value of one property, as a view sidecar answers it. */
export interface PreAggregateView { property: string; value: string | number }

/**
 * The one (property, value) these conditions restrict a layer to, if that is all they do: one value of
 * one property, or a datetime within one calendar year of a year-valued collection (only that year meets
 * it). Undefined otherwise. What a view sidecar of the pre-aggregates may answer.
 */
export function viewOf(where: QueryConditions): PreAggregateView | undefined {
  if (where.filter) return undefined;
  const equals = Object.entries(where.equals ?? {});
  const temporal = where.definition.temporal;
  if (where.datetime) {
    const { start, end } = where.datetime;
    if (equals.length || temporal?.kind !== 'year' || temporal.end || start === null || end === null) return undefined;
    const year = new Date(start).getUTCFullYear();
    return year === new Date(end).getUTCFullYear() ? { property: temporal.start, value: year } : undefined;
  }
  if (equals.length !== 1 || equals[0][1].length !== 1) return undefined;
  const value = equals[0][1][0];
  return typeof value === 'string' || typeof value === 'number' ? { property: equals[0][0], value } : undefined;
}

/** The sidecar of the features of `dataPath` whose `property` equals `value`. */
export function viewSidecar(dataPath: string, view: PreAggregateView): string {
  return `${dataPath}.tiles-${encodeURIComponent(view.property)}-${encodeURIComponent(String(view.value))}`;
}

/** Owned points of one tile, per occupied cell of the CELL_GRID × CELL_GRID grid (row-major order). */
export interface TileCells {
  cell: Uint16Array;
  count: Uint32Array;
  sumLon: Float64Array;
  sumLat: Float64Array;
  sum: Float64Array;
  /** Id of the only point of single-point cells. */
  id: (string | null)[];
}

interface Header {
  format: number;
  data: { size: number; hash: string };
  sumProperty: string | null;
  maxZoom: number;
  /** tms id → zoom → flat [row, col, offset, length, count, …] of the tiles owning more than DEFAULT_MAX_FEATURES points. */
  tiles: Record<string, number[][]>;
}

interface Cell { count: number; sumLon: number; sumLat: number; sum: number; id: string | null }

/** Accumulates points at the finest level, one map per tile matrix set; coarser zooms are merged from it. */
export class PreAggregateBuilder {
  private cells = new Map<string, Map<number, Cell>>();
  private projectors: { id: string; p: ReturnType<typeof tileProjector>; width: number; height: number }[];

  constructor(readonly spec: PreAggregateSpec) {
    const level = spec.maxZoom + SHIFT;
    this.projectors = Object.values(TILE_MATRIX_SETS).filter((set) => set.tileMatrices[spec.maxZoom]).map((set) => {
      const m = set.tileMatrices[spec.maxZoom];
      this.cells.set(set.id, new Map());
      return { id: set.id, p: tileProjector(set, level), width: m.matrixWidth * CELL_GRID, height: m.matrixHeight * CELL_GRID };
    });
  }

  add(lon: number, lat: number, properties: Record<string, unknown>, id: string): void {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return;
    const key = this.spec.sumProperty;
    const raw = key === undefined ? undefined : properties[key];
    // As stored (Number() of a Double column) and as summed by clusterPoints (finite numbers only).
    const value = raw === null || raw === undefined ? NaN : Number(raw);
    for (const { id: tms, p, width, height } of this.projectors) {
      const x = p.x(lon);
      const y = p.y(lat);
      // Owned by a tile: [0, width) with the far edge closed (as thin.ts owned()).
      if (!(x >= 0 && x <= width && y >= 0 && y <= height)) continue;
      const gx = Math.min(width - 1, Math.floor(x));
      const gy = Math.min(height - 1, Math.floor(y));
      const map = this.cells.get(tms)!;
      const k = gy * width + gx;
      let c = map.get(k);
      if (!c) map.set(k, (c = { count: 0, sumLon: 0, sumLat: 0, sum: 0, id }));
      c.count++;
      c.sumLon += lon;
      c.sumLat += lat;
      if (Number.isFinite(value)) c.sum += value;
    }
  }

  /** Writes the sidecar of `dataPath` (already complete) to `path`, through a temporary name. */
  write(path: string, dataPath: string): void {
    const chunks: Buffer[] = [];
    let offset = 0;
    const tiles: Record<string, number[][]> = {};
    for (const { id: tms, width } of this.projectors) {
      tiles[tms] = [];
      let level = this.cells.get(tms)!; // not modified: coarser() copies
      let levelWidth = width;
      for (let z = this.spec.maxZoom; z >= 0; z--) {
        const { dir, bytes } = encodeLevel(level, levelWidth, offset);
        tiles[tms][z] = dir;
        chunks.push(bytes);
        offset += bytes.length;
        if (z > 0) ({ level, width: levelWidth } = coarser(level, levelWidth, resolveTms(tms as TileMatrixSetId).tileMatrices[z - 1].matrixWidth * CELL_GRID));
      }
    }
    this.cells.clear();
    const header: Header = { format: FORMAT, data: dataFingerprint(dataPath), sumProperty: this.spec.sumProperty ?? null, maxZoom: this.spec.maxZoom, tiles };
    writeSidecar(path, MAGIC, FORMAT, header, chunks);
  }
}

/** The level above: cell (gx, gy) → (gx >> 1, gy >> 1); exact since tile coordinates double per zoom. */
function coarser(level: Map<number, Cell>, width: number, upWidth: number): { level: Map<number, Cell>; width: number } {
  const out = new Map<number, Cell>();
  for (const [k, c] of level) {
    const key = Math.floor(Math.floor(k / width) / 2) * upWidth + Math.floor((k % width) / 2);
    const o = out.get(key);
    if (!o) { out.set(key, { ...c }); continue; }
    o.count += c.count;
    o.sumLon += c.sumLon;
    o.sumLat += c.sumLat;
    o.sum += c.sum;
    o.id = null;
  }
  return { level: out, width: upWidth };
}

/** One zoom: records grouped by tile, cells row-major inside a tile. */
function encodeLevel(level: Map<number, Cell>, width: number, base: number): { dir: number[]; bytes: Buffer } {
  const byTile = new Map<number, { cell: number; c: Cell }[]>();
  const tilesPerRow = width / CELL_GRID;
  for (const [k, c] of level) {
    const gx = k % width;
    const gy = Math.floor(k / width);
    const tile = Math.floor(gy / CELL_GRID) * tilesPerRow + Math.floor(gx / CELL_GRID);
    const cell = (gy % CELL_GRID) * CELL_GRID + (gx % CELL_GRID);
    let list = byTile.get(tile);
    if (!list) byTile.set(tile, (list = []));
    list.push({ cell, c });
  }
  const dir: number[] = [];
  const parts: Buffer[] = [];
  let offset = base;
  for (const tile of [...byTile.keys()].sort((a, b) => a - b)) {
    const list = byTile.get(tile)!.sort((a, b) => a.cell - b.cell);
    // Only dense tiles are ever drawn from cells: the others are read from the data (and cost no space here).
    if (list.reduce((n, { c }) => n + c.count, 0) <= DEFAULT_MAX_FEATURES) continue;
    const ids = list.map(({ c }) => Buffer.from(c.count === 1 && c.id !== null ? c.id : ''));
    const buffer = Buffer.alloc(list.reduce((n, _, i) => n + 32 + ids[i].length, 0));
    let o = 0;
    let count = 0;
    list.forEach(({ cell, c }, i) => {
      o = buffer.writeUInt16LE(cell, o);
      o = buffer.writeUInt32LE(c.count, o);
      o = buffer.writeDoubleLE(c.sumLon, o);
      o = buffer.writeDoubleLE(c.sumLat, o);
      o = buffer.writeDoubleLE(c.sum, o);
      o = buffer.writeUInt16LE(ids[i].length, o);
      o += ids[i].copy(buffer, o);
      count += c.count;
    });
    dir.push(Math.floor(tile / tilesPerRow), tile % tilesPerRow, offset, buffer.length, count);
    parts.push(buffer);
    offset += buffer.length;
  }
  return { dir, bytes: Buffer.concat(parts) };
}

function decodeCells(bytes: Buffer): TileCells {
  const records: { cell: number; count: number; sumLon: number; sumLat: number; sum: number; id: string | null }[] = [];
  for (let o = 0; o < bytes.length;) {
    const cell = bytes.readUInt16LE(o);
    const count = bytes.readUInt32LE(o + 2);
    const sumLon = bytes.readDoubleLE(o + 6);
    const sumLat = bytes.readDoubleLE(o + 14);
    const sum = bytes.readDoubleLE(o + 22);
    const idLength = bytes.readUInt16LE(o + 30);
    const id = count === 1 ? bytes.toString('utf8', o + 32, o + 32 + idLength) : null;
    records.push({ cell, count, sumLon, sumLat, sum, id });
    o += 32 + idLength;
  }
  return {
    cell: Uint16Array.from(records, (r) => r.cell),
    count: Uint32Array.from(records, (r) => r.count),
    sumLon: Float64Array.from(records, (r) => r.sumLon),
    sumLat: Float64Array.from(records, (r) => r.sumLat),
    sum: Float64Array.from(records, (r) => r.sum),
    id: records.map((r) => r.id),
  };
}

/** An open sidecar: which tiles it answers, and their cells. */
export class PreAggregates {
  private index = new Map<string, [offset: number, length: number, count: number]>();
  private zooms = new Set<string>();

  private constructor(private path: string, private dataStart: number, readonly sumProperty: string | null, readonly maxZoom: number, tiles: Record<string, number[][]>) {
    for (const [tms, zooms] of Object.entries(tiles)) {
      zooms.forEach((dir, z) => {
        this.zooms.add(`${tms}/${z}`);
        for (let i = 0; i < dir.length; i += 5) this.index.set(`${tms}/${z}/${dir[i]}/${dir[i + 1]}`, [dir[i + 2], dir[i + 3], dir[i + 4]]);
      });
    }
  }

  /** The sidecar of dataPath (or its view's) when it exists and was computed from this very data file; else null. */
  static async open(dataPath: string, path = `${dataPath}.tiles`): Promise<PreAggregates | null> {
    const read = await readSidecar<Header>(dataPath, path, MAGIC, FORMAT);
    return read && new PreAggregates(path, read.dataStart, read.header.sumProperty, read.header.maxZoom, read.header.tiles);
  }

  /** Whether this zoom is pre-aggregated (then a tile absent from the index is not dense). */
  covers(tms: string, z: number): boolean {
    return this.zooms.has(`${tms}/${z}`);
  }

  /** Points owned by the tile when it is dense (more than DEFAULT_MAX_FEATURES), else 0. */
  count(tms: string, z: number, row: number, col: number): number {
    return this.index.get(`${tms}/${z}/${row}/${col}`)?.[2] ?? 0;
  }

  async cells(tms: string, z: number, row: number, col: number): Promise<TileCells> {
    const entry = this.index.get(`${tms}/${z}/${row}/${col}`);
    const bytes = Buffer.alloc(entry?.[1] ?? 0);
    if (entry) {
      const handle = await open(this.path, 'r');
      try {
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, this.dataStart + entry[0]);
        if (bytesRead !== bytes.length) throw new Error(`${this.path}: truncated`);
      } finally { await handle.close(); }
    }
    return decodeCells(bytes);
  }
}

/**
 * Open sidecars per data location, reopened when the data file's version or the sidecar changes.
 * Remote data (http, s3) has none: its tiles are rendered from the data.
 */
export class PreAggregateCache {
  private sidecars = new SidecarCache((dataPath, path) => PreAggregates.open(dataPath, path));

  /** The sidecar of the data at `location` (of its `view`, when given). */
  get(location: string, dataVersion: string, view?: PreAggregateView): Promise<PreAggregates | null> {
    return this.sidecars.get(location, view ? viewSidecar(location, view) : `${location}.tiles`, dataVersion);
  }
}
