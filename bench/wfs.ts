// npm run bench:wfs: GetFeature COUNT=1000 in GML and GeoJSON on our /wfs and on the peers' WFS
// (QGIS Server 3.22, MapServer 8.0 FastCGI from ../shared/peers, serving our own
// points_prelevement.fgb), autocannon, same run; writes the section "WFS" of bench/RESULTS.md.
// Usage: npm run bench:wfs -- [--data DIR] [--scale 1] [--duration 8] [--runs 3] [--no-peers]
// The peers run in a state directory of their own (H) on free ports: other peers are left alone.
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDefaultDataset } from '../collections/dataset.js';
import { resolveDataDir } from '../server/catalog.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const SCALE = Number(arg('scale', '1'));
const DURATION = Number(arg('duration', '8'));
const RUNS = Number(arg('runs', '3'));
const PEERS = !args.includes('--no-peers');
const ROOT = resolve(import.meta.dirname, '..', '..');
const PEERS_SH = resolve(ROOT, '..', 'shared', 'peers', 'peers.sh');
const LAYER = 'points_prelevement';

function freePort(): Promise<number> {
  return new Promise((ok, ko) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => (typeof a === 'object' && a ? ok(a.port) : ko(new Error('no port')))); });
  });
}

interface Target { name: string; gml?: string; json?: string; note?: string }

interface Measure { rate: number; p50: number; p99: number; non2xx: number }

