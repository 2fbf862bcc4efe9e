// Worker thread of the tile pool (pool.ts): encodes one tile off the main event loop.
import { encodeTile, type EncodeOptions, type TileLayerInput } from './encode.js';
import type { TileMatrixSetId } from './matrix-sets.js';

export interface EncodeTask {
  layers: TileLayerInput[];
  tms: TileMatrixSetId;
  z: number;
  row: number;
  col: number;
  options: EncodeOptions;
}

export default function encode(task: EncodeTask): Uint8Array {
  return encodeTile(task.layers, task.tms, task.z, task.row, task.col, task.options);
}
