// npm run bench:tiles -- [dataDir]: tiles/s over HTTP at zooms 5, 9 and 13, cold (first request of
// each tile after start: read + encode) and warm (autocannon cycling over the same tiles: cache).
// Appends a section to bench/RESULTS.md.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lonLatToTile } from '../server/tiles/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dataDir = process.argv[2] ?? join(ROOT, 'data', 'bench-scale-1');
const PORT = 18081;
const base = `http://127.0.0.1:${PORT}`;

/** Up to `max` tiles of zoom z around a few French cities, so that tiles hold data. */
function tiles(z: number, max: number): string[] {
  const out = new Set<string>();
  const cities = [[2.35, 48.85], [4.83, 45.76], [5.37, 43.3], [1.44, 43.6], [-0.58, 44.84], [3.06, 50.63], [-1.55, 47.22], [7.75, 48.57]];
  for (let ring = 0; out.size < max && ring < 6; ring++) {
    for (const [lon, lat] of cities) {
      const [x, y] = lonLatToTile('WebMercatorQuad', z, lon, lat).map(Math.floor);
      for (let dy = -ring; dy <= ring; dy++) for (let dx = -ring; dx <= ring; dx++) {
        if (out.size < max && x + dx >= 0 && y + dy >= 0 && x + dx < 2 ** z && y + dy < 2 ** z) out.add(`/collections/ouvrages/tiles/WebMercatorQuad/${z}/${y + dy}/${x + dx}`);
      }
    }
  }
  return [...out];
}

const server = spawn('node', [join(ROOT, 'dist', 'cli.js'), 'serve', '--data', dataDir, '--port', String(PORT), '--host', '127.0.0.1'], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'warn' } });
try {
  for (let i = 0; i < 120; i++) { try { if ((await fetch(`${base}/`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 500)); }
  const lines = ['', '## Vector tiles over HTTP (collection ouvrages, WebMercatorQuad)', '',
    `Command: \`npm run bench:tiles\` on \`${dataDir.split('/').pop()}\`. Cold: each tile requested once after start, 2 at a time`,
    '(read + clustering + encoding; the workers\' caches are empty). Warm: autocannon, 4 connections, 8 s, cycling over the same tiles.', '',
    '| zoom | tiles | cold tiles/s | cold mean ms | warm tiles/s | mean KB |', '|---|---|---|---|---|---|'];
  for (const z of [5, 9, 13]) {
    const paths = tiles(z, z === 5 ? 12 : 40);
    let bytes = 0;
    const started = performance.now();
    for (let i = 0; i < paths.length; i += 2) {
      await Promise.all(paths.slice(i, i + 2).map(async (p) => { bytes += (await (await fetch(base + p)).arrayBuffer()).byteLength; }));
    }
    const coldMs = performance.now() - started;
    const warm = await autocannon({ url: base, connections: 4, duration: 8, requests: paths.map((path) => ({ method: 'GET', path })) });
    lines.push(`| ${z} | ${paths.length} | ${(paths.length / (coldMs / 1000)).toFixed(1)} | ${(coldMs / paths.length * 2).toFixed(0)} | ${warm.requests.average.toFixed(0)} | ${(bytes / paths.length / 1024).toFixed(1)} |`);
    console.error(lines[lines.length - 1]);
  }
  appendFileSync(join(ROOT, 'bench', 'RESULTS.md'), lines.join('\n') + '\n');
} finally {
  server.kill('SIGTERM');
}
