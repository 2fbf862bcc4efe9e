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

/**
 * A slice of features as columns, property names once: v8's serializer writes every object's keys, and
 * stacked rows repeat 15–25 of them 10,000 times. A geometry shared with the row before (stacked rows,
 * as providers hand them out) is sent once: `geometries` has a hole there. Getters (provider features may
 * compute their properties in one, which structured clone drops) are read here.
 */
export interface PackedFeatures {
  ids: Feature['id'][];
  indexes: number[];
  geometries: (Feature['geometry'] | undefined)[];
  keys: string[];
  columns: unknown[][];
}

/** `before`: the feature before this slice (its geometry may be shared across the slices' border). */
export function packFeatures(features: readonly Feature[], before?: Feature): PackedFeatures {
  const n = features.length;
  const packed: PackedFeatures = { ids: new Array(n), indexes: new Array(n), geometries: new Array(n), keys: [], columns: [] };
  const at = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const f = features[i];
    packed.ids[i] = f.id;
    packed.indexes[i] = f.index;
    const previous = i > 0 ? features[i - 1] : before;
    if (!previous || f.geometry === null || f.geometry !== previous.geometry) packed.geometries[i] = f.geometry;
    const properties = f.properties;
    for (const key in properties) {
      let c = at.get(key);
      if (c === undefined) {
        c = packed.keys.length;
        at.set(key, c);
        packed.keys.push(key);
        packed.columns.push(new Array(n));
      }
      packed.columns[c][i] = properties[key];
    }
  }
  return packed;
}

/**
 * The features again (a property a feature did not have stays absent; undefined counts as absent);
 * slices in order, `before` the last feature of the slice before.
 */
export function unpackFeatures({ ids, indexes, geometries, keys, columns }: PackedFeatures, before?: Feature): Feature[] {
  const out: Feature[] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const geometry = geometries[i] !== undefined ? geometries[i]! : (i > 0 ? out[i - 1] : before)!.geometry;
    const properties: Record<string, unknown> = {};
    for (let c = 0; c < keys.length; c++) {
      const v = columns[c][i];
      if (v !== undefined) properties[keys[c]] = v;
    }
    out[i] = { id: ids[i], index: indexes[i], geometry, properties };
  }
  return out;
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
    for (const { name, features, cells, period } of layers) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < features.length; i += CHUNK) {
        chunks.push(serialize(packFeatures(features.slice(i, i + CHUNK), features[i - 1])));
        if (i + CHUNK < features.length) await setImmediate();
      }
      sent.push({ name, chunks, cells, period });
    }
    const task: EncodeTask = { layers: sent, tms, z, row, col, options };
    return this.pool.run(task) as Promise<Uint8Array>;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
