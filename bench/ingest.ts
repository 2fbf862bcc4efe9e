// Ingest throughput (records/s): the generator's records written as Hub'Eau downloads (JSON pages
// for the referentials, CSV or JSON pages for the chroniques), then ingested from those files; and
// harvested from the local stand-in API (same process: the stand-in's own cost is included).
// Usage: npm run bench:ingest -- [--scale 1] [--api-scale 1] [--no-api]; writes the section "Ingest" of bench/RESULTS.md
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { chroniques } from '../collections/definitions/index.js';
import { DEFAULT_SEED } from '../collections/dataset.js';
import { generateDataset } from '../collections/generator/index.js';
import { ingestFromApi, ingestFromFiles, type IngestSummary } from '../collections/ingest/index.js';
import { writeCsv, writeJsonPages } from '../test/ingest/hubeau-files.js';
import { startStandin } from '../test/ingest/standin.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SCALE = Number(arg('scale', '1'));
const API_SCALE = Number(arg('api-scale', arg('scale', '1')));

interface Row { source: string; scale: number; records: number; seconds: number; requests?: number }
const rows: Row[] = [];
const read = (s: IngestSummary) => Object.values(s.tallies).reduce((n, t) => n + t.read, 0);

async function timed(source: string, scale: number, run: () => Promise<IngestSummary & { harvest?: { requests: number } }>): Promise<void> {
  const started = process.hrtime.bigint();
  const summary = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rows.push({ source, scale, records: read(summary), seconds, requests: summary.harvest?.requests });
  process.stderr.write(`${source}: ${read(summary)} records in ${seconds.toFixed(1)} s\n`);
}

const work = mkdtempSync(join(tmpdir(), 'prelevements-bench-ingest-'));
try {
  // Files: referentials as JSON pages of 20,000, chroniques as one CSV (the usual download) or as pages.
  const files = join(work, 'files');
  const csvDir = join(files, 'csv'), jsonDir = join(files, 'json');
  mkdirSync(csvDir, { recursive: true });
  mkdirSync(jsonDir, { recursive: true });
  const d = generateDataset({ scale: SCALE, seed: DEFAULT_SEED });
  const props = (it: Iterable<{ properties: Record<string, unknown> }>) => [...it].map((r) => r.properties);
  for (const dir of [csvDir, jsonDir]) {
    writeJsonPages(join(dir, 'ouvrages'), props(d.ouvrages()));
    writeJsonPages(join(dir, 'points'), props(d.points()));
  }
  const fields = chroniques.properties.map((p) => p.name);
  writeCsv(join(csvDir, 'chroniques.csv'), (function* () { for (const r of d.chroniques()) yield r.properties; })(), { fields, bom: true });
  writeJsonPages(join(jsonDir, 'chroniques'), props(d.chroniques()));
  process.stderr.write(`files written under ${files}\n`);

  await timed('files: JSON pages + CSV chroniques', SCALE, () => ingestFromFiles({ out: join(work, 'out-csv'), files: [csvDir] }));
  await timed('files: JSON pages only', SCALE, () => ingestFromFiles({ out: join(work, 'out-json'), files: [jsonDir] }));

  if (!args.includes('--no-api')) {
    const standin = await startStandin({ scale: API_SCALE, seed: DEFAULT_SEED });
    try {
      await timed('stand-in API (page size 5000, no rate limit)', API_SCALE, () => ingestFromApi({ out: join(work, 'out-api'), baseUrl: standin.base, rate: 0, years: [2008, 2023] }));
    } finally {
      await standin.close();
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const section = [
  '## Ingest', '',
  `Command: \`npm run bench:ingest -- ${args.join(' ')}\`. Machine: ${machine}. One run each: validation, rejects,`,
  'FlatGeobuf writing of every collection (aggregates and flat rates included) and the version swap.', '',
  '| source | scale | records read | seconds | records/s | API requests |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.source} | ${r.scale} | ${r.records} | ${r.seconds.toFixed(1)} | ${Math.round(r.records / r.seconds)} | ${r.requests ?? ''} |`),
  '',
].join('\n');
console.log(section);
// Replaces its own section of bench/RESULTS.md, keeps the others.
const results = join(import.meta.dirname, '..', '..', 'bench', 'RESULTS.md');
const previous = existsSync(results) ? readFileSync(results, 'utf8') : '# Benchmarks\n';
const start = previous.indexOf('\n## Ingest\n');
const end = start < 0 ? -1 : previous.indexOf('\n## ', start + 1);
writeFileSync(results, start < 0 ? `${previous.trimEnd()}\n\n${section}` : `${previous.slice(0, start + 1)}${section}${end < 0 ? '' : previous.slice(end)}`);
