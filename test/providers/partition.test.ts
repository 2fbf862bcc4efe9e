// Files stored in parts (WriterOptions.partitionBy, CollectionDefinition.partitionBy): parts in their
// declared order (descending years, nulls last), Hilbert order inside each part, and every read path
// unchanged: bbox searches equal a brute-force test, ids find their feature, a one-year query reads
// one contiguous range of positions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColumnType, FlatGeobufWriter } from '../../server/providers/flatgeobuf/writer.js';
import { FlatGeobufProvider } from '../../server/providers/flatgeobuf/provider.js';
import { writeColumnsSidecar } from '../../server/providers/flatgeobuf/columns-build.js';
import { batchesOf, withNeeds, type Feature } from '../../server/types.js';
import { random, suiteDefinition } from './data.js';

const N = 4000;
const YEARS = [2015, 2016, 2017, 2018, null];
const USAGES = ['AEP', 'IND', 'IRR'];
let dir: string;
let provider: FlatGeobufProvider;
const written = new Map<string, { annee: number | null; usage: string; lon: number; lat: number }>();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'partition-'));
  const path = join(dir, 'parts.fgb');
  const columns = [{ name: 'code', type: ColumnType.String }, { name: 'annee', type: ColumnType.Int, nullable: true }, { name: 'usage', type: ColumnType.String }];
  const writer = new FlatGeobufWriter(path, {
    name: 'parts', geometryType: 'Point', columns, ids: true,
    partitionBy: [{ property: 'annee', descending: true }, { property: 'usage' }],
  });
  const rnd = random(5);
  for (let i = 0; i < N; i++) {
    const code = `P${String(i).padStart(5, '0')}`;
    const row = { annee: YEARS[i % YEARS.length], usage: USAGES[Math.floor(rnd() * 3)], lon: -5 + rnd() * 13, lat: 42 + rnd() * 9 };
    written.set(code, row);
    writer.add({ code, annee: row.annee, usage: row.usage }, { type: 'Point', coordinates: [row.lon, row.lat] }, code);
  }
  writer.finish();
  await writeColumnsSidecar(path);
  provider = await FlatGeobufProvider.open(path, { idProperties: ['code'] });
});
after(async () => {
  await provider.close();
  rmSync(dir, { recursive: true, force: true });
});

async function all(bbox?: { minX: number; minY: number; maxX: number; maxY: number }): Promise<Feature[]> {
  const out: Feature[] = [];
  for await (const batch of batchesOf(provider, bbox)) out.push(...batch);
  return out;
}

describe('partitioned files', () => {
  it('parts in declared order (years descending, nulls last; usages ascending), every feature once', async () => {
    const features = await all();
    assert.equal(features.length, N);
    assert.equal(new Set(features.map((f) => f.id)).size, N);
    const parts = features.map((f) => `${f.properties.annee ?? 'null'}/${f.properties.usage}`);
    const order = [...new Set(parts)];
    assert.deepEqual(order, [2018, 2017, 2016, 2015, 'null'].flatMap((y) => USAGES.map((u) => `${y}/${u}`)));
    // Each part is one contiguous range.
    for (let i = 1; i < parts.length; i++) if (parts[i] !== parts[i - 1]) assert.ok(!parts.slice(0, i).includes(parts[i]), `${parts[i]} appears twice`);
  });

  it('Hilbert order inside a part: neighbours in the file are near in space', async () => {
    const features = (await all()).filter((f) => f.properties.annee === 2017 && f.properties.usage === 'AEP');
    const step = (a: Feature, b: Feature) => {
      const [x0, y0] = (a.geometry as { coordinates: number[] }).coordinates;
      const [x1, y1] = (b.geometry as { coordinates: number[] }).coordinates;
      return Math.hypot(x1 - x0, y1 - y0);
    };
    const mean = features.slice(1).reduce((s, f, i) => s + step(features[i], f), 0) / (features.length - 1);
    // Random order would give ~5 degrees between neighbours; a space-filling curve far less.
    assert.ok(mean < 1.5, `mean step ${mean.toFixed(2)}°`);
  });

  it('bbox searches equal a brute-force test, ids find their features', async () => {
    const rnd = random(11);
    for (let k = 0; k < 20; k++) {
      const [x, y] = [-5 + rnd() * 12, 42 + rnd() * 8];
      const bbox = { minX: x, minY: y, maxX: x + rnd() * 3, maxY: y + rnd() * 3 };
      const got = (await all(bbox)).map((f) => f.id).sort();
      const expected = [...written].filter(([, r]) => r.lon >= bbox.minX && r.lon <= bbox.maxX && r.lat >= bbox.minY && r.lat <= bbox.maxY).map(([code]) => code).sort();
      assert.deepEqual(got, expected);
    }
    for (const code of ['P00000', 'P01234', 'P03999']) {
      const f = await provider.get(code);
      assert.equal(f?.id, code);
      assert.equal(f?.properties.usage, written.get(code)!.usage);
    }
  });

  it('a one-year, one-usage query reads one contiguous range of positions', async () => {
    const predicate = withNeeds((f: Feature) => f.properties.annee === 2018 && f.properties.usage === 'IRR', ['annee', 'usage'], false);
    const where = { definition: { ...suiteDefinition, id: 'parts', idProperties: ['code'] }, equals: { annee: [2018], usage: ['IRR'] } };
    const indices: number[] = [];
    for await (const batch of batchesOf(provider, { minX: -10, minY: 40, maxX: 10, maxY: 52 }, predicate, { where })) indices.push(...batch.map((f) => f.index));
    assert.ok(indices.length > 100);
    assert.equal(indices[indices.length - 1] - indices[0] + 1, indices.length, 'contiguous');
  });

  it('a few matches in a large box (their leaf boxes tested, no R-tree search) or many in a small one: the plain scan\'s features', async () => {
    const rnd = random(3);
    const definition = { ...suiteDefinition, id: 'parts', idProperties: ['code'] };
    for (let k = 0; k < 12; k++) {
      const size = k % 2 ? 12 : 0.5 + rnd() * 2;
      const [x, y] = [-6 + rnd() * 10, 41 + rnd() * 8];
      const bbox = { minX: x, minY: y, maxX: x + size, maxY: y + size };
      const usage = USAGES[k % 3];
      const predicate = withNeeds((f: Feature) => f.properties.annee === 2016 && f.properties.usage === usage, ['annee', 'usage'], false);
      const hinted: string[] = [];
      for await (const batch of batchesOf(provider, bbox, predicate, { where: { definition, equals: { annee: [2016], usage: [usage] } } })) hinted.push(...batch.map((f) => f.id));
      const plain: string[] = [];
      for await (const batch of batchesOf(provider, bbox, predicate)) plain.push(...batch.map((f) => f.id));
      assert.deepEqual(hinted, plain, JSON.stringify(bbox));
    }
  });
});
