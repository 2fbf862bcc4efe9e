// The provider suite: what any Provider must do, whatever its storage. Reference answers come
// from a plain scan of every feature tested with the generic fallback (server/query/predicate.ts),
// so a provider answering from indexes must give exactly what scanning gives: the same counts,
// the same pages, in storage order. Randomised conditions are seeded (SUITE_SEED to replay).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../../server/cql2/index.js';
import { parseFilterParams, queryPredicate } from '../../server/query/predicate.js';
import { runQuery } from '../../server/query/run.js';
import { compareBy } from '../../server/sort.js';
import { batchesOf, withNeeds, type CollectionDefinition, type Feature, type Provider, type ProviderQuery, type QueryConditions, type Rect } from '../../server/types.js';
import { DEPARTEMENTS, FEATURES, random, USAGES } from './data.js';

export interface SuiteTarget { provider: Provider; definition: CollectionDefinition; close(): Promise<void> }

async function collect(iterable: AsyncIterable<Feature>): Promise<Feature[]> {
  const out: Feature[] = [];
  for await (const f of iterable) out.push(f);
  return out;
}

const ids = (features: Feature[]) => features.map((f) => f.id);

const PARIS: Rect = { minX: 1.5, minY: 48.3, maxX: 3.5, maxY: 49.3 };

/** A random CQL2 text over the suite's properties: comparisons, IN, BETWEEN, LIKE, IS NULL, dates, NOT, AND, OR. */
export function randomFilter(rnd: () => number, depth = 0): string {
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  if (depth < 2 && rnd() < 0.45) {
    const op = pick(['AND', 'OR']);
    const n = 2 + Math.floor(rnd() * 2);
    return `(${Array.from({ length: n }, () => randomFilter(rnd, depth + 1)).join(` ${op} `)})`;
  }
  if (depth < 3 && rnd() < 0.1) return `NOT (${randomFilter(rnd, depth + 1)})`;
  const cmp = pick(['=', '<>', '<', '>', '<=', '>=']);
  switch (Math.floor(rnd() * 11)) {
    case 0: return `usage ${pick(['=', '<>'])} '${pick(USAGES)}'`;
    case 1: return `usage IN (${[pick(USAGES), pick(USAGES)].map((u) => `'${u}'`).join(',')})`;
    case 2: return `departement ${cmp} '${pick(DEPARTEMENTS)}'`;
    case 3: return `annee ${cmp} ${2008 + Math.floor(rnd() * 16)}`;
    case 4: return `volume ${cmp} ${Math.round(rnd() * 1e5)}`;
    case 5: return `volume BETWEEN ${Math.round(rnd() * 3e4)} AND ${Math.round(3e4 + rnd() * 7e4)}`;
    case 6: return pick(['volume IS NULL', 'usage IS NULL', 'volume IS NOT NULL']);
    case 7: return `actif = ${pick(['true', 'false'])}`;
    case 8: return `nom LIKE 'Point 1%'`;
    case 9: return `debut ${cmp} DATE('20${10 + Math.floor(rnd() * 14)}-05-01')`;
    default: return `S_INTERSECTS(geometry, BBOX(${(-5 + rnd() * 8).toFixed(2)}, ${(42 + rnd() * 5).toFixed(2)}, 8, 51))`;
  }
}

function randomWhere(rnd: () => number, definition: CollectionDefinition): { where: QueryConditions; text: string } {
  const where: QueryConditions = { definition };
  const parts: string[] = [];
  if (rnd() < 0.8) { const text = randomFilter(rnd); where.filter = parseFilterParams({ filter: text })!.ast as Node; parts.push(`filter=${text}`); }
  if (rnd() < 0.3) { where.equals = { usage: [USAGES[Math.floor(rnd() * 4)]] }; parts.push(`usage=${where.equals.usage}`); }
  if (rnd() < 0.2) { const y = 2008 + Math.floor(rnd() * 16); where.datetime = { start: Date.UTC(y, 0, 1), end: Date.UTC(y + 2, 0, 1) }; parts.push(`datetime=${y}/${y + 2}`); }
  if (rnd() < 0.1) { where.equals = { ...where.equals, tags: [DEPARTEMENTS[0]] }; parts.push('tags=01'); }
  return { where, text: parts.join('&') };
}

