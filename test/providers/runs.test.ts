// Reads by position (server/providers/flatgeobuf/runs.ts): offsets from the R-tree's leaves, neighbours in
// bytes grouped by the source's gap, reads ahead, corrupt offsets refused, and a provider scan through
// sparse positions equal to a scan of every feature.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileRangeSource, type RangeSource } from '../../server/providers/range-client.js';
import { estimateHits, positionsInBox, readLayout, searchIndex, type FileLayout } from '../../server/providers/flatgeobuf/format.js';
import { LOCAL_RUNS, readRuns, type RunOptions } from '../../server/providers/flatgeobuf/runs.js';
import { FlatGeobufProvider } from '../../server/providers/flatgeobuf/provider.js';
import { batchesOf, withNeeds, type Feature } from '../../server/types.js';
import { buildSuiteData, FEATURES, random, suiteDefinition } from './data.js';

/** Counts reads and their bytes. */
class Counting implements RangeSource {
  reads = 0;
  bytes = 0;
  constructor(private inner: RangeSource) {}
  get size() { return this.inner.size; }
  get version() { return this.inner.version; }
  async read(offset: number, length: number) { this.reads++; this.bytes += length; return this.inner.read(offset, length); }
  close() { return this.inner.close(); }
}

async function collectRuns(source: RangeSource, layout: FileLayout, indices: Uint32Array, options: RunOptions) {
  const runs = [];
  for await (const run of readRuns(source, source, layout, indices, options)) runs.push({ ...run, bytes: run.bytes.slice() });
  return runs;
}

