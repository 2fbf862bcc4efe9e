// Vector tiles over HTTP, cold: the tile cache is disabled, so every request reads and encodes (concurrent
// requests of one tile still share one rendering). Per tileset and zoom: tiles/s, p50/p95/p99 latency, the
// server's CPU per tile (its process: main thread, tile workers, zlib; /proc) and the longest event-loop
// block of the server meanwhile (monitorEventLoopDelay), as a markdown table.
//   node dist/bench/tiles-http.js [dataDir] [--seconds 3] [--connections 4] [--zooms 0,3,5,7,9,11,13]
//        [--path /tiles,/collections/chroniques/tiles] [--tms WebMercatorQuad] [--workers N] [--warm]
// Without a data directory, a default dataset at scale 0.05 is built in a temporary directory.
// Default paths: the dataset tiles and every collection with tiles. The server runs in a child
// process (this file with --serve) so the client does not share its event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createApp, defaultParts } from '../server/app.js';
import { openCatalog, resolveDataDir } from '../server/catalog.js';
import { defaultTileWorkers, lonLatToTile, type TileMatrixSetId } from '../server/tiles/index.js';
import { buildDefaultDataset } from '../collections/dataset.js';
import { collections } from '../collections/definitions/index.js';
import { SERVICE_INFO } from '../collections/service.js';
import { TILES_OPTIONS } from '../collections/style.js';
import { cpuSeconds } from './uncached.js';

const CITIES = [[2.35, 48.85], [4.83, 45.76], [5.37, 43.3], [1.44, 43.6], [-0.58, 44.84], [3.06, 50.63], [-1.55, 47.22], [7.75, 48.57]];

/** Child: serve dataDir on a free port, print the port; answers 'reset' / 'max' (longest event-loop block, ms) over IPC. */
async function serve(dataDir: string, cacheBytes: number, workers: number): Promise<void> {
  const dir = resolveDataDir(dataDir);
  const catalog = await openCatalog(dir, collections.filter((c) => existsSync(join(dir, c.source))));
  const parts = defaultParts({ ...TILES_OPTIONS, cacheBytes, workers });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  process.on('message', (m) => {
    if (m === 'reset') delay.reset();
    process.send!({ max: delay.max / 1e6 });
  });
  const server = createApp({ info: SERVICE_INFO, catalog: () => catalog, parts }).listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
}

/** Up to `max` tiles of zoom z in rings around French cities, so that tiles hold data. */
function tiles(prefix: string, tms: TileMatrixSetId, z: number, max: number): string[] {
  const out = new Set<string>();
  const width = tms === 'WorldCRS84Quad' ? 2 ** (z + 1) : 2 ** z;
  for (let ring = 0; out.size < max && ring < 8; ring++) {
    for (const [lon, lat] of CITIES) {
      const [x, y] = lonLatToTile(tms, z, lon, lat).map(Math.floor);
      for (let dy = -ring; dy <= ring; dy++) for (let dx = -ring; dx <= ring; dx++) {
        const [col, row] = [x + dx, y + dy];
        if (out.size < max && col >= 0 && row >= 0 && col < width && row < 2 ** z) out.add(`${prefix}/${tms}/${z}/${row}/${col}`);
      }
    }
  }
  return [...out];
}

interface Server { base: string; child: ChildProcess; ask: (m: string) => Promise<number> }

