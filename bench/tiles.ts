// Vector tile encoding throughput: 200,000 synthetic points across mainland France,
// tiles at z 5, 9 and 13 in both tile matrix sets. Run: npx tsx bench/tiles.ts
import { bufferedTileBounds, encodeTile, lonLatToTile, type TileMatrixSetId } from '../server/tiles/index.js';
import type { Feature, Rect } from '../server/types.js';

const N = 200_000;
const MAX_TILES = 2000;
const MIN_MS = 1500;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const r = rng(1);
const points: Feature[] = [];
for (let i = 0; i < N; i++) {
  // Denser around a few "cities", like real abstraction points.
  const clustered = r() < 0.5;
  const lon = clustered ? 2.35 + (r() - 0.5) * 3 : -4.8 + r() * 13;
  const lat = clustered ? 46.5 + (r() - 0.5) * 5 : 42.4 + r() * 8.6;
  points.push({
    id: `OPR${String(i).padStart(7, '0')}`,
    index: i,
    geometry: { type: 'Point', coordinates: [lon, lat] },
    properties: { volume: Math.floor(r() * 1e6), annee: 2008 + (i % 15), usage: ['AEP', 'IRR', 'IND'][i % 3], nom: `Ouvrage ${i}` },
  });
}

const inRect = (f: Feature, b: Rect) => {
  const [x, y] = (f.geometry as { coordinates: number[] }).coordinates;
  return x >= b.minX && x <= b.maxX && y >= b.minY && y <= b.maxY;
};

/** Points of each non-empty tile, as a bbox query on the buffered tile would return them. */
function tilesOf(tms: TileMatrixSetId, z: number): { row: number; col: number; features: Feature[] }[] {
  const buckets = new Map<string, Feature[]>();
  for (const f of points) {
    const [lon, lat] = (f.geometry as { coordinates: number[] }).coordinates;
    const [x, y] = lonLatToTile(tms, z, lon, lat);
    const key = `${Math.floor(y)}/${Math.floor(x)}`;
    const list = buckets.get(key);
    if (list) list.push(f);
    else buckets.set(key, [f]);
  }
  const keys = [...buckets.keys()].sort(() => r() - 0.5).slice(0, MAX_TILES);
  return keys.map((key) => {
    const [row, col] = key.split('/').map(Number);
    const b = bufferedTileBounds(tms, z, row, col);
    const features: Feature[] = [];
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        for (const f of buckets.get(`${row + dr}/${col + dc}`) ?? []) if (inRect(f, b)) features.push(f);
      }
    }
    return { row, col, features };
  });
}

console.log(`${N} points; tiles/s over up to ${MAX_TILES} non-empty tiles per zoom (encoding only)`);
console.log('tms              z  tiles  pts/tile  tiles/s   ms/tile  KB/tile  max KB');
for (const tms of ['WebMercatorQuad', 'WorldCRS84Quad'] as const) {
  for (const z of [5, 9, 13]) {
    const tiles = tilesOf(tms, z);
    let encoded = 0;
    let bytes = 0;
    let max = 0;
    const start = performance.now();
    do {
      for (const t of tiles) {
        const buf = encodeTile([{ name: 'ouvrages', features: t.features }], tms, z, t.row, t.col, { sumProperty: 'volume' });
        bytes += buf.length;
        max = Math.max(max, buf.length);
        encoded++;
      }
    } while (performance.now() - start < MIN_MS);
    const ms = performance.now() - start;
    const perTile = tiles.reduce((s, t) => s + t.features.length, 0) / tiles.length;
    console.log(
      [
        tms.padEnd(15),
        String(z).padStart(2),
        String(tiles.length).padStart(6),
        perTile.toFixed(0).padStart(9),
        ((encoded / ms) * 1000).toFixed(0).padStart(8),
        (ms / encoded).toFixed(2).padStart(9),
        (bytes / encoded / 1024).toFixed(1).padStart(8),
        (max / 1024).toFixed(1).padStart(7),
      ].join(' '),
    );
  }
}
