// npm run bench:scan -- [dataDir…]: features/s of attribute-only filters over a whole file, one
// process, one core (the provider's scan path: only the filtered columns are decoded). Appends a
// section to bench/RESULTS.md.
import { appendFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FlatGeobufProvider } from '../server/providers/flatgeobuf/provider.js';
import { filterPredicate } from '../server/routes/filter.js';
import { propertyPredicate } from '../server/plan.js';
import { collections } from '../collections/definitions/index.js';
import type { FeaturePredicate } from '../server/types.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['data/bench-scale-1', 'data/bench-scale-10'].map((d) => join(ROOT, d));
const chroniques = collections.find((c) => c.id === 'chroniques')!;

const cases: [string, FeaturePredicate][] = [
  ["query parameter code_usage=IRR", propertyPredicate(chroniques, { code_usage: 'IRR' })!],
  ["CQL2 code_usage = 'IRR' AND annee = 2022", filterPredicate({ filter: "code_usage = 'IRR' AND annee = 2022" }, chroniques).predicate!],
  ['CQL2 volume > 1000000', filterPredicate({ filter: 'volume > 1000000' }, chroniques).predicate!],
  ["CQL2 code_departement IN ('33','40','47') AND volume BETWEEN 1e5 AND 1e7", filterPredicate({ filter: "code_departement IN ('33','40','47') AND volume BETWEEN 1e5 AND 1e7" }, chroniques).predicate!],
];

const lines = ['', '## Attribute filters over a whole file (one process, one core)', '',
  `Command: \`npm run bench:scan\`. Collection \`chroniques\`; median of 3 full scans counting matches.`, '',
  '| data | filter | features | matched | ms | million features/s |', '|---|---|---|---|---|---|'];
for (const dir of dirs) {
  const file = join(dir, 'chroniques.fgb');
  if (!existsSync(file)) { console.error(`skipping ${dir}: no chroniques.fgb`); continue; }
  const provider = await FlatGeobufProvider.open(file, { idProperties: chroniques.idProperties });
  const total = (await provider.stats()).featuresCount;
  for (const [name, predicate] of cases) {
    const times: number[] = [];
    let matched = 0;
    for (let r = 0; r < 3; r++) {
      const started = performance.now();
      const result = await provider.query({ predicate, offset: 0, limit: 0, count: true });
      matched = (await result.numberMatched())!;
      times.push(performance.now() - started);
    }
    const ms = times.sort((a, b) => a - b)[1];
    lines.push(`| ${dir.split('/').pop()} | ${name} | ${total} | ${matched} | ${ms.toFixed(0)} | ${(total / ms / 1000).toFixed(2)} |`);
    console.error(lines[lines.length - 1]);
  }
  await provider.close();
}
appendFileSync(join(ROOT, 'bench', 'RESULTS.md'), lines.join('\n') + '\n');