describe('reads by position (runs)', () => {
  let dir: string;
  let file: string;
  let source: FileRangeSource;
  let layout: FileLayout;
  /** Each feature's bytes read one by one, the reference. */
  let alone: Uint8Array[];

  before(async () => {
    dir = await buildSuiteData();
    file = join(dir, suiteDefinition.source);
    source = await FileRangeSource.open(file);
    layout = await readLayout(source);
    alone = [];
    for await (const run of readRuns(source, source, layout, Uint32Array.from({ length: FEATURES }, (_, i) => i), { ...LOCAL_RUNS, gapBytes: -1, maxRunFeatures: 1 })) {
      alone.push(run.bytes.slice(run.starts[0], run.ends[0]));
    }
  });
  after(async () => { await source.close(); rmSync(dir, { recursive: true, force: true }); });

  it('hands out every asked feature exactly, whatever the grouping', async () => {
    const rnd = random(7);
    for (const density of [1, 0.5, 0.05, 0.002]) {
      const indices = Uint32Array.from({ length: FEATURES }, (_, i) => i).filter(() => rnd() < density);
      for (const gapBytes of [0, 300, 4096, 1 << 20]) {
        const runs = await collectRuns(source, layout, indices, { ...LOCAL_RUNS, gapBytes, maxRunBytes: 64 * 1024, maxRunFeatures: 100 });
        let k = 0;
        for (const run of runs) {
          assert.ok(run.count <= 100);
          assert.equal(run.first, k);
          for (let j = 0; j < run.count; j++, k++) assert.deepEqual(run.bytes.subarray(run.starts[j], run.ends[j]), alone[indices[k]], `feature ${indices[k]}`);
        }
        assert.equal(k, indices.length, `density ${density}, gap ${gapBytes}`);
      }
    }
  });

  it('reads through small gaps in one read, jumps large ones', async () => {
    const every10th = Uint32Array.from({ length: 200 }, (_, i) => i * 10);
    const counting = new Counting(source);
    for await (const run of readRuns(counting, source, layout, every10th, { ...LOCAL_RUNS, gapBytes: 0 })) void run;
    assert.equal(counting.reads, 200, 'no gap allowed: a read per feature');
    const wide = new Counting(source);
    for await (const run of readRuns(wide, source, layout, every10th, { ...LOCAL_RUNS, gapBytes: 1 << 20, maxRunFeatures: 1024 })) void run;
    assert.equal(wide.reads, 1, 'gaps read through: one read');
  });

  it('estimateHits bounds the R-tree search from above; positionsInBox keeps exactly the searched positions', async () => {
    const rnd = random(21);
    for (let k = 0; k < 30; k++) {
      const [x, y, size] = [-6 + rnd() * 12, 41 + rnd() * 9, rnd() * 6];
      const rect = { minX: x, minY: y, maxX: x + size, maxY: y + size };
      const hits = await searchIndex(source, layout, rect);
      const estimate = await estimateHits(source, layout, rect);
      assert.ok(estimate >= hits.length && estimate <= hits.length + 16 * 64 + 16 * (hits.length + 1), `${estimate} for ${hits.length} hits`);
      const some = Uint32Array.from({ length: FEATURES }, (_, i) => i).filter((i) => i % (1 + (k % 5)) === 0);
      const inside = new Set(hits);
      assert.deepEqual([...await positionsInBox(source, layout, some, rect)], [...some].filter((i) => inside.has(i)));
    }
  });

  it('repeated positions are read once each time they are asked', async () => {
    const runs = await collectRuns(source, layout, Uint32Array.from([3, 3, 4, 9, 9]), LOCAL_RUNS);
    const got = runs.flatMap((r) => Array.from({ length: r.count }, (_, j) => r.bytes.subarray(r.starts[j], r.ends[j])));
    assert.deepEqual(got, [alone[3], alone[3], alone[4], alone[9], alone[9]]);
  });

  it('stopping early leaves no read failing unobserved, and corrupt leaf offsets are an error', async () => {
    const early = readRuns(source, source, layout, Uint32Array.from({ length: FEATURES }, (_, i) => i), { ...LOCAL_RUNS, gapBytes: 0, maxRunFeatures: 1 });
    for await (const run of early) { void run; break; }
    const copy = join(dir, 'garbled.fgb');
    const bytes = readFileSync(file);
    // The offset of leaf 10 (its last 8 bytes) now points before leaf 9's.
    const leaf = layout.indexOffset + (layout.levelBounds[0][0] + 10) * 40 + 32;
    bytes.writeBigUInt64LE(0n, leaf);
    writeFileSync(copy, bytes);
    const bad = await FileRangeSource.open(copy);
    try {
      await assert.rejects(collectRuns(bad, await readLayout(bad), Uint32Array.from([9, 10, 11]), LOCAL_RUNS), /corrupt index or truncated file/);
    } finally {
      await bad.close();
    }
  });

  it('a provider scan through sparse positions (column mask) equals the scan of every feature', async () => {
    const provider = await FlatGeobufProvider.open(file, { idProperties: ['code'] });
    try {
      assert.ok(provider.hasColumns);
      for (const usage of ['AEP', 'IRR', 'IND']) {
        const test = withNeeds((f: Feature) => f.properties.usage === usage, ['usage'], false);
        const where = { definition: suiteDefinition, equals: { usage: [usage] } };
        const bbox = { minX: -2, minY: 44, maxX: 5, maxY: 49 };
        const through: string[] = [];
        for await (const batch of batchesOf(provider, bbox, test, { where })) for (const f of batch) through.push(`${f.id}:${JSON.stringify(f.properties)}`);
        const plain: string[] = [];
        for await (const batch of batchesOf(provider, bbox, test)) for (const f of batch) plain.push(`${f.id}:${JSON.stringify(f.properties)}`);
        assert.ok(plain.length > 10);
        assert.deepEqual(through, plain, usage);
      }
    } finally {
      await provider.close();
    }
  });

  it('wholeUpTo: few candidates are decoded whole at once (and said so), many only as far as asked', async () => {
    const provider = await FlatGeobufProvider.open(file, { idProperties: ['code'] });
    try {
      const small = { minX: 0, minY: 45, maxX: 1, maxY: 46 };
      const scan = async (bbox: typeof small, count: number) => {
        let whole = false;
        const out: Feature[] = [];
        for await (const batch of batchesOf(provider, bbox, undefined, { properties: ['annee'], wholeUpTo: { count, whole: () => { whole = true; } } })) out.push(...batch);
        return { whole, out };
      };
      const few = await scan(small, 1000);
      assert.ok(few.whole && few.out.length > 0 && few.out.length <= 1000);
      assert.ok(few.out.every((f) => 'nom' in f.properties && 'usage' in f.properties), 'whole features');
      const many = await scan({ minX: -10, minY: 40, maxX: 10, maxY: 52 }, 1000);
      assert.ok(!many.whole && many.out.length > 1000);
      assert.ok(many.out.every((f) => !('nom' in f.properties) && 'annee' in f.properties), 'projected features');
    } finally {
      await provider.close();
    }
  });
});
