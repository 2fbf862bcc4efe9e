// npm run bench: autocannon load on our server and on the peers (QGIS Server, MapServer) serving
// the same points_prelevement.fgb, in one run; medians of repeated runs go to bench/RESULTS.md.
// Usage: npm run bench -- [--scales 1,10] [--duration 10] [--runs 3] [--connections 4] [--no-peers]
//   [--cases pages,uncached,compressed,paging,own,hubeau,cold,qgis,throttle] (groups to run; default all)
//   [--paging-peer-pages 20] [--qgis-peer-load] (QGIS also loads the layer from QGIS Server: minutes)
//   [--throttle-mbit 20]
//   [--hubeau-only]: only the Hub'Eau-compatible paths beside the OGC API (section of its own in RESULTS.md)
// Our server runs twice: as deployed (page cache on) and with --page-cache 0 for the uncached groups.
// Server CPU per request: utime + stime of the server and its workers (/proc) over the run / requests.
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuSeconds, freePort, processTree, sequentialPaging, startServer } from './uncached.js';
import { hasOgr, hasQgis, qgisLoads, throttledGdal, throttledQgis, type LoadRow, type StartServer } from './qgis-load.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SCALES = arg('scales', '1,10').split(',').map(Number);
const DURATION = Number(arg('duration', '10'));
const RUNS = Number(arg('runs', '3'));
const CONNECTIONS = Number(arg('connections', '4'));
const PEERS = !args.includes('--no-peers');
const ROOT = resolve(import.meta.dirname, '..', '..');
const PEERS_SH = resolve(ROOT, '..', 'shared', 'peers', 'peers.sh');
const GROUPS = new Set(arg('cases', 'pages,uncached,compressed,paging,own,hubeau,cold,qgis,throttle').split(','));
const PAGING_PEER_PAGES = Number(arg('paging-peer-pages', '20'));
const THROTTLE_MBIT = Number(arg('throttle-mbit', '20'));
const loads: number[] = [];

/**
 * `offsets`: each request asks another page (a random offset below that bound), never a cached one;
 * `vary` does the same with any parameter (a random Hub'Eau page number).
 */
interface Case { name: string; path: (coll: string, id: string) => string; offsets?: number; vary?: (random: () => number) => string }
const CASES: Case[] = [
  { name: 'items limit=100', path: (c) => `/collections/${c}/items?limit=100` },
  { name: 'items limit=1000', path: (c) => `/collections/${c}/items?limit=1000` },
  { name: 'bbox Paris limit=1000', path: (c) => `/collections/${c}/items?bbox=2.2,48.7,2.5,49.0&limit=1000` },
  { name: 'single feature', path: (c, id) => `/collections/${c}/items/${id}` },
  { name: 'limit=100, a new page each time', path: (c) => `/collections/${c}/items?limit=100`, offsets: 150_000 },
  { name: 'limit=1000, a new page each time', path: (c) => `/collections/${c}/items?limit=1000`, offsets: 150_000 },
];

// Our server only: the cost of the other standard parts on the same data.
const OWN_CASES: Case[] = [
  { name: 'limit=1000 crs=EPSG:2154', path: (c) => `/collections/${c}/items?limit=1000&crs=http://www.opengis.net/def/crs/EPSG/0/2154` },
  { name: 'limit=1000 crs=EPSG:4326', path: (c) => `/collections/${c}/items?limit=1000&crs=http://www.opengis.net/def/crs/EPSG/0/4326` },
  { name: 'filter spatial (S_INTERSECTS polygon)', path: (c) => `/collections/${c}/items?limit=100&filter=${encodeURIComponent('S_INTERSECTS(geometry, POLYGON((2.2 48.7,2.5 48.7,2.5 49,2.2 49,2.2 48.7)))')}` },
  { name: 'filter attribute (code_departement)', path: (c) => `/collections/${c}/items?limit=100&filter=${encodeURIComponent("code_departement = '33'")}` },
  { name: 'filter mixed (bbox + attribute)', path: (c) => `/collections/${c}/items?limit=100&bbox=-1,44,1,46&filter=${encodeURIComponent("code_type_milieu = 'SOUT'")}` },
];

