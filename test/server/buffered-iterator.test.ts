// Pages are written one await per batch where the provider hands out its batches (BufferedIterator):
// the same features in the same order, the source's errors still mapped, the source closed on failure.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { flatten, mapErrors } from '../../server/providers/flatgeobuf/iterate.js';
import { writeFeatureCollection, plainShaper } from '../../server/formats/geojson.js';
import type { BufferedIterator, Feature } from '../../server/types.js';

const feature = (i: number): Feature => ({ id: `f${i}`, index: i, geometry: { type: 'Point', coordinates: [i, i] }, properties: { n: i } });

async function* batches(sizes: number[], failAfter = Infinity): AsyncGenerator<Feature[]> {
  let i = 0;
  for (const [k, size] of sizes.entries()) {
    if (k >= failAfter) throw new Error('disk gone');
    yield Array.from({ length: size }, () => feature(i++));
  }
}

/** A response stand-in: collects what the writer sends. */
function fakeResponse() {
  const chunks: Buffer[] = [];
  const res = {
    statusCode: 200, headers: {} as Record<string, unknown>,
    status(code: number) { this.statusCode = code; return this; },
    type() { return this; },
    setHeader(k: string, v: unknown) { this.headers[k] = v; },
    getHeader(k: string) { return this.headers[k]; },
    write(b: Buffer) { chunks.push(Buffer.from(b)); return true; },
    end(b?: Buffer) { if (b) chunks.push(Buffer.from(b)); },
    once() { return this; }, on() { return this; },
  };
  return { res, body: () => Buffer.concat(chunks).toString('utf8') };
}

describe('BufferedIterator', () => {
  it('flatten hands out the rest of a batch at once; through mapErrors too', async () => {
    const it = mapErrors(flatten(batches([3, 0, 2])), (e) => e)[Symbol.asyncIterator]() as BufferedIterator<Feature>;
    const seen: string[] = [];
    for (let step = await it.next(); !step.done; step = await it.next()) {
      seen.push(step.value.id);
      const rest = it.buffered!();
      seen.push(...rest.map((f) => f.id));
      assert.deepEqual(it.buffered!(), [], 'consumed');
    }
    assert.deepEqual(seen, ['f0', 'f1', 'f2', 'f3', 'f4']);
  });

  it('a page written by batches equals the page written feature by feature', async () => {
    const sizes = [1, 7, 1000, 3, 250];
    const batched = fakeResponse();
    await writeFeatureCollection(batched.res as never, { features: flatten(batches(sizes)), finish: async () => ({ links: [] }) }, plainShaper);
    // The same features through an iterator without buffered(): one await each.
    const plain = fakeResponse();
    const oneByOne: AsyncIterable<Feature> = { [Symbol.asyncIterator]: () => { const s = flatten(batches(sizes))[Symbol.asyncIterator](); return { next: () => s.next() }; } };
    await writeFeatureCollection(plain.res as never, { features: oneByOne, finish: async () => ({ links: [] }) }, plainShaper);
    const strip = (s: string) => { const doc = JSON.parse(s); delete doc.timeStamp; return doc; };
    assert.deepEqual(strip(batched.body()), strip(plain.body()));
    assert.equal(strip(batched.body()).features.length, sizes.reduce((a, b) => a + b));
  });

  it('an error of a later batch is mapped and the source is closed', async () => {
    let closed = false;
    const source = flatten(batches([5, 5, 5], 2));
    const tracked: AsyncIterable<Feature> = {
      [Symbol.asyncIterator]: () => {
        const s = source[Symbol.asyncIterator]() as BufferedIterator<Feature>;
        return { next: () => s.next(), buffered: () => s.buffered!(), return: async () => { closed = true; return { done: true, value: undefined }; } } as BufferedIterator<Feature>;
      },
    };
    const { res } = fakeResponse();
    await assert.rejects(writeFeatureCollection(res as never, { features: mapErrors(tracked, () => new Error('mapped')), finish: async () => ({ links: [] }) }, plainShaper), /mapped/);
    assert.ok(closed, 'return() called on the source');
  });
});
