// Load: 200 concurrent connections for 60 s over a realistic mix against the real CLI with workers
// and the demo access configuration (restricted collections read with keys). Reports errors,
// timeouts, p50/p99 per kind, the server's peak RSS and event-loop delay (logged by each worker
// when it stops), and writes them as markdown.
//   node dist/bench/load.js [--data DIR] [--scale 0.1] [--seconds 60] [--connections 200] [--workers 2] [--out FILE] [--server URL]
// Without --data, a default dataset at --scale is built in a temporary directory.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { buildDefaultDataset } from '../collections/dataset.js';
import type { LoopReport } from '../server/loop-monitor.js';
import { lonLatToTile } from '../server/tiles/index.js';

const CITIES: [number, number][] = [[2.35, 48.85], [4.83, 45.76], [5.37, 43.3], [1.44, 43.6], [-0.58, 44.84], [3.06, 50.63], [-1.55, 47.22], [7.75, 48.57], [-1.68, 48.11], [3.87, 43.61]];
const DEPARTEMENTS = ['01', '13', '18', '29', '33', '35', '44', '59', '63', '67', '69', '75', '83', '971'];
const DEMO = resolve('examples', 'access');

function rng(seed: number) { return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32); }
const random = rng(15);
const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
const int = (max: number) => Math.floor(random() * max);

function bboxAround(): string {
  const [lon, lat] = pick(CITIES);
  const d = 0.05 + random() * 0.4;
  return [lon - d, lat - d, lon + d, lat + d].map((v) => v.toFixed(4)).join(',');
}
function tile(prefix: string): string {
  const z = pick([5, 7, 9, 11, 13]);
  const [lon, lat] = pick(CITIES);
  const [x, y] = lonLatToTile('WebMercatorQuad', z, lon + (random() - 0.5) * 0.2, lat + (random() - 0.5) * 0.2).map(Math.floor);
  return `${prefix}/WebMercatorQuad/${z}/${y}/${x}`;
}
const q = (s: string) => encodeURIComponent(s);

/** `share`: relative weight of the kind in the mix of requests. */
interface Kind { name: string; share: number; path: () => string; headers?: Record<string, string> }

function kinds(apiKey: string): Kind[] {
  const key = { 'X-API-Key': apiKey };
  const list: Kind[] = [
    { name: 'GeoJSON page, random offset', share: 30, path: () => `/collections/points_prelevement/items?limit=${pick([10, 100, 1000])}&offset=${int(15000)}` },
    { name: 'bbox', share: 20, path: () => `/collections/points_prelevement/items?bbox=${bboxAround()}&limit=500` },
    { name: 'CQL2 text', share: 15, path: () => `/collections/volumes_communes/items?limit=100&filter=${q(`code_departement = '${pick(DEPARTEMENTS)}' AND volume_total > ${int(100000)}`)}` },
    { name: 'CQL2 JSON', share: 10, path: () => `/collections/points_prelevement/items?limit=100&filter-lang=cql2-json&filter=${q(JSON.stringify({ op: 'and', args: [{ op: '=', args: [{ property: 'code_departement' }, pick(DEPARTEMENTS)] }, { op: 's_intersects', args: [{ property: 'geometry' }, { bbox: bboxAround().split(',').map(Number) }] }] }))}` },
    { name: 'sortby', share: 15, path: () => `/collections/points_prelevement/items?sortby=${pick(['-code_point_prelevement', 'nom_commune', '-date_exploitation_debut'])}&limit=50&offset=${int(2000)}` },
    { name: 'crs=2154', share: 10, path: () => `/collections/points_prelevement/items?crs=${q('http://www.opengis.net/def/crs/EPSG/0/2154')}&bbox=${bboxAround()}&limit=200` },
    { name: 'tiles z5–13', share: 30, path: () => tile(pick(['/tiles', '/collections/points_prelevement/tiles', '/collections/volumes_communes/tiles'])) },
    { name: 'CSV export (a département)', share: 10, path: () => `/collections/points_prelevement/items?f=csv&code_departement=${pick(DEPARTEMENTS)}` },
    { name: 'FlatGeobuf export (a bbox)', share: 10, path: () => `/collections/points_prelevement/items?f=fgb&bbox=${bboxAround()}` },
    { name: 'HTML pages', share: 20, path: () => pick(['/?f=html', '/collections?f=html', '/collections/points_prelevement?f=html', `/collections/points_prelevement/items?f=html&limit=50&offset=${int(5000)}`, '/collections/points_prelevement/queryables?f=html', '/map']) },
    { name: 'restricted, with a key', share: 30, headers: key, path: () => pick([
      `/collections/ouvrages/items?limit=100&offset=${int(10000)}`, `/collections/chroniques/items?limit=100&filter=${q(`annee = ${2008 + int(16)} AND code_usage = 'AEP'`)}`,
      `/collections/ouvrages_loire_bretagne/items?limit=50&bbox=${bboxAround()}`, tile('/collections/ouvrages/tiles'), `/collections/chroniques/items?f=csv&limit=2000&offset=${int(100000)}`]) },
  ];
  return list;
}

interface Started { base: string; stop: () => Promise<string[]> }