// The Hub'Eau-compatible API beside the OGC API, same data and page size (`--hubeau-only` runs just these).
// "A new page each time": size 951–1000 and one of the first 20 pages, ~1,000 different pages, far more
// than the page caches hold.
const HUBEAU = '/api/v1/prelevements';
const newPage = (r: () => number) => { const size = 1000 - Math.floor(r() * 50); return { size, page: 1 + Math.floor(r() * 20) }; };
const HUBEAU_CASES: Case[] = [
  { name: 'OGC API points limit=1000', path: () => '/collections/points_prelevement/items?limit=1000' },
  { name: "Hub'Eau points size=1000", path: () => `${HUBEAU}/referentiel/points_prelevement?size=1000` },
  { name: 'OGC API points, a new page each time', path: () => '/collections/points_prelevement/items?f=json',
    vary: (r) => { const { size, page } = newPage(r); return `&limit=${size}&offset=${(page - 1) * size}`; } },
  { name: "Hub'Eau points, a new page each time", path: () => `${HUBEAU}/referentiel/points_prelevement?format=json`,
    vary: (r) => { const { size, page } = newPage(r); return `&size=${size}&page=${page}`; } },
  { name: 'OGC API chroniques code_departement=33 limit=1000', path: () => '/collections/chroniques/items?code_departement=33&limit=1000' },
  { name: "Hub'Eau chroniques code_departement=33 size=1000", path: () => `${HUBEAU}/chroniques?code_departement=33&size=1000` },
  { name: "Hub'Eau chroniques.csv code_departement=33 size=1000", path: () => `${HUBEAU}/chroniques.csv?code_departement=33&size=1000` },
];
const HUBEAU_ONLY = args.includes('--hubeau-only');

interface ColdRow { scale: number; case: string; ms: number; matched: number }
// A filter the count cache has never seen: numberMatched needs a full pass over the file.
const COLD_CASES: [string, (salt: number) => string][] = [
  ['chroniques: attribute filter, full count', (salt) => `/collections/chroniques/items?limit=10&filter=${encodeURIComponent(`code_usage = 'IRR' AND annee = 2022 AND volume <> -${salt}`)}`],
  ['chroniques: spatial filter, full count', (salt) => `/collections/chroniques/items?limit=10&filter=${encodeURIComponent(`S_INTERSECTS(geometry, BBOX(-1,44,1,46)) AND volume <> -${salt}`)}`],
  ['points: attribute filter, full count', (salt) => `/collections/points_prelevement/items?limit=10&filter=${encodeURIComponent(`code_nature = 'P' AND code_departement <> '${salt}'`)}`],
];
const coldRows: ColdRow[] = [];

async function cold(scale: number, base: string): Promise<void> {
  for (const [name, path] of COLD_CASES) {
    const times: number[] = [];
    let matched = 0;
    for (let r = 0; r < 3; r++) {
      const started = performance.now();
      const doc = await (await fetch(base + path(Date.now() * 10 + r), { headers: { accept: 'application/geo+json' } })).json() as any;
      times.push(performance.now() - started);
      matched = doc.numberMatched;
    }
    coldRows.push({ scale, case: name, ms: median(times), matched });
  }
}

interface Row { scale: number; target: string; case: string; rps: number; p50: number; p99: number; bytes: number; non2xx: number; cpuMs?: number }

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * autocannon runs, medians. `pids`: the server's processes, for its CPU per request; `encoding`:
 * Accept-Encoding (bytes/resp are then bytes on the wire).
 */