function start(dataDir: string, cacheBytes: number, workers: number): Promise<Server> {
  const self = fileURLToPath(import.meta.url);
  // Same runtime as this process (tsx's loader flags included), so it works from source and dist.
  const child = spawn(process.execPath, [...process.execArgv, self, '--serve', dataDir, String(cacheBytes), String(workers)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const ask = (m: string) => new Promise<number>((resolve) => { child.once('message', (r: { max: number }) => resolve(r.max)); child.send(m); });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    child.stdout!.once('data', (d: Buffer) => resolve({ base: `http://127.0.0.1:${Number(String(d).trim())}`, child, ask }));
  });
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

/** `connections` clients cycling through the paths for `seconds`; every latency kept. */
async function run(base: string, paths: string[], seconds: number, connections: number) {
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  let next = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      const path = paths[next++ % paths.length];
      const t0 = performance.now();
      const res = await fetch(base + path);
      const body = await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      bytes += body.byteLength;
      if (res.status !== 200 && res.status !== 204) errors++;
    }
  }));
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), errors, kb: bytes / Math.max(1, latencies.length) / 1024 };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
  const flag = (name: string) => { const i = args.indexOf(name); if (i >= 0) args.splice(i, 1); return i >= 0; };
  const seconds = Number(option('--seconds') ?? 3);
  const connections = Number(option('--connections') ?? 4);
  const zooms = (option('--zooms') ?? '0,3,5,7,9,11,13').split(',').map(Number);
  const tms = (option('--tms') ?? 'WebMercatorQuad') as TileMatrixSetId;
  const workers = Number(option('--workers') ?? defaultTileWorkers());
  const warmToo = flag('--warm');
  const pathOption = option('--path');
  let dataDir = args[0];
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), 'bench-tiles-'));
    process.stderr.write(`building a default dataset (scale 0.05) in ${dataDir}…\n`);
    await buildDefaultDataset(dataDir, 0.05);
  }
  const dir = resolveDataDir(dataDir);
  const prefixes = pathOption?.split(',')
    ?? ['/tiles', ...collections.filter((c) => c.geometryType && existsSync(join(dir, c.source))).map((c) => `/collections/${c.id}/tiles`)];
  const cold = await start(dataDir, 0, workers);
  const warm = warmToo ? await start(dataDir, 256 * 1024 * 1024, workers) : null;
  const loads: number[] = [];
  const rows = [
    `Data: \`${dataDir}\`; ${tms}; ${connections} connections, ${seconds} s per row; server in one process, ${workers} tile worker thread(s).`,
    'Cold: tile cache disabled, every request reads and encodes (after one warm-up tile per tileset, at zoom 8). Longest block: the longest event-loop delay of the server during the row.', '',
    `| tiles | zoom | distinct tiles | cold tiles/s | cold p50 / p95 / p99 ms | server CPU ms/tile | longest event-loop block ms | mean KB |${warmToo ? ' warm tiles/s |' : ''}`,
    `|---|---|---|---|---|---|---|---|${warmToo ? '---|' : ''}`,
  ];
  const ms = (v: number) => (v < 10 ? v.toFixed(1) : v.toFixed(0));
  try {
    // Start the worker threads, open the files and warm the JIT before the first row, so that its tail
    // is not the process starting: one tile over Paris at zoom 8 per tileset (not a measured tile).
    for (const prefix of prefixes) await (await fetch(cold.base + tiles(prefix, tms, 8, 1)[0])).arrayBuffer();
    for (const prefix of prefixes) {
      for (const z of zooms) {
        const paths = tiles(prefix, tms, z, z <= 5 ? 16 : 64);
        await cold.ask('reset');
        const cpu0 = cpuSeconds(cold.child.pid!);
        const c = await run(cold.base, paths, seconds, connections);
        const cpu = ((cpuSeconds(cold.child.pid!) - cpu0) * 1000) / Math.max(1, c.rate * seconds);
        const block = await cold.ask('max');
        loads.push(loadavg()[0]);
        let w = '';
        if (warm) {
          for (const p of paths) await (await fetch(warm.base + p)).arrayBuffer(); // fill the cache
          w = ` ${(await run(warm.base, paths, seconds, connections)).rate.toFixed(0)} |`;
        }
        if (c.errors) process.stderr.write(`${prefix} z${z}: ${c.errors} errors or non-2xx\n`);
        rows.push(`| ${prefix} | ${z} | ${paths.length} | ${c.rate.toFixed(1)} | ${ms(c.p50)} / ${ms(c.p95)} / ${ms(c.p99)} | ${ms(cpu)} | ${ms(block)} | ${c.kb.toFixed(1)} |${w}`);
        process.stderr.write(`${rows[rows.length - 1]}\n`);
      }
    }
  } finally {
    cold.child.kill('SIGTERM');
    warm?.child.kill('SIGTERM');
  }
  rows.push('', `Load average (1 min) during the run: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}.`);
  process.stdout.write(`${rows.join('\n')}\n`);
}

if (process.argv[2] === '--serve') await serve(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else await main();
