// npm run bench:uncached: the path every new page takes, in one server process with the page cache
// off. Server CPU per page (the process's utime + stime from /proc, over a fixed number of requests
// at random offsets), and sequential paging as QGIS does it (following `next` from offset 0):
// time per page against depth. `--profile DIR` also writes a V8 CPU profile of the server (--cpu-prof).
// Usage: npm run bench:uncached -- --data DIR [--requests 300] [--connections 4] [--pages 150] [--profile DIR]
//   [--encoding gzip|br] (Accept-Encoding of every request) [--cases 1,3] (which random-offset cases)
//   [--workers N] (server processes, 1 by default; CPU is then summed over the cluster)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Agent, get } from 'node:http';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const ROOT = resolve(import.meta.dirname, '..', '..');
const DATA = resolve(arg('data', join(ROOT, 'data', 'bench-scale-1')));
const REQUESTS = Number(arg('requests', '300'));
const CONNECTIONS = Number(arg('connections', '4'));
const PAGES = Number(arg('pages', '150'));
const PROFILE = arg('profile', '');
const ENCODING = arg('encoding', '');
const WORKERS = arg('workers', '1');
const COLLECTION = 'points_prelevement';

export function freePort(): Promise<number> {
  return new Promise((ok, ko) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => (typeof a === 'object' && a ? ok(a.port) : ko(new Error('no port')))); });
  });
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Our processes: the primary and its cluster workers. */
export function processTree(pid: number): number[] {
  const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  return [pid, ...children];
}

export function seeded(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const headers: Record<string, string> = { accept: 'application/geo+json', 'accept-encoding': ENCODING || 'identity' };
const agent = new Agent({ keepAlive: true });

/** Bytes on the wire of one answer's body (not decoded), over a kept-alive connection. */
export function wireBytes(url: string, requestHeaders: Record<string, string> = headers): Promise<number> {
  return new Promise((ok, ko) => {
    get(url, { headers: requestHeaders, agent }, (res) => {
      let n = 0;
      res.on('data', (chunk: Buffer) => { n += chunk.length; });
      res.on('end', () => (res.statusCode === 200 ? ok(n) : ko(new Error(`${res.statusCode} ${url}`))));
      res.on('error', ko);
    }).on('error', ko);
  });
}

/** `count` requests of `url(i)`, `connections` at a time; CPU of `pids` per request, wall rate, wire bytes. */
export async function cpuPerRequest(pids: number[], url: (i: number) => string, count: number, connections: number, requestHeaders = headers): Promise<{ cpuMs: number; rps: number; bytes: number }> {
  let next = 0;
  let bytes = 0;
  const cpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const cpu0 = cpu();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (next < count) { const n = await wireBytes(url(next++), requestHeaders); bytes += n; }
  }));
  const seconds = (performance.now() - t0) / 1000;
  return { cpuMs: ((cpu() - cpu0) * 1000) / count, rps: count / seconds, bytes: bytes / count };
}

export async function startServer(dataDir: string, extra: string[] = [], nodeArgs: string[] = []): Promise<{ server: ChildProcess; base: string }> {
  const port = await freePort();
  const server = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'cli.js'), 'serve', '--data', dataDir, '--port', String(port), '--host', '127.0.0.1', ...extra],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(`${base}/collections`)).ok) return { server, base }; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill('SIGTERM');
  throw new Error('server did not start');
}

/** Follows `next` from offset 0: milliseconds per page, by depth. */
export async function sequentialPaging(first: string, pages: number, init: RequestInit = { headers: { accept: 'application/geo+json' } }): Promise<{ depth: number; ms: number }[]> {
  const out: { depth: number; ms: number }[] = [];
  let url: string | undefined = first;
  for (let depth = 0; url && depth < pages; depth++) {
    const t0 = performance.now();
    const res: Response = await fetch(url, init);
    const doc = await res.json() as { links?: { rel: string; href: string }[] };
    out.push({ depth, ms: performance.now() - t0 });
    url = doc.links?.find((l) => l.rel === 'next')?.href;
  }
  return out;
}

async function main(): Promise<void> {
  const nodeArgs = PROFILE ? ['--cpu-prof', '--cpu-prof-dir', resolve(PROFILE)] : [];
  const { server, base } = await startServer(DATA, ['--workers', WORKERS, '--page-cache', '0'], nodeArgs);
  try {
    const total = (await (await fetch(`${base}/collections/${COLLECTION}/items?limit=1`, { headers })).json() as { numberMatched: number }).numberMatched;
    const paris = (await (await fetch(`${base}/collections/${COLLECTION}/items?limit=1&bbox=2.2,48.7,2.5,49.0`, { headers })).json() as { numberMatched: number }).numberMatched;
    let cases: [string, (r: () => number) => string][] = [
      ['limit=1000, random offset', (r) => `${base}/collections/${COLLECTION}/items?limit=1000&offset=${Math.floor(r() * (total - 1000))}`],
      ['limit=100, random offset', (r) => `${base}/collections/${COLLECTION}/items?limit=100&offset=${Math.floor(r() * (total - 100))}`],
      ['limit=1, random offset (per-request overhead)', (r) => `${base}/collections/${COLLECTION}/items?limit=1&offset=${Math.floor(r() * (total - 1))}`],
      ['bbox Paris limit=1000, random offset', (r) => `${base}/collections/${COLLECTION}/items?bbox=2.2,48.7,2.5,49.0&limit=1000&offset=${Math.floor(r() * Math.max(1, paris - 1000))}`],
    ];
    const only = arg('cases', '');
    if (only) cases = cases.filter((_, i) => only.split(',').includes(String(i + 1)));
    // Warm-up: JIT, block caches of the header and index.
    const warm = seeded(1);
    await cpuPerRequest([server.pid!], () => cases[0][1](warm), 50, CONNECTIONS);
    const pids = processTree(server.pid!); // the cluster's workers are up once it has answered
    console.log(`data ${DATA}, ${total} features (${paris} in the Paris bbox), ${REQUESTS} requests per case, ${CONNECTIONS} connections, ${WORKERS} server process(es), encoding ${ENCODING || 'identity'}, load ${loadavg()[0].toFixed(1)}`);
    console.log('| case | server CPU ms/page | req/s | bytes/page |\n|---|---|---|---|');
    for (const [name, url] of cases) {
      const random = seeded(12345);
      const m = await cpuPerRequest(pids, () => url(random), REQUESTS, CONNECTIONS);
      console.log(`| ${name} | ${m.cpuMs.toFixed(2)} | ${m.rps.toFixed(0)} | ${m.bytes.toFixed(0)} |`);
    }
    const times = await sequentialPaging(`${base}/collections/${COLLECTION}/items?limit=1000`, PAGES);
    const slice = (a: number, b: number) => { const s = times.slice(a, b).map((t) => t.ms).sort((x, y) => x - y); return s[Math.floor(s.length / 2)] ?? NaN; };
    const n = times.length;
    console.log(`sequential paging (next links, limit=1000, ${n} pages): median ms/page first 10 ${slice(0, 10).toFixed(1)}, middle ${slice(Math.floor(n / 2) - 5, Math.floor(n / 2) + 5).toFixed(1)}, last 10 ${slice(n - 10, n).toFixed(1)}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
