// Tile encoding (geojson-vt clipping, clustering, MVT writing) in a pool of worker threads (piscina), so a
// heavy tile does not stall the event loop of every other request. 0 workers: encode in-process.
import { availableParallelism } from 'node:os';
import { setImmediate } from 'node:timers/promises';
import { serialize } from 'node:v8';
import { Piscina } from 'piscina';
import type { Feature } from '../types.js';
import { encodeTile, type EncodeOptions, type TileLayerInput } from './encode.js';
import type { EncodeTask } from './worker.js';
import type { TileMatrixSetId } from './matrix-sets.js';

/** Features per serialized slice (a few milliseconds of work each). */
const CHUNK = 2000;

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

  async encode(layers: TileLayerInput[], tms: TileMatrixSetId, z: number, row: number, col: number, options: EncodeOptions = {}): Promise<Uint8Array> {
    if (!this.pool) return encodeTile(layers, tms, z, row, col, options);
    // Copying a million polygons to the worker in one message would stall the event loop for seconds:
    // they are serialized in slices, with a turn of the event loop between slices.
    const sent: EncodeTask['layers'] = [];
    for (const { name, features, cells } of layers) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < features.length; i += CHUNK) {
        chunks.push(serialize(plain(features.slice(i, i + CHUNK))));
        if (i + CHUNK < features.length) await setImmediate();
      }
      sent.push({ name, chunks, cells });
    }
    const task: EncodeTask = { layers: sent, tms, z, row, col, options };
    return this.pool.run(task) as Promise<Uint8Array>;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