/** `fresh`: each request another page (a random STARTINDEX below 100,000), never a cached one. */
async function once(url: string, fresh: boolean): Promise<Measure> {
  const u = new URL(url);
  const path = `${u.pathname}${u.search}`;
  const r = await autocannon({
    url: u.origin, connections: 4, duration: DURATION,
    requests: [{ method: 'GET', path, ...(fresh ? { setupRequest: (req: { path?: string }) => ({ ...req, path: `${path}&STARTINDEX=${Math.floor(Math.random() * 100_000)}` }) } : {}) }],
  });
  return { rate: r['2xx'] / DURATION, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
}

const median = (runs: Measure[]) => [...runs].sort((a, b) => a.rate - b.rate)[Math.floor(runs.length / 2)];

/** One request first: status, size and features returned (members or GeoJSON features). */
async function probe(url: string): Promise<{ status: number; bytes: number; features: number }> {
  const res = await fetch(url);
  const text = await res.text();
  const features = text.startsWith('{') ? (JSON.parse(text).features?.length ?? 0) : (text.match(/<(wfs:member|gml:featureMember|gml:featureMembers?)[ >]/g) ?? []).length + (text.match(/<gml:featureMembers>/) ? (text.match(/gml:id=/g) ?? []).length : 0);
  return { status: res.status, bytes: Buffer.byteLength(text), features };
}

async function main(): Promise<void> {
  let dataDir = arg('data', '');
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), 'bench-wfs-'));
    process.stderr.write(`building the default dataset (scale ${SCALE}) in ${dataDir}…\n`);
    await buildDefaultDataset(dataDir, SCALE);
  }
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'serve', '--data', dataDir, '--port', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) { try { if ((await fetch(`${base}/`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 200)); }

  const q = 'COUNT=1000';
  const targets: Target[] = [{
    name: 'ours (/wfs, WFS 2.0.0)',
    gml: `${base}/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=bnpe:${LAYER}&${q}`,
    json: `${base}/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=bnpe:${LAYER}&${q}&OUTPUTFORMAT=application/json`,
  }];
  const notes: string[] = [];
  const H = mkdtempSync(join(tmpdir(), 'wfs-peers-'));
  const peersEnv = { ...process.env, H, FGB: join(resolveDataDir(dataDir), `${LAYER}.fgb`), LAYER, QGIS_PORT: String(await freePort()), MS_PORT: String(await freePort()), MSF_PORT: String(await freePort()) };
  let peersStarted = false;
  if (PEERS && existsSync(PEERS_SH)) {
    const started = spawnSync('bash', [PEERS_SH, 'start'], { env: peersEnv, encoding: 'utf8' });
    peersStarted = started.status === 0;
    if (peersStarted) {
      // QGIS Server 3.22 serves WFS 1.0/1.1 only (its WFS 3 is the OGC API): GML 3 and GeoJSON in 1.1.0.
      const qgis = `http://127.0.0.1:${peersEnv.QGIS_PORT}/qgis/?SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=${LAYER}&MAXFEATURES=1000`;
      targets.push({ name: 'QGIS Server (WFS 1.1.0)', gml: `${qgis}&OUTPUTFORMAT=GML3`, json: `${qgis}&OUTPUTFORMAT=application/vnd.geo%2Bjson` });
      // MapServer's shared mapfile declares no OGR output format: GML 3.2 only.
      const ms = `http://127.0.0.1:${peersEnv.MSF_PORT}/fcgi/mapserv?map=prelevements&SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=${LAYER}&${q}`;
      targets.push({ name: 'MapServer FastCGI (WFS 2.0.0)', gml: ms, note: 'GeoJSON: no output format declared in the shared mapfile' });
    } else notes.push(`peers did not start: ${(started.stderr || started.stdout).slice(-400)}`);
  }
  const rows: string[] = [];
  const rates: Record<string, number> = {};
  try {
    const cases: { target: Target; format: string; url?: string; fresh: boolean; probe?: Awaited<ReturnType<typeof probe>>; runs: Measure[] }[] = [];
    for (const fresh of [false, true]) {
      for (const target of targets) for (const [format, url] of [['GML', target.gml], ['GeoJSON', target.json]] as const) cases.push({ target, format: fresh ? `${format}, a new page each time` : format, url, fresh, runs: [] });
    }
    for (const c of cases) if (c.url) c.probe = await probe(c.url);
    // Runs interleaved (every case once, then again…): on a shared machine, load changes over time.
    for (let i = 0; i < RUNS; i++) for (const c of cases) if (c.url && c.probe?.status === 200) c.runs.push(await once(c.url, c.fresh));
    for (const c of cases) {
      const { target: t, format, probe: p } = c;
      if (!c.url || !p) { rows.push(`| ${t.name} | ${format} | n/a | | | | | | ${t.note ?? ''} |`); continue; }
      if (p.status !== 200) { rows.push(`| ${t.name} | ${format} | HTTP ${p.status} | | | | | | |`); continue; }
      const m = median(c.runs);
      rates[`${t.name}|${format}`] = m.rate;
      const ours = rates[`${targets[0].name}|${format}`];
      const ratio = t === targets[0] ? '' : `**${(ours / m.rate).toFixed(1)}×**`;
      rows.push(`| ${t.name} | ${format} | ${m.rate.toFixed(1)} | ${m.p50} | ${m.p99} | ${p.bytes} | ${p.features} | ${m.non2xx} | ${ratio} |`);
      process.stderr.write(`${rows[rows.length - 1]}\n`);
    }
  } finally {
    server.kill('SIGTERM');
    if (peersStarted) spawnSync('bash', [PEERS_SH, 'stop'], { env: peersEnv, stdio: 'ignore' });
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const section = [
    '## WFS', '',
    `Command: \`npm run bench:wfs -- ${args.join(' ')}\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared machine: compare ratios within this run only).`,
    `autocannon, 4 connections, ${DURATION} s per run, median of ${RUNS} interleaved runs; GetFeature of the first 1,000 \`${LAYER}\``,
    `(default dataset, scale ${SCALE}); the peers serve the same \`${LAYER}.fgb\`, measured in the same run.`,
    'QGIS Server 3.22 has no WFS 2.0 (its "WFS3" is the OGC API): its WFS 1.1.0 is measured (`MAXFEATURES=1000`, `GML3`, GeoJSON).',
    'The same request repeated is served from our page cache (as on the OGC API side); "a new page each time" asks a random',
    '`STARTINDEX` below 100,000 on every request, so every response is read and written (the peers honour `STARTINDEX` too).', '',
    '| target | format | req/s | p50 ms | p99 ms | bytes/resp | features | non-2xx | ours / this peer |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows, '', ...notes.map((n) => `Note: ${n}`), '',
  ].join('\n');
  console.log(section);
  const results = join(ROOT, 'bench', 'RESULTS.md');
  const previous = existsSync(results) ? readFileSync(results, 'utf8') : '# Benchmarks\n';
  const start = previous.indexOf('\n## WFS\n');
  const end = start < 0 ? -1 : previous.indexOf('\n## ', start + 1);
  const next = start < 0 ? `${previous.trimEnd()}\n\n${section}` : `${previous.slice(0, start + 1)}${section}${end < 0 ? '' : previous.slice(end)}`;
  writeFileSync(`${results}.tmp`, next);
  spawnSync('mv', [`${results}.tmp`, results]);
}

await main();
