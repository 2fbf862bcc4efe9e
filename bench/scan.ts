// npm run bench:scan -- [dataDir…]: numberMatched of attribute filters over a whole file, one
// process, one core: through the provider's query() as items asks it (declarative conditions),
// with the column sidecar (`<file>.cols`) and without it (a scan decoding only the filtered
// columns). "first" is the first query of a freshly opened provider (columns not yet loaded:
// a never-seen filter); "median" of 3 more. Replaces its section of bench/RESULTS.md.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { FlatGeobufProvider } from '../server/providers/flatgeobuf/provider.js';
import { ColumnsSidecar } from '../server/providers/flatgeobuf/columns.js';
import { parseEquals, parseFilterParams } from '../server/query/predicate.js';
import { collections } from '../collections/definitions/index.js';
import type { QueryConditions } from '../server/types.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['data/bench-scale-1', 'data/bench-scale-10'].map((d) => join(ROOT, d));
const chroniques = collections.find((c) => c.id === 'chroniques')!;
const cql2 = (text: string): QueryConditions => ({ definition: chroniques, filter: parseFilterParams({ filter: text })!.ast });

const cases: [string, QueryConditions][] = [
  ['query parameter code_usage=IRR', { definition: chroniques, equals: parseEquals(chroniques, { code_usage: 'IRR' }) }],
  ["CQL2 code_usage = 'IRR' AND annee = 2022", cql2("code_usage = 'IRR' AND annee = 2022")],
  ['CQL2 volume > 1000000', cql2('volume > 1000000')],
  ["CQL2 code_departement IN ('33','40','47') AND volume BETWEEN 1e5 AND 1e7", cql2("code_departement IN ('33','40','47') AND volume BETWEEN 1e5 AND 1e7")],
  ["CQL2 libelle_usage LIKE '%rrigation%' AND NOT prelevement_ecrasant AND annee >= 2020", cql2("libelle_usage LIKE '%rrigation%' AND NOT prelevement_ecrasant AND annee >= 2020")],
];

async function time(provider: FlatGeobufProvider, where: QueryConditions): Promise<[number, number, number]> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await provider.query({ where, offset: 0, limit: 10, count: true });
  for await (const _ of result.features) { /* the first page, as items sends it */ }
  const matched = (await result.numberMatched())!;
  const used = process.cpuUsage(cpu);
  return [performance.now() - started, matched, (used.user + used.system) / 1000];
}

const notes: string[] = [];
const lines = ['', '## Attribute filters over a whole file (one process, one core)', '',
  `Command: \`npm run bench:scan\` (${new Date().toISOString().slice(0, 16)}Z, load average at start ${loadavg().map((l) => l.toFixed(1)).join(' / ')}). Collection \`chroniques\`;`,
  'first page (limit=10) and numberMatched, as `/items?…` asks the provider. "first": first query of a freshly opened provider',
  '(sidecar columns not loaded yet: a never-seen filter), its CPU time in brackets (this process, user + system: less sensitive to',
  'the load of the shared machine than wall time); "median": of 3 more. Without sidecar: the scan decoding only the filtered columns.', '',
  '| data | filter | features | matched | sidecar first ms (CPU ms) | sidecar median ms | no sidecar ms | ratio |', '|---|---|---|---|---|---|---|---|'];
for (const dir of dirs) {
  const file = join(dir, 'chroniques.fgb');
  if (!existsSync(file)) { console.error(`skipping ${dir}: no chroniques.fgb`); continue; }
  if (existsSync(`${file}.cols`)) notes.push(`${dir.split('/').pop()}: \`chroniques.fgb\` ${(statSync(file).size / 1048576).toFixed(0)} MiB, its sidecar \`chroniques.fgb.cols\` ${(statSync(`${file}.cols`).size / 1048576).toFixed(0)} MiB.`);
  for (const [name, where] of cases) {
    ColumnsSidecar.cache.clear();
    const withColumns = await FlatGeobufProvider.open(file, { idProperties: chroniques.idProperties });
    if (!withColumns.hasColumns) console.error(`${dir}: no current sidecar (prelevements build-columns ${file})`);
    const [first, matched, firstCpu] = await time(withColumns, where);
    const times: number[] = [];
    for (let r = 0; r < 3; r++) times.push((await time(withColumns, where))[0]);
    await withColumns.close();
    const without = await FlatGeobufProvider.open(file, { idProperties: chroniques.idProperties, columns: false });
    const [scan, scanned] = await time(without, where);
    await without.close();
    if (scanned !== matched) throw new Error(`${name}: ${matched} through the sidecar, ${scanned} by a scan`);
    const median = times.sort((a, b) => a - b)[1];
    const total = (await withColumns.stats()).featuresCount;
    lines.push(`| ${dir.split('/').pop()} | ${name} | ${total} | ${matched} | ${first.toFixed(0)} (${firstCpu.toFixed(0)}) | ${median.toFixed(0)} | ${scan.toFixed(0)} | ${(scan / first).toFixed(0)}× |`);
    console.error(lines[lines.length - 1]);
  }
}
lines.push('', ...notes.map((n) => `- ${n}`));
// The section is replaced where it stands (appended the first time).
const path = join(ROOT, 'bench', 'RESULTS.md');
const text = readFileSync(path, 'utf8');
const start = text.indexOf(lines[1]);
const next = start < 0 ? -1 : text.indexOf('\n## ', start + lines[1].length);
const section = lines.slice(1).join('\n') + '\n';
const updated = start < 0 ? `${text}${lines.join('\n')}\n` : `${text.slice(0, start)}${section}${next < 0 ? '' : text.slice(next)}`;
writeFileSync(`${path}.tmp`, updated);
renameSync(`${path}.tmp`, path);
