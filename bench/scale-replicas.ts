// Requests/s of 1, 2 and 3 replicas (one worker each) behind nginx with Redis, the nginx API cache
// off so that every request reaches a replica, then 3 replicas with the cache on. A mix of pages
// (random offsets), bbox queries and tiles, all anonymous. Writes the section "Scale: replicas
// behind nginx" of bench/RESULTS.md.
// Usage: npm run bench:scale -- [--scale 0.05] [--seconds 10] [--connections 10]
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../test/e2e/server.js';
import { startNginx, startRedis, startReplica, type Replica } from '../test/ops/stack.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const SCALE = Number(arg('scale', '0.05'));
const SECONDS = Number(arg('seconds', '10'));
const CONNECTIONS = Number(arg('connections', '10'));
const LOAD = loadavg()[0];

const data = join(process.cwd(), 'data', `bench-scale-${SCALE}`);
if (!existsSync(data)) {
  const r = spawnSync(process.execPath, [CLI, 'build-data', '--scale', String(SCALE), '--out', data], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build-data failed');
}

/** One request of the mix: a page at a random offset, a small bbox in mainland France, or a zoom-8 tile. */
function randomPath(): string {
  const r = Math.random();
  if (r < 0.4) return `/collections/ouvrages/items?limit=100&offset=${Math.floor(Math.random() * 1000)}`;
  if (r < 0.7) {
    const x = -1 + Math.random() * 8; const y = 43 + Math.random() * 6;
    return `/collections/points_prelevement/items?limit=100&bbox=${x.toFixed(3)},${y.toFixed(3)},${(x + 0.5).toFixed(3)},${(y + 0.5).toFixed(3)}`;
  }
  return `/collections/ouvrages/tiles/WebMercatorQuad/8/${88 + Math.floor(Math.random() * 6)}/${126 + Math.floor(Math.random() * 8)}`;
}

async function load(base: string): Promise<{ rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  const result = await autocannon({
    url: base, connections: CONNECTIONS, duration: SECONDS,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: randomPath() }) }],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

const redis = await startRedis();
const replicas: Replica[] = [];
const rows: string[] = [];
try {
  for (let i = 0; i < 3; i++) replicas.push(await startReplica(data, ['--redis', redis.url, '--no-access-log']));
  const runs: [string, Replica[], boolean][] = [['1 replica', replicas.slice(0, 1), false], ['2 replicas', replicas.slice(0, 2), false], ['3 replicas', replicas, false], ['3 replicas, nginx cache on', replicas, true]];
  let one = 0;
  for (const [label, upstream, cache] of runs) {
    const nginx = await startNginx(upstream.map((r) => r.base), 'http://127.0.0.1:9', { cache, workers: 2 });
    try {
      await load(nginx.base); // warm-up: block caches, page caches
      const r = await load(nginx.base);
      if (!one) one = r.rps;
      rows.push(`| ${label} | ${Math.round(r.rps)} | ${(r.rps / one).toFixed(2)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`);
      console.log(rows.at(-1));
    } finally {
      await nginx.stop();
    }
  }
} finally {
  await Promise.all(replicas.map((r) => r.stop()));
  await redis.stop();
}

const section = [
  '## Scale: replicas behind nginx', '',
  `Machine: ${cpus()[0]?.model ?? '?'}, **${availableParallelism()} cores** shared by every replica, nginx, Redis and autocannon itself, ${Math.round(totalmem() / 2 ** 30)} GiB; load average ${LOAD.toFixed(1)} when the run began (other work on the machine: compare rows of one run, not runs).`,
  `Command: \`npm run bench:scale -- ${args.join(' ')}\` (scale ${SCALE} dataset, autocannon ${CONNECTIONS} connections, ${SECONDS} s after a ${SECONDS} s warm-up; replicas: \`serve --workers 1 --redis\`; nginx from deploy/nginx/ with 2 workers, its API cache off except in the last row).`,
  'Mix: 40% pages of 100 ouvrages at random offsets, 30% bbox queries of 100 points, 30% zoom-8 tiles over mainland France.', '',
  '| setup | requests/s | × 1 replica | p50 ms | p99 ms | errors (timeouts 10 s) | non-2xx |', '|---|---:|---:|---:|---:|---:|---:|', ...rows, '',
  'Replicas scale only as far as free cores allow: on a machine with fewer cores than replicas + nginx + the load generator, added replicas share the same CPUs. The URLs of the mix are nearly all distinct (random offsets and boxes), so the cache row mostly shows misses; cache hits are shown by test/ops/scale.test.ts (X-Cache-Status).', '',
].join('\n');
const results = join(process.cwd(), 'bench', 'RESULTS.md');
const previous = readFileSync(results, 'utf8');
const start = previous.indexOf('\n## Scale: replicas behind nginx\n');
const end = start < 0 ? -1 : previous.indexOf('\n## ', start + 1);
writeFileSync(results, start < 0 ? `${previous.trimEnd()}\n\n${section}` : `${previous.slice(0, start + 1)}${section}${end < 0 ? '' : previous.slice(end)}`);
console.log(section);
