// The provider suite on the FlatGeobuf provider: a local file with its column sidecar, the same
// file without it (the scanning fallback), and the file and sidecar over HTTP byte ranges.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlatGeobufProvider } from '../../server/providers/flatgeobuf/provider.js';
import { readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../server/storage/location.js';
import { BUCKET, startS3, staticOrigin, type Origin, type S3Store } from '../storage/origins.js';
import { buildSuiteData, random, suiteDefinition, tableDefinition } from './data.js';
import { providerSuite, randomFilter } from './suite.js';
import { parseFilterParams } from '../../server/query/predicate.js';
import { writeColumnsSidecar } from '../../server/providers/flatgeobuf/columns-build.js';
import type { Feature } from '../../server/types.js';

let dir: string;
let small: string;
let origin: Origin;
let s3: S3Store;
const ready = (async () => {
  dir = await buildSuiteData();
  // The same data with dictionaries capped at 50 values: numbers become f64 columns with a sorted index.
  small = await buildSuiteData();
  await writeColumnsSidecar(join(small, 'points.fgb'), undefined, 50);
  origin = await staticOrigin(dir);
  s3 = await startS3();
  for (const name of ['points.fgb', 'points.fgb.ids', 'points.fgb.cols']) {
    await s3Client().send(new PutObjectCommand({ Bucket: BUCKET, Key: `suite/${name}`, Body: readFileSync(join(dir, name)) }));
  }
})();
after(async () => {
  await origin?.close();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(small, { recursive: true, force: true });
});

const options = { idProperties: suiteDefinition.idProperties, jsonColumns: ['tags'] };
async function target(location: () => string, columns: boolean, expectColumns: boolean) {
  await ready;
  const provider = await FlatGeobufProvider.open(location(), { ...options, columns });
  assert.equal(provider.hasColumns, expectColumns, 'sidecar in use');
  return { provider, definition: suiteDefinition, close: () => provider.close() };
}

providerSuite('FlatGeobuf, local file, column sidecar', () => target(() => join(dir, 'points.fgb'), true, true));
providerSuite('FlatGeobuf, local file, sidecar with f64 columns and sorted indexes', () => target(() => join(small, 'points.fgb'), true, true));
providerSuite('FlatGeobuf, local file, no sidecar (scan)', () => target(() => join(dir, 'points.fgb'), false, false));
providerSuite('FlatGeobuf over HTTP ranges, column sidecar', () => target(() => `${origin.url}/points.fgb`, true, true));
providerSuite('FlatGeobuf on S3 (s3rver), column sidecar', () => target(() => `s3://${BUCKET}/suite/points.fgb`, true, true));

describe('column sidecar lifecycle', () => {
  before(() => ready);

  it('is written beside the file at build time, and read by ranges over HTTP', async () => {
    origin.reset();
    const provider = await FlatGeobufProvider.open(`${origin.url}/points.fgb`, options);
    assert.ok(provider.hasColumns);
    assert.equal(origin.traffic.whole.length, 0, 'no whole-file GET');
    await provider.close();
  });

  it('countLimit: conditions the sidecar answers are always counted, a longer scan is not made', async () => {
    const definition = suiteDefinition;
    for (const columns of [true, false]) {
      const provider = await FlatGeobufProvider.open(join(dir, 'points.fgb'), { ...options, columns });
      const covered = await provider.query({ where: { definition, equals: { usage: ['IRR'] } }, offset: 0, limit: 5, count: true, countLimit: 10 });
      for await (const _ of covered.features) { /* page */ }
      assert.equal(typeof await covered.numberMatched(), columns ? 'number' : 'undefined');
      const arrays = await provider.query({ where: { definition, equals: { tags: ['IRR'] } }, offset: 0, limit: 5, count: true, countLimit: 10 });
      assert.equal((await (async () => { let n = 0; for await (const _ of arrays.features) n++; return n; })()), 5);
      assert.equal(await arrays.numberMatched(), undefined);
      const unlimited = await provider.query({ where: { definition, equals: { tags: ['IRR'] } }, offset: 0, limit: 5, count: true });
      assert.ok((await unlimited.numberMatched())! > 5);
      await provider.close();
    }
  });

  it('a file without geometry (no R-tree): counts and pages through the sidecar equal a scan (seeded)', async () => {
    const table = await buildSuiteData(undefined, false);
    try {
      const path = join(table, 'table.fgb');
      const indexed = await FlatGeobufProvider.open(path, { ...options, columns: true });
      const scanning = await FlatGeobufProvider.open(path, { ...options, columns: false });
      assert.ok(indexed.hasColumns);
      const rnd = random(7);
      const page = async (features: AsyncIterable<Feature>) => { const out: string[] = []; for await (const f of features) out.push(f.id); return out; };
      for (let r = 0; r < 40; r++) {
        const text = randomFilter(rnd);
        const where = { definition: tableDefinition, filter: parseFilterParams({ filter: text })!.ast };
        const offset = Math.floor(rnd() * 50);
        const a = await indexed.query({ where, offset, limit: 10, count: true });
        const b = await scanning.query({ where, offset, limit: 10, count: true });
        assert.deepEqual(await page(a.features), await page(b.features), text);
        assert.equal(await a.numberMatched(), await b.numberMatched(), text);
      }
      await indexed.close();
      await scanning.close();
    } finally {
      rmSync(table, { recursive: true, force: true });
    }
  });

  it('a sidecar of another version of the file is ignored (queries scan, answers unchanged)', async () => {
    const other = await buildSuiteData();
    try {
      // The same file name with one feature's bytes changed: the sidecar no longer matches.
      copyFileSync(join(dir, 'points.fgb.cols'), join(other, 'points.fgb.cols'));
      const fgb = join(other, 'points.fgb');
      const bytes = readFileSync(fgb);
      bytes[bytes.length - 10] ^= 0xff;
      writeFileSync(fgb, bytes);
      const provider = await FlatGeobufProvider.open(fgb, options);
      assert.equal(provider.hasColumns, false);
      await provider.close();
      // Garbage in place of a sidecar: ignored too.
      writeFileSync(join(other, 'points.fgb.cols'), 'not a sidecar');
      const again = await FlatGeobufProvider.open(fgb, options);
      assert.equal(again.hasColumns, false);
      await again.close();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
