// A yearly collection of stacked areas whose tile is over 500 KB: the tile keeps every area and its
// latest years whole, as when every year is read, but only the years that fit are read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Polygon } from 'geojson';
import { buildCollections } from '../../collections/build.js';
import { createApp, defaultParts } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { bufferedTileBounds, encodeTile } from '../../server/tiles/index.js';
import { batchesOf, type Feature } from '../../server/types.js';
import { layerFeatures, ring, rng, zonesDefinition } from './helpers.js';

const YEARS = Array.from({ length: 16 }, (_, i) => 2008 + i);
const USAGES = ['AEP', 'IRR', 'IND'];
const AREAS = 60;
const definition = zonesDefinition([{ name: 'note', type: 'string', title: 'Note' }]);

let dir: string;
let catalog: Catalog;
let read = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latest-years-'));
  const r = rng(19122011);
  const records = [];
  // Areas of one to three degrees: every one is drawn at zoom 0. Stored area by area, as the aggregates are.
  for (let a = 0; a < AREAS; a++) {
    const geometry: Polygon = { type: 'Polygon', coordinates: [ring(r, -60 + 120 * r(), -50 + 100 * r(), 1 + 2 * r())] };
    for (const annee of YEARS) {
      for (const usage of USAGES) {
        // A long unique note per row: the tile's bytes are mostly attributes, 16 years do not fit in 500 KB.
        const note = Array.from({ length: 32 }, () => Math.floor(r() * 1e9).toString(36)).join(' ');
        records.push({ properties: { code: `Z${a}`, annee, usage, volume: Math.round(r() * 1e6), note }, lon: null, lat: null, geometry: structuredClone(geometry) });
      }
    }
  }
  await buildCollections(dir, [{ definition, records }]);
  catalog = await openCatalog(dir, [definition]);
  // Counts the rows the server reads.
  const provider = catalog.get('zones')!.provider;
  const scan = provider.scanBatches!.bind(provider);
  provider.scanBatches = async function* (...args) {
    for await (const batch of scan(...args)) { read += batch.length; yield batch; }
  };
});
after(async () => {
  await catalog.close();
  rmSync(dir, { recursive: true, force: true });
});

async function tile(path: string): Promise<Uint8Array> {
  const app = createApp({ info: { title: 'T', description: 'T' }, catalog: () => catalog, parts: defaultParts({ cacheBytes: 0, workers: 1 }) });
  const res = await request(app).get(path).buffer(true)
    .parse((r, cb) => { const c: Buffer[] = []; r.on('data', (d: Buffer) => c.push(d)); r.on('end', () => cb(null, Buffer.concat(c))); });
  assert.equal(res.status, 200, path);
  return new Uint8Array(res.body as Buffer);
}

/** Every row in the zoom-0 tile, the rows of one area sharing one geometry as the server reads them (stacked). */
async function everyRow(): Promise<Feature[]> {
  const out: Feature[] = [];
  for await (const batch of batchesOf(catalog.get('zones')!.provider, bufferedTileBounds('WebMercatorQuad', 0, 0, 0), undefined, { shareGeometry: true })) out.push(...batch);
  return out;
}

const yearsIn = (bytes: Uint8Array) => [...new Set(layerFeatures(bytes, 'zones').map((f) => Number(f.properties.annee)))].sort((a, b) => a - b);

describe('a yearly tile over its bound reads only the latest years that fit', () => {
  it('every area, the latest years whole with every attribute, at least as many years as reading them all', async () => {
    const all = await everyRow();
    assert.equal(all.length, AREAS * YEARS.length * USAGES.length);
    const reference = encodeTile([{ name: 'zones', features: all, period: 'annee' }], 'WebMercatorQuad', 0, 0, 0, { maxBytes: 500_000 });
    const referenceYears = yearsIn(reference);
    assert.ok(referenceYears.length > 1 && referenceYears.length < YEARS.length, `reference keeps ${referenceYears.length} years: the data is over the bound`);

    read = 0;
    const bytes = await tile('/collections/zones/tiles/WebMercatorQuad/0/0/0');
    assert.ok(bytes.length <= 500_000, `${bytes.length} bytes`);
    const years = yearsIn(bytes);
    assert.ok(years.length >= referenceYears.length, `${years.length} years kept, ${referenceYears.length} when every year is read`);
    assert.deepEqual(years, YEARS.slice(YEARS.length - years.length), 'the latest years, none skipped');
    const features = layerFeatures(bytes, 'zones');
    assert.equal(features.length, AREAS * USAGES.length * years.length, 'every row of those years');
    for (const f of features) assert.deepEqual(Object.keys(f.properties).sort(), ['annee', 'code', 'id', 'note', 'usage', 'volume']);
    // The latest year's probe, then the years before it: every row read once.
    assert.equal(read, AREAS * USAGES.length * years.length);
    assert.ok(read < all.length, `${read} rows read of ${all.length}`);
  });

  it('a tile whose years all fit is read and drawn whole', async () => {
    read = 0;
    const bytes = await tile('/collections/zones/tiles/WebMercatorQuad/0/0/0?datetime=2019-01-01/2021-12-31');
    assert.deepEqual(yearsIn(bytes), [2019, 2020, 2021]);
    assert.equal(layerFeatures(bytes, 'zones').length, AREAS * USAGES.length * 3);
  });

  it('a filter the latest year misses reads as before', async () => {
    const bytes = await tile('/collections/zones/tiles/WebMercatorQuad/0/0/0?filter=annee%20%3C%202012%20AND%20usage%3D%27IRR%27');
    assert.deepEqual(yearsIn(bytes), [2008, 2009, 2010, 2011]);
    assert.equal(layerFeatures(bytes, 'zones').length, AREAS * 4);
  });
});
