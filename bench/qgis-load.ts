// How long a GIS client takes to load a whole collection, every way it can: QGIS 3.22 (Debian
// python3-qgis) through OGC API – Features (paged GeoJSON, the page size QGIS picks from /api),
// the FlatGeobuf stream (?f=fgb) and the WFS (/wfs); and GDAL's OAPIF driver and QGIS's over a
// link throttled to a given bandwidth, with and without compression. Used by bench/run.ts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throttlingProxy } from './throttle.js';

const PYTHON = '/usr/bin/python3';
export const hasQgis = () => spawnSync(PYTHON, ['-c', 'import qgis.core'], { encoding: 'utf8' }).status === 0;
export const hasOgr = () => !spawnSync('ogr2ogr', ['--version']).error;

const SCRIPT = `
import json, os, sys, time
from qgis.core import QgsApplication, QgsFeatureRequest, QgsRectangle, QgsVectorLayer
app = QgsApplication([], False); app.initQgis()
uri, provider = sys.argv[1], sys.argv[2]
# An extent [xmin, ymin, xmax, ymax], as a canvas asks: OAPIF sends it as bbox when the URI has restrictToRequestBBOX='1'.
request = QgsFeatureRequest(QgsRectangle(*json.loads(sys.argv[3]))) if len(sys.argv) > 3 else QgsFeatureRequest()
t0 = time.time()
layer = QgsVectorLayer(uri, 'layer', provider)
n = sum(1 for _ in layer.getFeatures(request)) if layer.isValid() else -1
print(json.dumps({'valid': layer.isValid(), 'features': n, 'seconds': time.time() - t0}))
sys.stdout.flush()
os._exit(0)  # exitQgis() segfaults in headless scripts (QGIS 3.22)
`;

export interface LoadRow { client: string; way: string; features: number; seconds: number; note?: string }

/** QGIS 3.22's OAPIF page size: min(max(1000, default limit), maximum limit) of the items operation in /api. */
export async function qgisPageSize(base: string, collection: string): Promise<{ pageSize: number; defaultLimit?: number; maximum?: number }> {
  const api = await (await fetch(`${base}/api`, { headers: { accept: 'application/vnd.oai.openapi+json;version=3.0' } })).json() as any;
  const op = api.paths?.[`/collections/${collection}/items`]?.get ?? Object.values(api.paths ?? {}).map((p: any) => p.get).find((g: any) => g?.parameters?.some((x: any) => x.name === 'limit'));
  const limit = (op?.parameters ?? []).map((p: any) => (p.$ref ? api.components?.parameters?.[p.$ref.split('/').pop()] : p)).find((p: any) => p?.name === 'limit');
  const defaultLimit = limit?.schema?.default;
  const maximum = limit?.schema?.maximum;
  const pageSize = defaultLimit > 0 && maximum > 0 ? Math.min(Math.max(1000, defaultLimit), maximum) : defaultLimit > 0 ? Math.max(1000, defaultLimit) : maximum > 0 ? maximum : 100;
  return { pageSize, defaultLimit, maximum };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stderr }); });
    child.on('error', (error) => { clearTimeout(timer); resolve({ status: -1, stderr: String(error) }); });
  });
}

