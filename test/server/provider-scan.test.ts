// Provider scans in batches and with a property projection: the same features as a plain scan,
// batches capped, only the asked properties decoded (ids always), a predicate still seeing what it reads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColumnType, FlatGeobufWriter } from '../../server/providers/flatgeobuf/writer.js';
import { FlatGeobufProvider } from '../../server/providers/flatgeobuf/provider.js';
import { batchesOf, type Feature, type FeaturePredicate, type Rect } from '../../server/types.js';

const N = 5000;
let dir: string;
let provider: FlatGeobufProvider;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-'));
  const path = join(dir, 'points.fgb');
  const columns = [{ name: 'code', type: ColumnType.String }, { name: 'annee', type: ColumnType.Int }, { name: 'volume', type: ColumnType.Double }, { name: 'nom', type: ColumnType.String }];
  const writer = new FlatGeobufWriter(path, { name: 'points', geometryType: 'Point', columns, ids: true });
  for (let i = 0; i < N; i++) {
    const code = `P${String(i).padStart(5, '0')}`;
    writer.add({ code, annee: 2008 + (i % 16), volume: i * 10, nom: `Point ${i}` }, { type: 'Point', coordinates: [-5 + (i % 100) * 0.15, 42 + Math.floor(i / 100) * 0.18] }, code);
  }
  writer.finish();
  provider = await FlatGeobufProvider.open(path, { idProperties: ['code'] });
});
after(async () => {
  await provider.close();
  rmSync(dir, { recursive: true, force: true });
});

async function plain(bbox?: Rect, predicate?: FeaturePredicate): Promise<Feature[]> {
  const out: Feature[] = [];
  for await (const f of provider.scan(bbox, predicate)) out.push(f);
  return out;
}

describe('provider scans', () => {
  const cases: [string, Rect | undefined, FeaturePredicate | undefined][] = [
    ['whole file', undefined, undefined],
    ['bbox', { minX: -2, minY: 43, maxX: 3, maxY: 48 }, undefined],
    ['predicate', undefined, (f) => (f.properties.annee as number) === 2010],
    ['bbox and predicate', { minX: -2, minY: 43, maxX: 3, maxY: 48 }, (f) => (f.properties.volume as number) > 20000],
  ];
  for (const [name, bbox, predicate] of cases) {
    it(`${name}: batches hold the features of scan(), in order, at most 1024 each`, async () => {
      const expected = await plain(bbox, predicate);
      const batches: Feature[][] = [];
      for await (const batch of batchesOf(provider, bbox, predicate)) batches.push(batch);
      assert.ok(batches.every((b) => b.length > 0 && b.length <= 1024));
      assert.deepEqual(batches.flat().map((f) => [f.id, f.properties, f.geometry]), expected.map((f) => [f.id, f.properties, f.geometry]));
      assert.ok(expected.length > 0);
    });
  }

  it('a projection decodes only the asked properties; ids and geometries stay whole', async () => {
    const bbox = { minX: -2, minY: 43, maxX: 3, maxY: 48 };
    const whole = await plain(bbox);
    const lean: Feature[] = [];
    for await (const f of provider.scan(bbox, undefined, { properties: ['volume'] })) lean.push(f);
    assert.deepEqual(lean.map((f) => f.id), whole.map((f) => f.id));
    assert.deepEqual(lean.map((f) => f.geometry), whole.map((f) => f.geometry));
    for (const [i, f] of lean.entries()) {
      assert.deepEqual(Object.keys(f.properties).sort(), ['code', 'volume'], 'the id column comes along');
      assert.equal(f.properties.volume, whole[i].properties.volume);
    }
    // A predicate still sees what it needs, whatever the projection.
    const filtered: Feature[] = [];
    for await (const f of provider.scan(bbox, (x) => x.properties.nom === 'Point 1234', { properties: [] })) filtered.push(f);
    assert.deepEqual(filtered.map((f) => f.id), whole.filter((f) => f.properties.nom === 'Point 1234').map((f) => f.id));
  });

  it('a provider without scanBatches is grouped by batchesOf', async () => {
    const bare = { scan: (b?: Rect, p?: FeaturePredicate) => provider.scan(b, p) } as unknown as FlatGeobufProvider;
    const batches: Feature[][] = [];
    for await (const batch of batchesOf(bare)) batches.push(batch);
    assert.deepEqual(batches.map((b) => b.length), [1024, 1024, 1024, 1024, N - 4096]);
  });
});