async function load(url: string, offsets?: number, vary?: Case['vary'], pids?: number[], encoding?: string): Promise<Omit<Row, 'scale' | 'target' | 'case'>> {
  const runs = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    loads.push(loadavg()[0]);
    const cpu0 = pids ? pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) : 0;
    // Seeded, so that every target gets the same sequence of pages.
    let seed = 12345 + r;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const path = new URL(url).pathname + new URL(url).search;
    const suffix = vary ? () => vary(random) : offsets ? () => `&offset=${Math.floor(random() * offsets)}` : undefined;
    const requests = suffix ? [{ setupRequest: (req: any) => ({ ...req, path: `${path}${suffix()}` }) }] : undefined;
    const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers: { accept: 'application/geo+json', ...(encoding ? { 'accept-encoding': encoding } : {}) }, ...(requests ? { requests } : {}) });
    runs.push(result);
    if (pids) cpu.push(((pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - cpu0) * 1000) / Math.max(1, result.requests.total));
  }
  return {
    cpuMs: pids ? median(cpu) : undefined,
    rps: median(runs.map((r) => r.requests.average)),
    p50: median(runs.map((r) => r.latency.p50)),
    p99: median(runs.map((r) => r.latency.p99)),
    bytes: median(runs.map((r) => r.throughput.average / Math.max(r.requests.average, 1))),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
  };
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function firstId(base: string, coll: string): Promise<string> {
  const doc = await (await fetch(`${base}/collections/${coll}/items?limit=1`, { headers: { accept: 'application/geo+json' } })).json() as any;
  return String(doc.features[0].id);
}

const PARIS = 'bbox=2.2,48.7,2.5,49.0';
// Page cache off, each request another page (random offsets, the same seeded sequence for every
// target); the bbox offsets stay below the ~3,000 features of the Paris box at scale 1.
const UNCACHED_CASES: Case[] = [
  { name: 'uncached limit=1000, random offset', path: (c) => `/collections/${c}/items?limit=1000`, offsets: 150_000 },
  { name: 'uncached limit=100, random offset', path: (c) => `/collections/${c}/items?limit=100`, offsets: 150_000 },
  { name: 'uncached bbox Paris limit=1000, random offset', path: (c) => `/collections/${c}/items?${PARIS}&limit=1000`, offsets: 2_000 },
];


interface PagingRow { scale: number; target: string; pages: number; first: number; middle: number; last: number }
const pagingRows: PagingRow[] = [];
const loadRows: (LoadRow & { scale: number })[] = [];