function qgis(uri: string, provider: string, timeoutMs: number, extent?: number[]): Promise<{ features: number; seconds: number; error?: string }> {
  const xdg = mkdtempSync(join(tmpdir(), 'qgis-xdg-'));
  return new Promise((resolve) => {
    const child = spawn(PYTHON, ['-c', SCRIPT, uri, provider, ...(extent ? [JSON.stringify(extent)] : [])], { env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', XDG_RUNTIME_DIR: xdg, HOME: xdg } });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', () => {
      clearTimeout(timer);
      rmSync(xdg, { recursive: true, force: true });
      try {
        const r = JSON.parse(out.trim().split('\n').pop()!);
        resolve(r.valid ? { features: r.features, seconds: r.seconds } : { features: -1, seconds: NaN, error: 'invalid layer' });
      } catch { resolve({ features: -1, seconds: NaN, error: `no result (timeout ${timeoutMs / 1000} s?) ${err.slice(-200)}` }); }
    });
  });
}

/** QGIS loading `collection` whole from our server (and from QGIS Server's OAPIF when given). */
export async function qgisLoads(base: string, collection: string, peer?: { name: string; base: string }, timeoutMs = 600_000): Promise<LoadRow[]> {
  const { pageSize } = await qgisPageSize(base, collection);
  const ways: [string, string, string, string?][] = [
    [`OAPIF, paged GeoJSON (QGIS picks limit=${pageSize})`, `url='${base}' typename='${collection}'`, 'OAPIF'],
    ['FlatGeobuf stream (?f=fgb, the .qlr layer)', `/vsicurl_streaming/${base}/collections/${collection}/items?f=fgb`, 'ogr'],
    ['WFS 2.0 (/wfs)', `url='${base}/wfs' typename='bnpe:${collection}' version='2.0.0'`, 'WFS'],
  ];
  if (peer) ways.push([`${peer.name}: OAPIF, paged GeoJSON`, `url='${peer.base}' typename='${collection}'`, 'OAPIF', peer.name]);
  const rows: LoadRow[] = [];
  for (const [way, uri, provider, target] of ways) {
    process.stderr.write(`QGIS load: ${way}\n`);
    const r = await qgis(uri, provider, timeoutMs);
    rows.push({ client: `QGIS 3.22 → ${target ?? 'ours'}`, way, features: r.features, seconds: r.seconds, note: r.error });
  }
  return rows;
}

/** Starts our server with `baseUrl` as its public base URL, compressing answers or not; its port and a stop function. */
export type StartServer = (baseUrl: string, options: { compression: boolean }) => Promise<{ port: number; stop: () => Promise<void> }>;

/**
 * `use(base)` reading through a proxy throttled to `mbit` from a server `start` runs behind it. The
 * server must use the proxy's address as its base URL, so that `next` links go through the proxy too.
 */
async function throttled<T>(start: StartServer, compression: boolean, mbit: number, use: (base: string) => Promise<T>): Promise<T> {
  let serverPort = 0;
  const proxy = await throttlingProxy(() => serverPort, mbit * 1e6);
  try {
    const base = `http://127.0.0.1:${proxy.port}`;
    const server = await start(base, { compression });
    serverPort = server.port;
    try { return await use(base); } finally { await server.stop(); }
  } finally {
    await proxy.close();
  }
}

/**
 * GDAL's OAPIF driver reading `collection` (within `spat`) through a proxy throttled to `mbit`,
 * with gzip (GDAL's default Accept-Encoding) and without (CPL_CURL_GZIP=NO), from one server.
 */
export async function throttledGdal(start: StartServer, collection: string, spat: number[], mbit: number, timeoutMs = 600_000): Promise<LoadRow[]> {
  const gdal = /GDAL ([\d.]+)/.exec(spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? '';
  return throttled(start, true, mbit, async (base) => {
    const rows: LoadRow[] = [];
    for (const gzip of [true, false]) {
      const dir = mkdtempSync(join(tmpdir(), 'gdal-'));
      const out = join(dir, 'out.geojsons');
      process.stderr.write(`GDAL at ${mbit} Mbit/s, ${gzip ? 'gzip' : 'uncompressed'}\n`);
      const t0 = performance.now();
      // Asynchronous: the proxy runs in this process and must keep serving while ogr2ogr reads.
      const r = await run('ogr2ogr', ['-f', 'GeoJSONSeq', out, `OAPIF:${base}`, collection, '-spat', ...spat.map(String), '-oo', 'PAGE_SIZE=1000'],
        { ...process.env, CPL_CURL_GZIP: gzip ? 'YES' : 'NO', GDAL_HTTP_TIMEOUT: '600' }, timeoutMs);
      const seconds = (performance.now() - t0) / 1000;
      const lines = r.status === 0 ? Number(spawnSync('wc', ['-l', out], { encoding: 'utf8' }).stdout.trim().split(' ')[0]) : -1;
      rows.push({ client: `GDAL ${gdal} ogr2ogr (OAPIF, PAGE_SIZE=1000) at ${mbit} Mbit/s`, way: gzip ? 'compressed (gzip, GDAL default)' : 'uncompressed (CPL_CURL_GZIP=NO)', features: lines, seconds, note: r.status === 0 ? undefined : r.stderr.slice(-200) });
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  });
}

/**
 * QGIS 3.22's OAPIF provider reading `collection` within `spat` (a filter rectangle, sent as bbox)
 * through a proxy throttled to `mbit`. Qt always sends Accept-Encoding and inflates gzip itself, so
 * "uncompressed" is a server started without compression; a fresh server (and proxy) for each.
 */
export async function throttledQgis(start: StartServer, collection: string, spat: number[], mbit: number, timeoutMs = 600_000): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  for (const compression of [true, false]) {
    process.stderr.write(`QGIS at ${mbit} Mbit/s, ${compression ? 'gzip' : 'uncompressed'}\n`);
    // Without restrictToRequestBBOX, QGIS 3.22 downloads the whole layer and filters the rectangle in its cache.
    const r = await throttled(start, compression, mbit, (base) => qgis(`url='${base}' typename='${collection}' restrictToRequestBBOX='1'`, 'OAPIF', timeoutMs, spat));
    rows.push({ client: `QGIS 3.22 (OAPIF) at ${mbit} Mbit/s`, way: compression ? 'compressed (gzip, Qt default)' : 'uncompressed (server --no-compression)', features: r.features, seconds: r.seconds, note: r.error });
  }
  return rows;
}
