// npm run bench: autocannon load on our server and on the peers (QGIS Server, MapServer) serving
// the same points_prelevement.fgb, in one run; medians of repeated runs go to bench/RESULTS.md.
// Usage: npm run bench -- [--scales 1,10] [--duration 10] [--runs 3] [--connections 4] [--no-peers] [--port N]
//   [--hubeau-only]: only the Hub'Eau-compatible paths beside the OGC API (section of its own in RESULTS.md)
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

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
const PORT = Number(arg('port', '18080'));

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

interface Row { scale: number; target: string; case: string; rps: number; p50: number; p99: number; bytes: number; non2xx: number }

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function load(url: string, offsets?: number, vary?: Case['vary']): Promise<{ rps: number; p50: number; p99: number; bytes: number; non2xx: number }> {
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    // Seeded, so that every target gets the same sequence of pages.
    let seed = 12345 + r;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const path = new URL(url).pathname + new URL(url).search;
    const suffix = vary ? () => vary(random) : offsets ? () => `&offset=${Math.floor(random() * offsets)}` : undefined;
    const requests = suffix ? [{ setupRequest: (req: any) => ({ ...req, path: `${path}${suffix()}` }) }] : undefined;
    const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers: { accept: 'application/geo+json' }, ...(requests ? { requests } : {}) });
    runs.push(result);
  }
  return {
    rps: median(runs.map((r) => r.requests.average)),
    p50: median(runs.map((r) => r.latency.p50)),
    p99: median(runs.map((r) => r.latency.p99)),
    bytes: median(runs.map((r) => r.throughput.average / Math.max(r.requests.average, 1))),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
  };
}

async function waitFor(url: string, ms = 600_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer`);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function firstId(base: string, coll: string): Promise<string> {
  const doc = await (await fetch(`${base}/collections/${coll}/items?limit=1`, { headers: { accept: 'application/geo+json' } })).json() as any;
  return String(doc.features[0].id);
}

async function benchScale(scale: number, rows: Row[], notes: string[]): Promise<void> {
  const dataDir = join(ROOT, 'data', `bench-scale-${scale}`);
  if (!existsSync(join(dataDir, 'chroniques.fgb'))) {
    console.error(`building scale ${scale} into ${dataDir}`);
    const built = spawnSync('node', [join(ROOT, 'dist', 'cli.js'), 'build-data', '--scale', String(scale), '--out', dataDir], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('build failed');
  }
  const server: ChildProcess = spawn('node', [join(ROOT, 'dist', 'cli.js'), 'serve', '--data', dataDir, '--port', String(PORT), '--host', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  const targets: [string, string][] = [['ours', `http://127.0.0.1:${PORT}`]];
  try {
    await waitFor(`${targets[0][1]}/collections`);
    if (HUBEAU_ONLY) { await hubeau(scale, targets[0][1], rows); return; }
    if (PEERS && existsSync(PEERS_SH)) {
      spawnSync('bash', [PEERS_SH, 'stop'], { stdio: 'ignore' });
      const started = spawnSync('bash', [PEERS_SH, 'start'], { env: { ...process.env, FGB: join(dataDir, 'points_prelevement.fgb') }, encoding: 'utf8' });
      if (started.status === 0) {
        targets.push(['QGIS Server', 'http://127.0.0.1:8101/qgis/wfs3'], ['MapServer FastCGI', 'http://127.0.0.1:8103/fcgi/mapserv/prelevements/ogcapi']);
      } else notes.push(`peers did not start at scale ${scale}: ${started.stderr.slice(0, 300)}`);
    }
    const rssBefore = rssTotal(server.pid!);
    for (const [target, base] of targets) {
      const id = await firstId(base, 'points_prelevement');
      for (const c of CASES) {
        const url = base + c.path('points_prelevement', id);
        console.error(`scale ${scale} ${target} ${c.name}`);
        rows.push({ scale, target, case: c.name, ...(await load(url, c.offsets)) });
      }
    }
    const ours = targets[0][1];
    const id = await firstId(ours, 'points_prelevement');
    for (const c of OWN_CASES) {
      console.error(`scale ${scale} ours ${c.name}`);
      rows.push({ scale, target: 'ours', case: c.name, ...(await load(ours + c.path('points_prelevement', id))) });
    }
    await hubeau(scale, ours, rows);
    await cold(scale, ours);
    notes.push(`scale ${scale}: our server (primary + workers) RSS ${rssBefore.toFixed(0)} MiB after start, ${rssTotal(server.pid!).toFixed(0)} MiB after the run; data ${(dirSize(dataDir) / 1048576).toFixed(0)} MiB on disk`);
  } finally {
    server.kill('SIGTERM');
    if (PEERS && existsSync(PEERS_SH)) spawnSync('bash', [PEERS_SH, 'stop'], { stdio: 'ignore' });
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
  const lines = ['| scale | target | case | req/s | p50 ms | p99 ms | bytes/resp | non-2xx | ratio ours / QGIS Server |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const qgis = rows.find((q) => q.scale === r.scale && q.case === r.case && q.target === 'QGIS Server');
    const ratio = r.target === 'ours' && qgis ? `**${(r.rps / qgis.rps).toFixed(1)}×**` : '';
    lines.push(`| ${r.scale} | ${r.target} | ${r.case} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.bytes.toFixed(0)} | ${r.non2xx} | ${ratio} |`);
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
writeFileSync(resultsFile, report + others);
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
