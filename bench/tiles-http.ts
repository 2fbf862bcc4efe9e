// Vector tiles over HTTP: tiles/s at zooms 5, 9 and 13 with autocannon, cold (tile cache disabled:
// every request reads and encodes) and warm (cache on, same tiles cycled), as a markdown table.
//   npx tsx bench/tiles-http.ts [dataDir] [--seconds 3] [--path /collections/chroniques/tiles]
// Without a data directory, a default dataset at scale 0.05 is built in a temporary directory.
// The server runs in a child process (this file with --serve) so autocannon does not share its core.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, defaultParts } from '../server/app.js';
import { openCatalog, resolveDataDir } from '../server/catalog.js';
import { lonLatToTile } from '../server/tiles/index.js';
import { buildDefaultDataset } from '../collections/dataset.js';
import { collections } from '../collections/definitions/index.js';
import { SERVICE_INFO } from '../collections/service.js';
import { TILES_OPTIONS } from '../collections/style.js';

const CITIES = [[2.35, 48.85], [4.83, 45.76], [5.37, 43.3], [1.44, 43.6], [-0.58, 44.84], [3.06, 50.63], [-1.55, 47.22], [7.75, 48.57]];

/** Child: serve dataDir on a free port with the given tile cache size, print the port. */
async function serve(dataDir: string, cacheBytes: number): Promise<void> {
  const dir = resolveDataDir(dataDir);
  const catalog = await openCatalog(dir, collections.filter((c) => existsSync(join(dir, c.source))));
  const parts = defaultParts({ ...TILES_OPTIONS, cacheBytes });
  const server = createApp({ info: SERVICE_INFO, catalog: () => catalog, parts }).listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
}

/** Up to `max` tiles of zoom z in rings around French cities, so that tiles hold data. */
function tiles(prefix: string, z: number, max: number): string[] {
  const out = new Set<string>();
  for (let ring = 0; out.size < max && ring < 8; ring++) {
    for (const [lon, lat] of CITIES) {
      const [x, y] = lonLatToTile('WebMercatorQuad', z, lon, lat).map(Math.floor);
      for (let dy = -ring; dy <= ring; dy++) for (let dx = -ring; dx <= ring; dx++) {
        const [col, row] = [x + dx, y + dy];
        if (out.size < max && col >= 0 && row >= 0 && col < 2 ** z && row < 2 ** z) out.add(`${prefix}/WebMercatorQuad/${z}/${row}/${col}`);
      }
    }
  }
  return [...out];
}

function start(dataDir: string, cacheBytes: number): Promise<{ base: string; child: ChildProcess }> {
  const self = fileURLToPath(import.meta.url);
  // Same runtime as this process (tsx's loader flags included), so it works from source and dist.
  const child = spawn(process.execPath, [...process.execArgv, self, '--serve', dataDir, String(cacheBytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    child.stdout!.once('data', (d: Buffer) => resolve({ base: `http://127.0.0.1:${Number(String(d).trim())}`, child }));
  });
}

async function run(base: string, paths: string[], seconds: number) {
  const result = await autocannon({ url: base, connections: 4, duration: seconds, requests: paths.map((path) => ({ method: 'GET', path })) });
  const ok = result['2xx'];
  return { rate: ok / seconds, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx, kb: result.throughput.average / Math.max(1, result.requests.average) / 1024 };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
  const seconds = Number(option('--seconds') ?? 3);
  const prefixes = option('--path')?.split(',') ?? ['/collections/chroniques/tiles', '/tiles'];
  let dataDir = args[0];
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), 'bench-tiles-'));
    process.stderr.write(`building a default dataset (scale 0.05) in ${dataDir}…\n`);
    await buildDefaultDataset(dataDir, 0.05);
  }
  const cold = await start(dataDir, 0);
  const warm = await start(dataDir, 256 * 1024 * 1024);
  const rows = [
    `Data: \`${dataDir}\`; autocannon, 4 connections, ${seconds} s per case, server in one process (one core).`,
    'Cold: tile cache disabled, every request reads and encodes. Warm: the same tiles from the cache.', '',
    '| tiles | zoom | distinct tiles | cold tiles/s | cold p50 / p99 ms | warm tiles/s | warm p50 / p99 ms | mean KB |',
    '|---|---|---|---|---|---|---|---|',
  ];
  try {
    for (const prefix of prefixes) {
      for (const z of [5, 9, 13]) {
        const paths = tiles(prefix, z, z === 5 ? 16 : 64);
        const c = await run(cold.base, paths, seconds);
        for (const p of paths) await (await fetch(warm.base + p)).arrayBuffer(); // fill the cache
        const w = await run(warm.base, paths, seconds);
        if (c.errors || w.errors) process.stderr.write(`${prefix} z${z}: ${c.errors + w.errors} errors or non-2xx\n`);
        rows.push(`| ${prefix} | ${z} | ${paths.length} | ${c.rate.toFixed(1)} | ${c.p50} / ${c.p99} | ${w.rate.toFixed(0)} | ${w.p50} / ${w.p99} | ${w.kb.toFixed(1)} |`);
        process.stderr.write(`${rows[rows.length - 1]}\n`);
      }
    }
  } finally {
    cold.child.kill('SIGTERM');
    warm.child.kill('SIGTERM');
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

if (process.argv[2] === '--serve') await serve(process.argv[3], Number(process.argv[4]));
else await main();
