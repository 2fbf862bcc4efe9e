// A/B of server CPU per uncached 1,000-feature page between another checkout (built, e.g. a git
// worktree of an earlier commit) and this one: both servers up (--workers 1, page cache off), batches of
// requests alternate between them, so a machine whose speed drifts (shared cores) slows both alike.
//   node dist/bench/uncached-ab.js --before /tmp/before --data /work/data/p10 [--rounds 12] [--batch 150] [--bbox 2.2,48.7,2.5,49.0]
// (--bbox: pages of that box at random offsets instead of the whole collection's)
import { join, resolve } from 'node:path';
import * as here from './uncached.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback?: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const beforeRoot = arg('before');
const data = resolve(arg('data', 'data/bench-scale-1')!);
const rounds = Number(arg('rounds', '12'));
const batch = Number(arg('batch', '150'));
if (!beforeRoot) throw new Error('--before DIR: a built checkout to compare with');
const before = await import(join(resolve(beforeRoot), 'dist', 'bench', 'uncached.js')) as typeof here;

const servers = { before: await before.startServer(data, ['--workers', '1', '--page-cache', '0']), after: await here.startServer(data, ['--workers', '1', '--page-cache', '0']) };
try {
  const box = arg('bbox') ? `bbox=${arg('bbox')}&` : '';
  const total = (await (await fetch(`${servers.after.base}/collections/points_prelevement/items?${box}limit=1`)).json() as { numberMatched: number }).numberMatched;
  const random = here.seeded(7);
  const url = (base: string) => () => `${base}/collections/points_prelevement/items?${box}limit=1000&offset=${Math.floor(random() * Math.max(1, total - 1000))}`;
  for (const s of Object.values(servers)) await here.cpuPerRequest([s.server.pid!], url(s.base), 60, 4); // warm-up
  const cpu: Record<'before' | 'after', number[]> = { before: [], after: [] };
  for (let r = 0; r < rounds; r++) {
    for (const side of (r % 2 ? ['after', 'before'] : ['before', 'after']) as ('before' | 'after')[]) {
      cpu[side].push((await here.cpuPerRequest([servers[side].server.pid!], url(servers[side].base), batch, 4)).cpuMs);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  console.log(`data ${data}${box ? `, ${box.slice(0, -1)}` : ''}, ${rounds} rounds of ${batch} requests per side, 4 connections`);
  console.log('| side | server CPU ms/page, median | min | per round |\n|---|---|---|---|');
  for (const side of ['before', 'after'] as const) console.log(`| ${side} | ${median(cpu[side]).toFixed(2)} | ${Math.min(...cpu[side]).toFixed(2)} | ${cpu[side].map((x) => x.toFixed(1)).join(' ')} |`);
  console.log(`after / before, median of the rounds' ratios: ${median(cpu.before.map((b, i) => cpu.after[i] / b)).toFixed(3)}`);
} finally {
  for (const s of Object.values(servers)) s.server.kill('SIGTERM');
}
