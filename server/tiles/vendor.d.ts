// vt-pbf ships no types; only the entry point used by encode.ts is declared.
declare module 'vt-pbf' {
  import type { LegacyTile } from 'geojson-vt';

  interface VtPbf {
    /** Serializes geojson-vt tiles (one per layer name) to a Mapbox Vector Tile. */
    fromGeojsonVt(
      layers: Record<string, LegacyTile>,
      options?: { version?: number; extent?: number },
    ): Uint8Array;
  }
  const vtpbf: VtPbf;
  export default vtpbf;
}