/** The real CLI with workers, logs collected (pino JSON lines). */
async function startServer(dataDir: string, configPath: string, workers: number): Promise<Started> {
  const child = spawn(process.execPath, [resolve('dist', 'cli.js'), 'serve', '--data', dataDir, '--port', '0', '--host', '127.0.0.1', '--workers', String(workers), '--config', configPath],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'info' } });
  const lines: string[] = [];
  let buffer = '';
  const ports: number[] = [];
  const ready = new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        const m = /"url":"http:\/\/localhost:(\d+)"/.exec(line);
        if (m) { ports.push(Number(m[1])); if (ports.length === workers) resolve(ports[0]); }
      }
    });
  });
  const port = await ready;
  return {
    base: `http://127.0.0.1:${port}`,
    stop: () => new Promise((done) => { child.once('exit', () => done(lines)); child.kill('SIGTERM'); }),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
  const seconds = Number(option('--seconds', '60'));
  const connections = Number(option('--connections', '200'));
  const workers = Number(option('--workers', String(availableParallelism())));
  const scale = Number(option('--scale', '0.1'));
  let dataDir = option('--data', '');
  if (!dataDir || !existsSync(dataDir)) {
    dataDir = mkdtempSync(join(tmpdir(), 'bench-load-'));
    process.stderr.write(`building a default dataset (scale ${scale}) in ${dataDir}…\n`);
    await buildDefaultDataset(dataDir, scale);
  }
  // The demo configuration without its rate limits (a load test from one address would be limited).
  const configDir = mkdtempSync(join(tmpdir(), 'bench-load-access-'));
  for (const f of ['keys.json', 'jwks.json']) copyFileSync(join(DEMO, f), join(configDir, f));
  const config = parse(readFileSync(join(DEMO, 'config.yaml'), 'utf8'));
  config.rateLimit = false;
  writeFileSync(join(configDir, 'config.yaml'), stringify(config));
  const { apiKey } = JSON.parse(readFileSync(join(DEMO, 'credentials.json'), 'utf8'));

  // --server URL: a server started elsewhere (e.g. under --cpu-prof) with the same data and configuration.
  const external = option('--server', '');
  const server: Started = external ? { base: external.replace(/\/$/, ''), stop: async () => [] } : await startServer(dataDir, join(configDir, 'config.yaml'), workers);
  const mix = kinds(apiKey);
  const weights = mix.reduce((n, k) => n + k.share, 0);
  process.stderr.write(`${connections} connections for ${seconds} s against ${server.base} (${workers} workers)…\n`);
  // One autocannon instance: every connection is a user whose next request is drawn from the mix
  // (weighted by the kinds' shares), so kinds compete fairly in one load generator. Latencies per
  // kind are timed here, from building the request to its response.
  const stats = mix.map(() => ({ started: 0, answered: 0, ok: 0, non2xx: 0, latencies: [] as number[] }));
  interface Ctx { kind?: number; at?: number }
  const result = await autocannon({
    url: server.base, connections, duration: seconds, timeout: 30,
    requests: [{
      method: 'GET',
      setupRequest: (req, context: Ctx) => {
        let r = random() * weights;
        let i = 0;
        while (r >= mix[i].share && i < mix.length - 1) r -= mix[i++].share;
        context.kind = i;
        context.at = performance.now();
        stats[i].started++;
        return { ...req, path: mix[i].path(), headers: { ...req.headers, ...mix[i].headers } };
      },
      onResponse: (status: number, _body: string, context: Ctx) => {
        if (context.kind === undefined || context.at === undefined) return;
        const s = stats[context.kind];
        s.answered++;
        if (status >= 200 && status < 300) s.ok++; else s.non2xx++;
        s.latencies.push(performance.now() - context.at);
      },
    }],
  });
  const lines = await server.stop();
  // One report per worker (the last it logged: on disconnect, or on SIGTERM).
  const byPid = new Map<number, LoopReport>();
  for (const l of lines.map((line) => { try { return JSON.parse(line); } catch { return null; } })) if (l?.eventLoop) byPid.set(l.pid, l.eventLoop);
  const loops = [...byPid.values()];

  const pct = (list: number[], p: number) => { if (!list.length) return 0; const sorted = [...list].sort((a, b) => a - b); return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]); };
  const rows = mix.map((k, i) => {
    const s = stats[i];
    return `| ${k.name} | ${((100 * k.share) / weights).toFixed(0)} % | ${s.answered} | ${s.ok} | ${s.non2xx} | ${s.started - s.answered} | ${pct(s.latencies, 50)} | ${pct(s.latencies, 99)} | ${Math.round(Math.max(0, ...s.latencies))} |`;
  });
  const total = { requests: result.requests.total, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts };
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const report = [
    `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}; load generator (autocannon) on the same machine.`,
    `Command: \`npm run bench:load -- --data ${dataDir} --seconds ${seconds} --connections ${connections} --workers ${workers}\` (data: default dataset, scale ${scale}); server: \`prelevements serve --workers ${workers} --config\` the demo access configuration without rate limits.`,
    '',
    `Total: ${total.requests} requests, ${total.non2xx} non-2xx, ${total.errors} errors, ${total.timeouts} timeouts (timeout 30 s); ${Math.round(total.requests / seconds)} requests/s.`,
    '',
    '"unanswered": requests sent and not answered when the run stopped (timed out, or still in flight at the end: at most one per connection).',
    '',
    '| kind | share of requests | answered | 2xx | non-2xx | unanswered | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '| worker | event-loop delay p50 ms | p99 ms | max ms | stalls > 1 s | peak RSS MiB |',
    '|---|---|---|---|---|---|',
    ...loops.map((l, i) => `| ${i + 1} | ${l.p50Ms.toFixed(1)} | ${l.p99Ms.toFixed(1)} | ${l.maxMs.toFixed(0)} | ${l.stallsOver1s} | ${l.peakRssMiB} |`),
  ].join('\n');
  process.stdout.write(`${report}\n`);
  const out = option('--out', '');
  if (out) writeFileSync(out, `${report}\n`);
}

await main();
