// Tile encoding (geojson-vt clipping, clustering, vt-pbf) in a pool of worker threads (piscina), so a
// heavy tile does not stall the event loop of every other request. 0 workers: encode in-process.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Feature } from '../types.js';
import { encodeTile, type EncodeOptions, type TileLayerInput } from './encode.js';
import type { EncodeTask } from './worker.js';
import type { TileMatrixSetId } from './matrix-sets.js';

/** Default pool size: the cores but one (the event loop's), at least 1, at most 4. */
export function defaultTileWorkers(): number {
  const env = process.env.TILE_WORKERS;
  if (env !== undefined && /^\d+$/.test(env)) return Number(env);
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** Plain features: provider features may compute their properties in a getter, which structured clone drops. */
function plain(features: Feature[]): Feature[] {
  return features.map((f) => ({ id: f.id, index: f.index, geometry: f.geometry, properties: f.properties }));
}

export class TilePool {
  private pool: Piscina | null;

  constructor(readonly workers = defaultTileWorkers()) {
    // From source (tsx), the worker is the .ts file; worker threads inherit tsx's loader.
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    this.pool = workers > 0
      ? new Piscina({ filename: new URL(`./worker.${ext}`, import.meta.url).href, minThreads: 0, maxThreads: workers, idleTimeout: 30_000 })
      : null;
  }

  encode(layers: TileLayerInput[], tms: TileMatrixSetId, z: number, row: number, col: number, options: EncodeOptions = {}): Promise<Uint8Array> {
    if (!this.pool) return Promise.resolve(encodeTile(layers, tms, z, row, col, options));
    const task: EncodeTask = { layers: layers.map((l) => ({ ...l, features: plain(l.features) })), tms, z, row, col, options };
    return this.pool.run(task) as Promise<Uint8Array>;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
