// npm run bench:scale -- [--scale 0.1] [--pages 20] [--only storage,rollout]
// Writes the section "Running at scale" of bench/RESULTS.md. The section is a list of parts run in
// order (SCALE_PARTS); each returns its markdown. The object-storage parts live here; the
// replicas-behind-nginx part (req/s of 1, 2, 3 replicas) is added as one more entry of the list.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildDefaultDataset } from '../collections/dataset.js';
import { publishDirectory } from '../server/storage/manifest.js';
import { BUCKET, startS3, type S3Store } from '../test/storage/origins.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const SCALE = Number(option('scale', '0.1'));
const PAGES = Number(option('pages', '20'));
const ONLY = option('only', '').split(',').filter(Boolean);

/** What every part gets: a dataset directory of the scale asked for. */
export interface ScaleContext { dataDir: string; scale: number }
export interface ScalePart { name: string; run(ctx: ScaleContext): Promise<string[]> }

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
}

async function serve(data: string, extra: string[]): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve', '--data', data, '--port', String(port), '--host', '127.0.0.1', '--workers', '1', '--page-cache', '0', ...extra], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    try { if ((await fetch(`${base}/`)).ok) return { base, child }; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error('server did not start');
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
}

async function withS3<T>(run: (s3: S3Store) => Promise<T>): Promise<T> {
  const s3 = await startS3();
  try { return await run(s3); } finally { await s3.close(); }
}

/** Pages of 100 features at spread offsets, read cold (first time) then warm (again), from S3. */
const storagePages: ScalePart = {
  name: 'storage',
  async run({ dataDir }) {
    return withS3(async (s3) => {
      const location = `s3://${BUCKET}/bench`;
      await promisify(execFile)(process.execPath, [CLI, 'publish', dataDir, '--out', location, '--id', 'bench1'], { env: { ...process.env, LOG_LEVEL: 'warn' } });
      const { base, child } = await serve(location, ['--verify', 'size']);
      const rows: string[] = [];
      try {
        for (const collection of ['points_prelevement', 'ouvrages', 'chroniques']) {
          const total = (await (await fetch(`${base}/collections/${collection}/items?limit=1`)).json()).numberMatched as number;
          const paths = Array.from({ length: PAGES }, (_, i) => `/collections/${collection}/items?limit=100&offset=${Math.floor((total - 100) * (i + 0.5) / PAGES)}`);
          for (const pass of ['cold', 'warm']) {
            const times: number[] = [];
            s3.proxy.reset();
            for (const path of paths) {
              const t = performance.now();
              const res = await fetch(`${base}${path}`);
              await res.arrayBuffer();
              if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
              times.push(performance.now() - t);
            }
            const { requests, bytes, whole } = s3.proxy.traffic;
            if (whole.length) throw new Error(`whole-object GETs while serving pages: ${whole.join(', ')}`);
            rows.push(`| ${collection} | ${total} | ${pass} | ${(requests / PAGES).toFixed(1)} | ${Math.round(bytes / PAGES)} | ${median(times).toFixed(1)} |`);
          }
        }
      } finally {
        await stop(child);
      }
      return [
        `### Pages read from object storage (s3rver, loopback)`,
        '',
        `\`serve --data s3://… --workers 1 --page-cache 0\`; ${PAGES} pages of 100 features at offsets spread over each collection, read once (cold: only the header and the R-tree top, read at open, are in the block cache) then again (warm). Storage requests and bytes counted by a proxy in front of s3rver; every GET carried a \`Range\` (the bench stops otherwise).`,
        '',
        '| collection | features | pass | storage requests / page | storage bytes / page | median ms / page |',
        '|---|---|---|---|---|---|',
        ...rows,
        '',
      ];
    });
  },
};

/** From the PUT of a new current.json to the replica answering with the new version. */
const manifestRollout: ScalePart = {
  name: 'rollout',
  async run({ dataDir }) {
    return withS3(async () => {
      const location = `s3://${BUCKET}/rollout`;
      await publishDirectory(dataDir, location, 'r0');
      const rows: string[] = [];
      for (const verify of ['size', 'sha256']) {
        const { base, child } = await serve(location, ['--verify', verify, '--poll', '1']);
        try {
          const times: number[] = [];
          for (let i = 1; i <= 3; i++) {
            const id = `r-${verify}-${i}`;
            // Files first (not timed), then the manifest: the switch is that one PUT.
            await publishDirectory(dataDir, location, id);
            const t = performance.now();
            for (;;) {
              const page = await (await fetch(`${base}/collections/ouvrages/items?limit=1`)).json();
              if (page.links.some((l: { rel: string; href: string }) => l.rel === 'next' && l.href.includes(`v=${id}`))) break;
              await new Promise((r) => setTimeout(r, 20));
            }
            times.push(performance.now() - t);
          }
          rows.push(`| ${verify} | 1 s | ${times.map((x) => (x / 1000).toFixed(2)).join(', ')} | ${(median(times) / 1000).toFixed(2)} |`);
        } finally {
          await stop(child);
        }
      }
      const size = readdirSize(dataDir);
      return [
        '### From publishing a manifest to the replica serving it',
        '',
        `A new version (the same ${(size / 1e6).toFixed(0)} MB of files under a new id) is uploaded, then \`current.json\` replaced; timed from that PUT to the first page whose links carry the new \`v\`. The replica polls every second (\`--poll 1\`; a Redis notice calls \`checkNow()\` instead of waiting for the poll); with \`--verify sha256\` it first streams every file of the new version once to check its checksum.`,
        '',
        '| verify | poll | seconds (3 runs) | median s |',
        '|---|---|---|---|',
        ...rows,
        '',
      ];
    });
  },
};

function readdirSize(dir: string): number {
  return readdirSync(dir).filter((n) => n.endsWith('.fgb') || n.endsWith('.ids')).reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
}

/** The parts of the section, in order. The replicas-behind-nginx part is appended here. */
export const SCALE_PARTS: ScalePart[] = [storagePages, manifestRollout];

async function main(): Promise<void> {
  const dataDir = join(import.meta.dirname, '..', '..', 'data', `bench-scale-${SCALE}`);
  if (!existsSync(join(dataDir, 'chroniques.fgb'))) await buildDefaultDataset(dataDir, SCALE);
  const lines = [
    '## Running at scale',
    '',
    `Machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Date: ${new Date().toISOString().slice(0, 10)}.`,
    `Command: \`npm run bench:scale -- --scale ${SCALE} --pages ${PAGES}\` (default dataset at scale ${SCALE}).`,
    '',
  ];
  for (const part of SCALE_PARTS) {
    if (ONLY.length && !ONLY.includes(part.name)) continue;
    console.error(`bench:scale: ${part.name}…`);
    lines.push(...await part.run({ dataDir, scale: SCALE }));
  }
  const section = lines.join('\n');
  console.log(section);
  // Replaces its own section of bench/RESULTS.md, keeps the others.
  const results = join(import.meta.dirname, '..', '..', 'bench', 'RESULTS.md');
  const previous = existsSync(results) ? readFileSync(results, 'utf8') : '# Benchmarks\n';
  const start = previous.indexOf('\n## Running at scale\n');
  const end = start < 0 ? -1 : previous.indexOf('\n## ', start + 1);
  writeFileSync(results, start < 0 ? `${previous.trimEnd()}\n\n${section}` : `${previous.slice(0, start + 1)}${section}${end < 0 ? '' : previous.slice(end)}`);
}

await main();
process.exit(0);
