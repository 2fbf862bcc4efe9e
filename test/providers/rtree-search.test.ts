// The R-tree search's shortcut: a node inside the box is not descended, its leaves taken as one run
// of positions, less the features without a box the writer recorded. Checked against every leaf box.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import { FileRangeSource, type RangeSource } from '../../server/providers/range-client.js';
import { noBoxOf, readLayout, searchIndex, type FileLayout } from '../../server/providers/flatgeobuf/format.js';
import { FlatGeobufWriter } from '../../server/providers/flatgeobuf/writer.js';
import type { Rect } from '../../server/types.js';
import { random } from './data.js';

const FEATURES = 5000;

/** Counts the bytes read. */
class Counting implements RangeSource {
  bytes = 0;
  constructor(private inner: RangeSource) {}
  get size() { return this.inner.size; }
  get version() { return this.inner.version; }
  async read(offset: number, length: number) { this.bytes += length; return this.inner.read(offset, length); }
  close() { return this.inner.close(); }
}

describe('R-tree search: nodes inside the box', () => {
  let dir: string;
  let source: FileRangeSource;
  let layout: FileLayout;
  /** Every leaf box, by position (null: none). */
  let leaves: (number[] | null)[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rtree-search-'));
    const file = join(dir, 'points.fgb');
    // Three parts, each with features without geometry (stored at the end of their part) and clusters.
    const writer = new FlatGeobufWriter(file, { name: 'points', geometryType: 'Point', columns: [{ name: 'part', type: ColumnType.Int }], partitionBy: [{ property: 'part' }] });
    const rnd = random(5);
    for (let i = 0; i < FEATURES; i++) {
      const cluster = rnd() < 0.5;
      const geometry = rnd() < 0.08 ? null : { type: 'Point' as const, coordinates: cluster ? [2.3 + rnd() * 0.2, 48.8 + rnd() * 0.1] : [-5 + rnd() * 13, 42 + rnd() * 9] };
      writer.add({ part: i % 3 }, geometry);
    }
    writer.finish();
    source = await FileRangeSource.open(file);
    layout = await readLayout(source);
    const [start, end] = layout.levelBounds[0];
    const bytes = await source.read(layout.indexOffset + start * 40, (end - start) * 40);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    leaves = Array.from({ length: end - start }, (_, i) => {
      const box = [0, 8, 16, 24].map((o) => view.getFloat64(i * 40 + o, true));
      return box[0] <= box[2] ? box : null;
    });
  });
  after(async () => { await source.close(); rmSync(dir, { recursive: true, force: true }); });

  const brute = (rect: Rect) => leaves.flatMap((box, i) => (box && !(box[0] > rect.maxX || box[1] > rect.maxY || box[2] < rect.minX || box[3] < rect.minY) ? [i] : []));

  it('the writer records where the features without a box are: the end of each part', () => {
    const recorded = (layout.noBox ?? []).flatMap(([a, b]) => Array.from({ length: b - a }, (_, k) => a + k));
    assert.deepEqual(recorded, leaves.flatMap((box, i) => (box ? [] : [i])));
    assert.equal(layout.noBox!.length, 3, 'one run per part');
    assert.ok(layout.noBox![0][1] < FEATURES, 'not only at the end of the file');
  });

  it('finds the same positions as every leaf box says, reading less when nodes lie inside the box', async () => {
    const rnd = random(33);
    const rects: Rect[] = [{ minX: -180, minY: -90, maxX: 180, maxY: 90 }, { minX: 2.2, minY: 48.7, maxX: 2.6, maxY: 49 }];
    for (let k = 0; k < 80; k++) {
      const [x, y, size] = [-8 + rnd() * 14, 40 + rnd() * 11, rnd() * (k % 3 === 0 ? 20 : 3)];
      rects.push({ minX: x, minY: y, maxX: x + size, maxY: y + size });
    }
    let fewer = 0;
    for (const rect of rects) {
      const quick = new Counting(source);
      const hits = await searchIndex(quick, layout, rect);
      const full = new Counting(source);
      const descended = await searchIndex(full, layout, rect, []); // asking for the leaf boxes reads every leaf hit
      const expected = brute(rect);
      assert.deepEqual([...hits], expected, `rect ${JSON.stringify(rect)}`);
      assert.deepEqual([...descended], expected);
      assert.ok(quick.bytes <= full.bytes);
      if (quick.bytes < full.bytes) fewer++;
    }
    assert.ok(fewer >= 20, `${fewer} of ${rects.length} searches read fewer bytes`);
    const world = new Counting(source);
    await searchIndex(world, layout, rects[0]);
    assert.ok(world.bytes < 1000, `the whole world: the root only (${world.bytes} bytes)`);
  });

  it('a record that is not well formed is not trusted: the file is then searched as one that does not say', () => {
    const of = (noBox: unknown) => noBoxOf({ metadata: JSON.stringify({ temporalExtent: ['2012', '2022'], noBoxPositions: noBox }), featuresCount: 10 });
    assert.deepEqual(of([[2, 4], [8, 10]]), [[2, 4], [8, 10]]);
    assert.deepEqual(of([]), []);
    for (const bad of [[[4, 2]], [[2, 4], [3, 6]], [[8, 11]], [[-1, 2]], [[1.5, 3]], [[1, 2, 3]], 'all', null, [['1', '2']]]) assert.equal(of(bad), undefined, JSON.stringify(bad));
    assert.equal(noBoxOf({ metadata: '{not json', featuresCount: 10 }), undefined);
    assert.equal(noBoxOf({ metadata: null, featuresCount: 10 }), undefined);
  });

  it('a file that does not say where its features without a box are is searched down to every leaf', async () => {
    const rect = { minX: 2.2, minY: 48.7, maxX: 2.6, maxY: 49 };
    const unsaid = new Counting(source);
    assert.deepEqual([...await searchIndex(unsaid, { ...layout, noBox: undefined }, rect)], brute(rect));
    const full = new Counting(source);
    await searchIndex(full, layout, rect, []);
    assert.equal(unsaid.bytes, full.bytes);
  });
});
