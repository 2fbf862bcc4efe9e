// Low-zoom tiles of line and polygon collections rendered at build time (`<file>.tiles-mvt`), as
// tippecanoe does for a pyramid's top: at zooms 0–2 one tile spans whole regions of stacked areas
// (a département's years × usages), so rendering it reads megabytes of repeated outlines for
// ~100 ms. The sidecar holds the very bytes the renderer makes for the unfiltered collection tile;
// a filtered or restricted tile (a view, an access scope, a datetime) is rendered from the data as
// before. It names the data file it was made from (size and hash of its ends), the renderer's
// version and the summed property: from another data version or renderer, it is ignored.
import { open } from 'node:fs/promises';
import { dataFingerprint, readSidecar, SidecarCache, writeSidecar } from './sidecar.js';
import { TILE_MATRIX_SETS, type TileMatrixSetId } from './matrix-sets.js';

const MAGIC = 'PMVT';
const FORMAT = 1;
/**
 * Bump when the tiles the renderer makes change (encode.ts, render.ts, mvt.ts): sidecars of another
 * renderer are then ignored until `prelevements build-tiles` writes them again.
 */
export const RENDERER_VERSION = 'tiles-2026-12-06';

interface Header {
  format: number;
  renderer: string;
  data: { size: number; hash: string };
  collection: string;
  /** The collection's properties, in order: tiles carry them all. */
  properties: string[];
  sumProperty: string | null;
  maxZoom: number;
  /** tms id → zoom → flat [row, col, offset, length, …] of the non-empty tiles. */
  tiles: Record<string, number[][]>;
}

/** What the tiles were made for: the collection as served (id, properties) and its summed property. */
export interface PrerenderedFor { collection: string; properties: string[]; sumProperty?: string }

/**
 * Renders every tile of zooms 0..maxZoom of each tile matrix set with `render` (the server's renderer,
 * unfiltered collection tile) and writes them beside `dataPath` (temporary name, then renamed).
 */
export async function writePrerenderedTiles(
  dataPath: string,
  what: PrerenderedFor,
  maxZoom: number,
  render: (tms: TileMatrixSetId, z: number, row: number, col: number) => Promise<Uint8Array>,
): Promise<number> {
  const tiles: Header['tiles'] = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tms of Object.keys(TILE_MATRIX_SETS) as TileMatrixSetId[]) {
    tiles[tms] = [];
    for (let z = 0; z <= maxZoom; z++) {
      const dir: number[] = [];
      const { matrixWidth, matrixHeight } = TILE_MATRIX_SETS[tms].tileMatrices[z];
      for (let row = 0; row < matrixHeight; row++) {
        for (let col = 0; col < matrixWidth; col++) {
          const bytes = await render(tms, z, row, col);
          if (bytes.length === 0) continue;
          dir.push(row, col, offset, bytes.length);
          chunks.push(bytes);
          offset += bytes.length;
        }
      }
      tiles[tms][z] = dir;
    }
  }
  const header: Header = {
    format: FORMAT, renderer: RENDERER_VERSION, data: dataFingerprint(dataPath), collection: what.collection,
    properties: what.properties, sumProperty: what.sumProperty ?? null, maxZoom, tiles,
  };
  writeSidecar(prerenderedSidecar(dataPath), MAGIC, FORMAT, header, chunks);
  return chunks.length;
}

export const prerenderedSidecar = (dataPath: string) => `${dataPath}.tiles-mvt`;

/** An open sidecar: which zooms it covers and where each non-empty tile's bytes are. */
export class PrerenderedTiles {
  private index = new Map<string, [offset: number, length: number]>();
  private zooms = new Set<string>();

  private constructor(private path: string, private dataStart: number, private header: Header) {
    for (const [tms, zooms] of Object.entries(header.tiles)) {
      zooms.forEach((dir, z) => {
        this.zooms.add(`${tms}/${z}`);
        for (let i = 0; i < dir.length; i += 4) this.index.set(`${tms}/${z}/${dir[i]}/${dir[i + 1]}`, [dir[i + 2], dir[i + 3]]);
      });
    }
  }

  /** The sidecar of dataPath when it exists, is whole and was made from this data file by this renderer; else null. */
  static async open(dataPath: string, path = prerenderedSidecar(dataPath)): Promise<PrerenderedTiles | null> {
    const read = await readSidecar<Header>(dataPath, path, MAGIC, FORMAT);
    if (!read || read.header.renderer !== RENDERER_VERSION) return null;
    const end = Object.values(read.header.tiles).flat().reduce((max, dir) => {
      for (let i = 0; i < dir.length; i += 4) max = Math.max(max, dir[i + 2] + dir[i + 3]);
      return max;
    }, 0);
    return read.dataStart + end > read.size ? null : new PrerenderedTiles(path, read.dataStart, read.header); // else truncated
  }

  /** Whether these tiles are the ones the server would render for `what` at this zoom. */
  answers(what: PrerenderedFor, tms: string, z: number): boolean {
    const h = this.header;
    return this.zooms.has(`${tms}/${z}`) && h.collection === what.collection && h.sumProperty === (what.sumProperty ?? null)
      && h.properties.length === what.properties.length && h.properties.every((p, i) => p === what.properties[i]);
  }

  /** The tile's bytes (empty: no feature reaches it). */
  async tile(tms: string, z: number, row: number, col: number): Promise<Uint8Array> {
    const entry = this.index.get(`${tms}/${z}/${row}/${col}`);
    if (!entry) return new Uint8Array(0);
    const bytes = Buffer.alloc(entry[1]);
    const handle = await open(this.path, 'r');
    try {
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, this.dataStart + entry[0]);
      if (bytesRead !== bytes.length) throw new Error(`${this.path}: truncated`);
    } finally { await handle.close(); }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
}

/** The open sidecar of each data file (see SidecarCache). */
export class PrerenderedCache {
  private sidecars = new SidecarCache((dataPath, path) => PrerenderedTiles.open(dataPath, path));

  get(location: string, dataVersion: string): Promise<PrerenderedTiles | null> {
    return this.sidecars.get(location, prerenderedSidecar(location), dataVersion);
  }
}
