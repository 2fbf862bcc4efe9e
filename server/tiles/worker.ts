// Worker thread of the tile pool (pool.ts): encodes one tile off the main event loop.
import { deserialize } from 'node:v8';
import { encodeTile, type EncodeOptions } from './encode.js';
import type { TileMatrixSetId } from './matrix-sets.js';
import type { CellInput } from './thin.js';
import { unpackFeatures, type PackedFeatures } from './pool.js';
import type { Feature } from '../types.js';

export interface EncodeTask {
  /** Features as v8-serialized slices of columns (see packFeatures). */
  layers: { name: string; chunks: Uint8Array[]; cells?: CellInput; period?: string }[];
  tms: TileMatrixSetId;
  z: number;
  row: number;
  col: number;
  options: EncodeOptions;
}

export default function encode(task: EncodeTask): Uint8Array {
  const layers = task.layers.map(({ name, chunks, cells, period }) => {
    const features: Feature[] = [];
    for (const c of chunks) for (const f of unpackFeatures(deserialize(c) as PackedFeatures, features[features.length - 1])) features.push(f);
    return { name, cells, period, features };
  });
  return encodeTile(layers, task.tms, task.z, task.row, task.col, task.options);
}