async function benchScale(scale: number, rows: Row[], notes: string[]): Promise<void> {
  const dataDir = join(ROOT, 'data', `bench-scale-${scale}`);
  if (!existsSync(join(dataDir, 'chroniques.fgb'))) {
    console.error(`building scale ${scale} into ${dataDir}`);
    const built = spawnSync('node', [join(ROOT, 'dist', 'cli.js'), 'build-data', '--scale', String(scale), '--out', dataDir], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('build failed');
  }
  const { server, base: oursBase } = await startServer(dataDir);
  const uncached = GROUPS.has('uncached') || GROUPS.has('compressed') || GROUPS.has('paging') ? await startServer(dataDir, ['--page-cache', '0']) : undefined;
  const targets: [string, string][] = [['ours', oursBase]];
  // The peers in a state directory of their own, on free ports: other peers on the machine are left alone.
  const peersEnv = { ...process.env, H: mkdtempSync(join(tmpdir(), 'bench-peers-')), FGB: join(dataDir, 'points_prelevement.fgb'), QGIS_PORT: String(await freePort()), MS_PORT: String(await freePort()), MSF_PORT: String(await freePort()) };
  let peers = false;
  try {
    if (HUBEAU_ONLY) { await hubeau(scale, oursBase, rows); return; }
    if (PEERS && existsSync(PEERS_SH)) {
      const started = spawnSync('bash', [PEERS_SH, 'start'], { env: peersEnv, encoding: 'utf8' });
      peers = started.status === 0;
      if (peers) {
        targets.push(['QGIS Server', `http://127.0.0.1:${peersEnv.QGIS_PORT}/qgis/wfs3`], ['MapServer FastCGI', `http://127.0.0.1:${peersEnv.MSF_PORT}/fcgi/mapserv/prelevements/ogcapi`]);
      } else notes.push(`peers did not start at scale ${scale}: ${started.stderr.slice(0, 300)}`);
    }
    const rssBefore = rssTotal(server.pid!);
    const qgisServer = targets.find(([t]) => t === 'QGIS Server');
    if (GROUPS.has('pages')) {
      for (const [target, base] of targets) {
        const id = await firstId(base, 'points_prelevement');
        for (const c of CASES) {
          console.error(`scale ${scale} ${target} ${c.name}`);
          rows.push({ scale, target, case: c.name, ...(await load(base + c.path('points_prelevement', id), c.offsets, undefined, target === 'ours' ? processTree(server.pid!) : undefined)) });
        }
      }
    }
    if (uncached && GROUPS.has('uncached')) {
      for (const [target, base] of [['ours', uncached.base], ...(qgisServer ? [qgisServer] : [])]) {
        for (const c of UNCACHED_CASES) {
          console.error(`scale ${scale} ${target} ${c.name}`);
          rows.push({ scale, target, case: c.name, ...(await load(base + c.path('points_prelevement', ''), c.offsets, undefined, target === 'ours' ? processTree(uncached.server.pid!) : undefined)) });
        }
      }
    }
    if (GROUPS.has('compressed')) {
      // Bytes on the wire and req/s with Accept-Encoding: new pages compressed as they stream;
      // a repeated page comes from the page cache, compressed once when first asked in that encoding.
      for (const encoding of ['gzip', 'br']) {
        if (uncached) {
          const name = `uncached limit=1000, random offset, ${encoding}`;
          console.error(`scale ${scale} ours ${name}`);
          rows.push({ scale, target: 'ours', case: name, ...(await load(`${uncached.base}/collections/points_prelevement/items?limit=1000`, 150_000, undefined, processTree(uncached.server.pid!), encoding)) });
        }
        const name = `items limit=1000 (page cache), ${encoding}`;
        console.error(`scale ${scale} ours ${name}`);
        rows.push({ scale, target: 'ours', case: name, ...(await load(`${oursBase}/collections/points_prelevement/items?limit=1000`, undefined, undefined, processTree(server.pid!), encoding)) });
      }
    }
    if (uncached && GROUPS.has('paging')) {
      // As QGIS pages: follow `next` from offset 0; ms per page at the start, middle and end.
      for (const [target, base, max] of [['ours (page cache off)', uncached.base, Infinity], ...(qgisServer ? [[qgisServer[0], qgisServer[1], PAGING_PEER_PAGES]] : [])] as [string, string, number][]) {
        console.error(`scale ${scale} ${target} sequential paging`);
        const times = (await sequentialPaging(`${base}/collections/points_prelevement/items?limit=1000`, max)).map((t) => t.ms);
        const mid = Math.floor(times.length / 2);
        const med = (a: number[]) => median(a.length ? a : [NaN]);
        pagingRows.push({ scale, target, pages: times.length, first: med(times.slice(0, 5)), middle: med(times.slice(Math.max(0, mid - 2), mid + 3)), last: med(times.slice(-5)) });
      }
    }
    if (GROUPS.has('own')) {
      const id = await firstId(oursBase, 'points_prelevement');
      for (const c of OWN_CASES) {
        console.error(`scale ${scale} ours ${c.name}`);
        rows.push({ scale, target: 'ours', case: c.name, ...(await load(oursBase + c.path('points_prelevement', id))) });
      }
    }
    if (GROUPS.has('hubeau')) await hubeau(scale, oursBase, rows);
    if (GROUPS.has('cold')) await cold(scale, oursBase);
    if (GROUPS.has('qgis') && hasQgis()) {
      const peer = qgisServer && args.includes('--qgis-peer-load') ? { name: 'QGIS Server', base: qgisServer[1] } : undefined;
      for (const row of await qgisLoads(oursBase, 'points_prelevement', peer)) loadRows.push({ scale, ...row });
    }
    if (GROUPS.has('throttle')) {
      // A département-sized extent (Gironde and Landes): a whole-layer read at 20 Mbit/s would take minutes uncompressed.
      const extent = [-1.5, 43.5, 0.5, 45.5];
      const start: StartServer = async (baseUrl, { compression }) => {
        const s = await startServer(dataDir, ['--workers', '1', '--base-url', baseUrl, ...(compression ? [] : ['--no-compression'])]);
        return { port: Number(new URL(s.base).port), stop: async () => { s.server.kill('SIGTERM'); await new Promise((r) => s.server.once('exit', r)); } };
      };
      if (hasOgr()) for (const row of await throttledGdal(start, 'points_prelevement', extent, THROTTLE_MBIT)) loadRows.push({ scale, ...row });
      if (hasQgis()) for (const row of await throttledQgis(start, 'points_prelevement', extent, THROTTLE_MBIT)) loadRows.push({ scale, ...row });
    }
    notes.push(`scale ${scale}: our server (primary + workers) RSS ${rssBefore.toFixed(0)} MiB after start, ${rssTotal(server.pid!).toFixed(0)} MiB after the run; data ${(dirSize(dataDir) / 1048576).toFixed(0)} MiB on disk`);
  } finally {
    server.kill('SIGTERM');
    uncached?.server.kill('SIGTERM');
    if (peers) spawnSync('bash', [PEERS_SH, 'stop'], { env: peersEnv, stdio: 'ignore' });
  }
}

async function hubeau(scale: number, base: string, rows: Row[]): Promise<void> {
  for (const c of HUBEAU_CASES) {
    console.error(`scale ${scale} ours ${c.name}`);
    // Once first: a filtered count is a full pass over the file, then cached (as any client's first page).
    await fetch(base + c.path('', ''), { signal: AbortSignal.timeout(300_000) }).then((r) => r.arrayBuffer());
    rows.push({ scale, target: 'ours', case: c.name, ...(await load(base + c.path('', ''), c.offsets, c.vary)) });
  }
}

/** RSS of the server and its cluster workers. */
function rssTotal(pid: number): number {
  const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  return [pid, ...children].reduce((sum, p) => sum + rssMiB(p), 0);
}

function dirSize(dir: string): number {
  const out = spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout;
  return Number(out.split('\t')[0]);
}

function table(rows: Row[]): string {
  const lines = ['| scale | target | case | req/s | p50 ms | p99 ms | bytes/resp | non-2xx | server CPU ms/req | ratio ours / QGIS Server |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const qgis = rows.find((q) => q.scale === r.scale && q.case === r.case && q.target === 'QGIS Server');
    const ratio = r.target === 'ours' && qgis ? `**${(r.rps / qgis.rps).toFixed(1)}×**` : '';
    lines.push(`| ${r.scale} | ${r.target} | ${r.case} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.bytes.toFixed(0)} | ${r.non2xx} | ${r.cpuMs === undefined ? '' : r.cpuMs.toFixed(1)} | ${ratio} |`);
  }
  return lines.join('\n');
}

const rows: Row[] = [];
const notes: string[] = [];
for (const scale of SCALES) await benchScale(scale, rows, notes);
if (HUBEAU_ONLY) {
  writeSection('Hub\'Eau-compatible API', hubeauSection(rows));
  process.exit(0);
}
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const report = `# Benchmarks

Machine: ${machine}. Date: ${new Date().toISOString().slice(0, 10)}.
Command: \`npm run bench -- ${args.join(' ')}\` (autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, median of ${RUNS} runs;
every request sends \`Accept: application/geo+json\`). Peers: QGIS Server 3.22 and MapServer 8.0 FastCGI from
\`../shared/peers/\`, serving our own \`points_prelevement.fgb\` of the same scale, measured in the same run.
Ratios are meaningful within one run only.

${table(rows)}

Load average (1 min) during the runs: median ${median(loads.length ? loads : [NaN]).toFixed(1)}, max ${Math.max(...loads, 0).toFixed(1)}
(${cpus().length} cores shared with other work: CPU per request counts only our server's processes).
"uncached" rows: our server started with \`--page-cache 0\`, every request another page (random offsets,
the same seeded sequence for QGIS Server). "gzip"/"br" rows: \`Accept-Encoding\` sent, bytes/resp on the wire.

Sequential paging as QGIS does it (follow \`next\` from offset 0, \`limit=1000\`, one connection), ms per page
(median of 5 pages at the start, middle and end; QGIS Server capped at ${PAGING_PEER_PAGES} pages):

| scale | target | pages | first pages ms | middle ms | last pages ms |
|---|---|---|---|---|---|
${pagingRows.map((r) => `| ${r.scale} | ${r.target} | ${r.pages} | ${r.first.toFixed(0)} | ${r.middle.toFixed(0)} | ${r.last.toFixed(0)} |`).join('\n')}

Loading the whole layer \`points_prelevement\` in a GIS client, every way it can (one run each; the
throttled rows read the features of an extent over Gironde and Landes through a ${THROTTLE_MBIT} Mbit/s proxy; GDAL
turns gzip off itself, QGIS always asks for it, so its uncompressed row is a server started with \`--no-compression\`):

| scale | client | way | features | seconds |
|---|---|---|---|---|
${loadRows.map((r) => `| ${r.scale} | ${r.client} | ${r.way} | ${r.features} | ${Number.isNaN(r.seconds) ? r.note ?? 'failed' : r.seconds.toFixed(1)} |`).join('\n')}

Filtered queries whose count the server has never computed (a full pass over the file for
\`numberMatched\`; later pages of the same query reuse the cached count), median of 3:

| scale | query | ms | numberMatched |
|---|---|---|---|
${coldRows.map((r) => `| ${r.scale} | ${r.case} | ${r.ms.toFixed(0)} | ${r.matched} |`).join('\n')}

${notes.map((n) => `- ${n}`).join('\n')}
`;
// The other benchmarks (scan, tiles, exports, ingest) keep their own `## ` sections below.
const resultsFile = join(ROOT, 'bench', 'RESULTS.md');
const previous = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
const others = previous.indexOf('\n## ') >= 0 ? previous.slice(previous.indexOf('\n## ')) : '';
writeFileSync(`${resultsFile}.tmp`, report + others);
renameSync(`${resultsFile}.tmp`, resultsFile);
console.log(report);

function hubeauSection(rows: Row[]): string {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const ogc = (r: Row) => rows.find((o) => o.scale === r.scale && o.case.startsWith('OGC API') && o.case.replace('OGC API ', '').replace('limit=', 'size=') === r.case.replace(/Hub'Eau (\S+?)(\.csv)? /, '$1 '));
  const lines = rows.map((r) => {
    const o = r.case.startsWith('OGC') ? undefined : ogc(r);
    return `| ${r.scale} | ${r.case} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.bytes.toFixed(0)} | ${r.non2xx} | ${o ? `${(r.rps / o.rps).toFixed(2)}` : ''} |`;
  });
  return `Machine: ${machine}; load average ${loadavg()[0].toFixed(1)} when the run ended (a shared machine: compare rows of
one run, not runs). Date: ${new Date().toISOString().slice(0, 10)}.
Command: \`npm run bench -- ${args.join(' ')}\` (autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, median of ${RUNS} runs).
The same pages through the OGC API and through the Hub'Eau-compatible paths, from one server, in one run. Both
keep recently served pages (page caches); "a new page each time" asks ~1,000 different pages, which they do not hold.
The first request of each case is sent once before the load (its filtered count is a full pass, then cached).

| scale | case | req/s | p50 ms | p99 ms | bytes/resp | non-2xx | req/s Hub'Eau / OGC API |
|---|---|---|---|---|---|---|---|
${lines.join('\n')}
`;
}

/** Replaces (or appends) one `## ` section of RESULTS.md, leaving the others as they are. */
function writeSection(title: string, body: string): void {
  const file = join(ROOT, 'bench', 'RESULTS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const heading = `\n## ${title}\n`;
  const start = text.indexOf(heading);
  const section = `${heading}\n${body}`;
  if (start < 0) { writeFileSync(file, `${text.trimEnd()}\n${section}`); return; }
  const end = text.indexOf('\n## ', start + heading.length);
  writeFileSync(file, text.slice(0, start) + section + (end >= 0 ? text.slice(end) : ''));
  console.log(section);
}