export function providerSuite(name: string, open: () => Promise<SuiteTarget>): void {
  describe(`provider suite: ${name}`, () => {
    let target: SuiteTarget;
    let all: Feature[];
    before(async () => {
      target = await open();
      all = await collect(target.provider.scan());
    });
    after(async () => { await target?.close(); });

    /** What a query must answer: every feature, tested by the fallback, in storage order. */
    function reference(query: Pick<ProviderQuery, 'bbox' | 'where' | 'predicate'>): Feature[] {
      const test = queryPredicate(query);
      const b = query.bbox;
      return all.filter((f) => {
        if (b) {
          const [x, y] = (f.geometry as { coordinates: number[] }).coordinates;
          if (x < b.minX || x > b.maxX || y < b.minY || y > b.maxY) return false;
        }
        return !test || test(f);
      });
    }

    async function check(query: Omit<ProviderQuery, 'offset' | 'limit' | 'count'>, label: string): Promise<void> {
      const expected = reference(query);
      const counted = await target.provider.query({ ...query, offset: 0, limit: 5, count: true });
      assert.deepEqual(ids(await collect(counted.features)), ids(expected.slice(0, 5)), `${label}: first page`);
      assert.equal(await counted.numberMatched(), expected.length, `${label}: numberMatched`);
      const offset = Math.floor(expected.length / 2);
      const deeper = await target.provider.query({ ...query, offset, limit: 7, count: false });
      assert.deepEqual(ids(await collect(deeper.features)), ids(expected.slice(offset, offset + 7)), `${label}: page at ${offset}`);
      await deeper.numberMatched();
    }

    it('stats: count, extent and a version', async () => {
      const stats = await target.provider.stats();
      assert.equal(stats.featuresCount, FEATURES);
      assert.equal(all.length, FEATURES);
      assert.ok(stats.extent && stats.extent.minX >= -5 && stats.extent.maxX <= 8);
      assert.ok(stats.version);
    });

    it('pages without conditions: storage order, offset and limit, the total', async () => {
      for (const [offset, limit] of [[0, 10], [1234, 100], [FEATURES - 3, 10], [FEATURES + 5, 10]]) {
        const result = await target.provider.query({ offset, limit, count: true });
        assert.deepEqual(ids(await collect(result.features)), ids(all.slice(offset, offset + limit)));
        assert.equal(await result.numberMatched(), FEATURES);
      }
    });

    it('bbox, equalities, datetime, CQL2 and an opaque predicate, alone and together', async () => {
      const { definition } = target;
      const ast = (text: string) => parseFilterParams({ filter: text })!.ast;
      const even = withNeeds((f) => Number(f.properties.annee) % 2 === 0, ['annee']);
      const cases: [string, Omit<ProviderQuery, 'offset' | 'limit' | 'count'>][] = [
        ['bbox', { bbox: PARIS }],
        ['equals', { where: { definition, equals: { usage: ['IRR', 'AEP'] } } }],
        ['datetime', { where: { definition, datetime: { start: Date.UTC(2015, 0, 1), end: null } } }],
        ['CQL2', { where: { definition, filter: ast("departement IN ('01','02') AND volume > 20000") } }],
        ['CQL2 spatial', { where: { definition, filter: ast('S_INTERSECTS(geometry, BBOX(0,45,5,50)) AND annee = 2010') } }],
        ['array equality', { where: { definition, equals: { tags: ['IRR'] } } }],
        ['predicate', { predicate: even }],
        ['all', { bbox: { minX: -5, minY: 42, maxX: 4, maxY: 51 }, predicate: even, where: { definition, equals: { usage: ['IND'] }, datetime: { start: Date.UTC(2012, 0, 1), end: Date.UTC(2020, 0, 1) }, filter: ast('volume IS NOT NULL') } }],
        ['nothing matches', { where: { definition, filter: ast("usage = 'XXX'") } }],
      ];
      for (const [label, query] of cases) await check(query, label);
    });

    it('scan and scanBatches: the same features, filtered like query', async () => {
      const even = withNeeds((f) => Number(f.properties.annee) % 2 === 0, ['annee']);
      const scanned = await collect(target.provider.scan(PARIS, even));
      assert.deepEqual(ids(scanned), ids(reference({ bbox: PARIS, predicate: even })));
      const batched: Feature[] = [];
      for await (const batch of batchesOf(target.provider, PARIS, even)) batched.push(...batch);
      assert.deepEqual(ids(batched), ids(scanned));
    });

    it('scan with a where hint (randomised, seeded): the features of its predicate alone', async () => {
      const rnd = random(Number(process.env.SUITE_SEED ?? 2026) + 1);
      for (let r = 0; r < 30; r++) {
        const { where, text } = randomWhere(rnd, target.definition);
        const predicate = queryPredicate({ where })!;
        const bbox = rnd() < 0.3 ? PARIS : undefined;
        const hinted: Feature[] = [];
        for await (const batch of batchesOf(target.provider, bbox, predicate, { where })) hinted.push(...batch);
        // Part of the conditions as the hint: the predicate still decides.
        const partial = where.filter ? { definition: where.definition, filter: where.filter } : where;
        const partly = await collect(target.provider.scan(bbox, predicate, { where: partial }));
        const expected = ids(reference({ bbox, where }));
        assert.deepEqual(ids(hinted), expected, `round ${r}: ${text}`);
        assert.deepEqual(ids(partly), expected, `round ${r} (partial hint): ${text}`);
      }
    });

    it('get: by id, null when absent', async () => {
      const f = all[1717];
      assert.equal((await target.provider.get(f.id))?.id, f.id);
      assert.deepEqual((await target.provider.get(f.id))?.properties, f.properties);
      assert.equal(await target.provider.get('nope'), null);
    });

    it('sort keys through runQuery: the best offset+limit of the matches', async () => {
      const where: QueryConditions = { definition: target.definition, equals: { usage: ['IRR'] } };
      const result = await runQuery(target.provider, { where, sort: [{ property: 'volume', descending: true }], offset: 3, limit: 4, count: true });
      const expected = reference({ where }).sort(compareBy([{ property: 'volume', descending: true }]));
      assert.deepEqual((await collect(result.features)).map((f) => f.properties.volume), expected.slice(3, 7).map((f) => f.properties.volume));
      assert.equal(await result.numberMatched(), reference({ where }).length);
    });

    it('randomised conditions (seeded): counts and pages equal a full scan', async () => {
      const seed = Number(process.env.SUITE_SEED ?? 2026);
      const rnd = random(seed);
      const rounds = Number(process.env.SUITE_ROUNDS ?? 60);
      for (let r = 0; r < rounds; r++) {
        const { where, text } = randomWhere(rnd, target.definition);
        const bbox = rnd() < 0.15 ? PARIS : undefined;
        await check({ where, bbox }, `seed ${seed} round ${r}: ${text}${bbox ? ' &bbox=Paris' : ''}`);
      }
    });
  });
}
