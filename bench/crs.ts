// Reprojection speed for one page of features: `npx tsx bench/crs.ts`.
// Target: well under 1 ms per 100 points (a 1000-feature page in a few ms).
import type { Geometry } from 'geojson';
import { CRS84, makeTransformer, parseCrs } from '../server/crs/index.js';

const N = 1000;
const RUNS = 50;

// Deterministic pseudo-random points over mainland France.
let seed = 42;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

const points: Geometry[] = Array.from({ length: N }, () => ({
  type: 'Point',
  coordinates: [-4.5 + rand() * 12.5, 42.5 + rand() * 8.5],
}));

// Small closed rings of 9 positions (8 vertices), like commune-sized polygons.
const polygons: Geometry[] = Array.from({ length: N }, () => {
  const cx = -4.5 + rand() * 12.5;
  const cy = 42.5 + rand() * 8.5;
  const ring = Array.from({ length: 8 }, (_, i) => {
    const a = (i / 8) * 2 * Math.PI;
    return [cx + 0.01 * Math.cos(a), cy + 0.01 * Math.sin(a)];
  });
  ring.push(ring[0]);
  return { type: 'Polygon', coordinates: [ring] };
});

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(label: string, geoms: Geometry[], positions: number, target: string): void {
  const t = makeTransformer(CRS84, parseCrs(target));
  for (let i = 0; i < 20; i++) geoms.forEach(t); // warm-up (JIT)
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = process.hrtime.bigint();
    for (const g of geoms) t(g);
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const ms = median(runs);
  const per100 = (ms / positions) * 100;
  console.log(
    `${label.padEnd(22)} → ${target.padEnd(9)} ${ms.toFixed(3).padStart(7)} ms  ` +
      `(${per100.toFixed(4)} ms / 100 points, ${positions} points)`,
  );
}

console.log(`CRS84 → target, median of ${RUNS} runs\n`);
for (const target of ['EPSG:2154', 'EPSG:4326', 'EPSG:3857']) {
  time(`${N} points`, points, N, target);
  time(`${N} polygons (9 pos.)`, polygons, N * 9, target);
}
