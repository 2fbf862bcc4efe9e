// The maps' layers: size and time of the dataset tiles that carry the choropleths (zooms 0–8:
// volumes per région, département, commune) over metropolitan France, cold (tile cache off: every
// request reads and encodes) and warm (second request of the same tile, from the cache), for the
// default view (all usages, latest year) and a usage and year asked; then the offline basemap's
// GeoJSON layers (sent whole, once: MapLibre and Leaflet tile them in the browser). Markdown tables.
//   node dist/bench/maps.js [dataDir] [--scale 0.1]
// The server runs in this process on loopback; times are medians of the tiles of each zoom.
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createApp, defaultParts } from '../server/app.js';
import { openCatalog, resolveDataDir } from '../server/catalog.js';
import { lonLatToTile } from '../server/tiles/index.js';
import { buildDefaultDataset } from '../collections/dataset.js';
import { collections } from '../collections/definitions/index.js';
import { SERVICE_INFO } from '../collections/service.js';
import { TILES_OPTIONS } from '../collections/style.js';

const FRANCE = { west: -5.2, south: 41.3, east: 9.6, north: 51.1 };
const MAX_TILES = 16;

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : 0; };

/** Tiles of zoom z over metropolitan France, at most MAX_TILES, from the centre outwards. */
function franceTiles(z: number): [number, number][] {
  const [x0, y0] = lonLatToTile('WebMercatorQuad', z, FRANCE.west, FRANCE.north).map(Math.floor);
  const [x1, y1] = lonLatToTile('WebMercatorQuad', z, FRANCE.east, FRANCE.south).map(Math.floor);
  const [cx, cy] = lonLatToTile('WebMercatorQuad', z, 2.5, 46.6);
  const all: [number, number][] = [];
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) all.push([y, x]);
  return all.sort((a, b) => Math.hypot(a[1] + 0.5 - cx, a[0] + 0.5 - cy) - Math.hypot(b[1] + 0.5 - cx, b[0] + 0.5 - cy)).slice(0, MAX_TILES);
}

async function timed(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = new Uint8Array(await res.arrayBuffer());
  return { ms: performance.now() - t0, bytes: body.length, status: res.status };
}

async function listen(dataDir: string, cacheBytes: number): Promise<{ base: string; server: Server }> {
  const catalog = await openCatalog(resolveDataDir(dataDir), collections);
  const app = createApp({ info: SERVICE_INFO, catalog: () => catalog, parts: defaultParts({ ...TILES_OPTIONS, cacheBytes }) });
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scaleAt = args.indexOf('--scale');
  const scale = scaleAt >= 0 ? Number(args[scaleAt + 1]) : 0.1;
  let dataDir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--scale');
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), 'bench-maps-'));
    process.stderr.write(`building the default dataset at scale ${scale} in ${dataDir}…\n`);
    await buildDefaultDataset(dataDir, scale);
  }
  const cold = await listen(dataDir, 0);
  const warm = await listen(dataDir, 64 * 1024 * 1024);
  const queries: [string, string][] = [['all usages, latest year', ''], ['irrigation, 2020', '?code_usage=IRR&datetime=2020-01-01/2020-12-31']];
  const out: string[] = [];
  out.push(`Machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, Node ${process.version}; data: ${dataDir}`, '');
  out.push('| zoom | layer | view | tiles | median bytes | max bytes | cold median ms | warm median ms |', '|---|---|---|---|---|---|---|---|');
  for (let z = 0; z <= 8; z++) {
    const layer = z <= 4 ? 'volumes_regions' : z <= 6 ? 'volumes_departements' : 'volumes_communes + volumes_epci';
    for (const [label, query] of queries) {
      const bytes: number[] = [], coldMs: number[] = [], warmMs: number[] = [];
      for (const [row, col] of franceTiles(z)) {
        const path = `/tiles/WebMercatorQuad/${z}/${row}/${col}${query}`;
        const c = await timed(cold.base + path);
        if (c.status !== 200 && c.status !== 204) throw new Error(`${path}: ${c.status}`);
        await timed(warm.base + path); // fills the cache
        const w = await timed(warm.base + path);
        bytes.push(c.bytes); coldMs.push(c.ms); warmMs.push(w.ms);
      }
      out.push(`| ${z} | ${layer} | ${label} | ${bytes.length} | ${median(bytes).toLocaleString('en')} | ${Math.max(...bytes).toLocaleString('en')} | ${median(coldMs).toFixed(1)} | ${median(warmMs).toFixed(2)} |`);
    }
  }
  out.push('', '| basemap layer (GeoJSON, all zooms) | bytes | gzip bytes | first request ms | next request ms |', '|---|---|---|---|---|');
  for (const name of ['land', 'regions', 'departements', 'labels']) {
    const url = `${cold.base}/basemap/${name}.geojson`;
    const first = await timed(url);
    const next: number[] = [];
    for (let i = 0; i < 5; i++) next.push((await timed(url)).ms);
    const body = new Uint8Array(await (await fetch(url)).arrayBuffer());
    out.push(`| ${name} | ${first.bytes.toLocaleString('en')} | ${gzipSync(body).length.toLocaleString('en')} | ${first.ms.toFixed(1)} | ${median(next).toFixed(2)} |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  for (const s of [cold.server, warm.server]) { s.close(); s.closeAllConnections(); }
  process.exit(0);
}

main().catch((error) => { process.stderr.write(`${(error as Error).stack}\n`); process.exit(1); });
