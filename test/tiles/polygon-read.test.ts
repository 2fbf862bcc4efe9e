// Polygon tiles read less without drawing differently: stacked rows of one area share one geometry
// (decoded, sent and clipped once), polygons too small to draw are skipped unread, and an unfiltered
// tile over its budget reads an even sample of whole areas from the index.
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
import { FlatGeobufProvider, thin } from '../../server/providers/flatgeobuf/provider.js';
import { bufferedTileBounds, encodeTile, lonLatToTile, polygonBoxKeeper, type TileMatrixSetId } from '../../server/tiles/index.js';
import { batchesOf, type CollectionDefinition, type Feature, type FeaturePredicate, type ScanOptions } from '../../server/types.js';
import { layerFeatures, ring, rng } from './helpers.js';

const YEARS = [2018, 2019, 2020, 2021, 2022, 2023];
const definition: CollectionDefinition = {
  id: 'zones', title: 'Zones', description: 'Stacked rows per area', source: 'zones.fgb',
  idProperties: ['code', 'annee'], geometryType: 'Polygon',
  properties: [
    { name: 'code', type: 'string', title: 'Code' },
    { name: 'annee', type: 'integer', title: 'Année' },
    { name: 'volume', type: 'number', title: 'Volume' },
  ],
};

const AREAS = 120;
let dir: string;
let catalog: Catalog;
let provider: FlatGeobufProvider;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'polygon-read-'));
  const r = rng(2011);
  const records = [];
  for (let a = 0; a < AREAS; a++) {
    // Radii from 10 m to 100 km: at low zooms most are under a pixel, at zoom 9 few are.
    const radius = 10 ** (-4 + 3 * r());
    const geometry: Polygon = { type: 'Polygon', coordinates: [ring(r, -4 + 11 * r(), 43 + 7 * r(), radius)] };
    // Each row gets its own copy: the file holds the geometry once per row, as the aggregates do.
    for (const annee of YEARS) records.push({ properties: { code: `Z${String(a).padStart(3, '0')}`, annee, volume: Math.round(r() * 1e6) }, lon: null, lat: null, geometry: structuredClone(geometry) });
  }
  await buildCollections(dir, [{ definition, records }]);
  provider = await FlatGeobufProvider.open(join(dir, 'zones.fgb'), { idProperties: definition.idProperties });
  catalog = await openCatalog(dir, [definition]);
});
after(async () => {
  await provider.close();
  await catalog.close();
  rmSync(dir, { recursive: true, force: true });
});

const WORLD = { minX: -180, minY: -90, maxX: 180, maxY: 90 };
async function read(bbox = WORLD, predicate?: FeaturePredicate, options: ScanOptions = {}): Promise<Feature[]> {
  const out: Feature[] = [];
  for await (const batch of batchesOf(provider, bbox, predicate, options)) out.push(...batch);
  return out;
}
const boxOf = (f: Feature) => {
  const ring0 = (f.geometry as Polygon).coordinates[0];
  const xs = ring0.map((p) => p[0]);
  const ys = ring0.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const;
};

describe('FlatGeobuf scan hints', () => {
  it('shareGeometry: the rows of one area share one geometry object, equal to what a plain scan gives', async () => {
    const plain = await read();
    const shared = await read(WORLD, undefined, { shareGeometry: true });
    assert.equal(shared.length, AREAS * YEARS.length);
    assert.deepEqual(shared.map((f) => [f.id, f.geometry, f.properties]), plain.map((f) => [f.id, f.geometry, f.properties]));
    const byArea = new Map<unknown, Set<unknown>>();
    for (const f of shared) {
      const set = byArea.get(f.properties.code) ?? new Set();
      set.add(f.geometry);
      byArea.set(f.properties.code, set);
    }
    assert.equal(byArea.size, AREAS);
    for (const [code, geometries] of byArea) assert.equal(geometries.size, 1, `${String(code)}: one object for its ${YEARS.length} rows`);
    assert.equal(new Set(shared.map((f) => f.geometry)).size, AREAS, 'different areas keep different objects');
    // Without the hint nothing is shared.
    assert.equal(new Set(plain.map((f) => f.geometry)).size, plain.length);
  });

  it('keepBox: exactly the features whose box fails it are skipped', async () => {
    const keep = (x0: number, y0: number, x1: number, y1: number) => (x1 - x0) * (y1 - y0) > 1e-4;
    const kept = await read(WORLD, undefined, { keepBox: keep });
    const expected = (await read()).filter((f) => keep(...boxOf(f)));
    assert.ok(expected.length > 0 && expected.length < AREAS * YEARS.length);
    assert.deepEqual(kept.map((f) => f.id), expected.map((f) => f.id));
  });

  it('sample: about the budget, whole areas, spread over the file; ignored under a filter', async () => {
    const all = await read();
    const sampled = await read(WORLD, undefined, { sample: 120 });
    assert.ok(sampled.length >= 90 && sampled.length <= 150, `${sampled.length} features for a budget of 120`);
    const counts = new Map<unknown, number>();
    for (const f of sampled) counts.set(f.properties.code, (counts.get(f.properties.code) ?? 0) + 1);
    for (const [code, n] of counts) assert.equal(n, YEARS.length, `${String(code)}: every row of a kept area`);
    const positions = sampled.map((f) => f.index);
    assert.ok(positions[0] < all.length / 4 && positions[positions.length - 1] > (3 * all.length) / 4, 'spread over the whole file');
    const predicate: FeaturePredicate = (f) => f.properties.annee === 2020;
    assert.equal((await read(WORLD, predicate, { sample: 10 })).length, AREAS, 'a filtered read is never sampled');
    assert.equal((await read(WORLD, undefined, { sample: 10_000 })).length, all.length, 'under the budget: everything');
  });

  it('thin(): runs of one box are kept or dropped together', () => {
    const hits = Uint32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const boxes = [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 4, 4, 5, 5, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9];
    const kept = Array.from(thin(hits, boxes, undefined, 4));
    // Runs: [0,1] [2] [3,4,5] [6] [7]; at a rate of 1/2, runs 1 and 3 are kept.
    assert.deepEqual(kept, [2, 6]);
    assert.deepEqual(Array.from(thin(hits, boxes, (x0) => x0 >= 4)), [3, 4, 5, 6, 7]);
  });
});

/** The features of a tile, order aside (rows sharing a geometry come out together). */
function canonical(bytes: Uint8Array, layer: string): string[] {
  return layerFeatures(bytes, layer).map((f) => JSON.stringify([f.type, f.loadGeometry(), f.properties])).sort();
}

const TILES: [TileMatrixSetId, number][] = [['WebMercatorQuad', 0], ['WebMercatorQuad', 4], ['WebMercatorQuad', 7], ['WebMercatorQuad', 9], ['WorldCRS84Quad', 3], ['WorldCRS84Quad', 8]];
/** Tiles over a few areas of the data, each zoom. */
async function someTiles(): Promise<[TileMatrixSetId, number, number, number][]> {
  const features = await read();
  const out: [TileMatrixSetId, number, number, number][] = [];
  for (const [tms, z] of TILES) {
    for (const f of [features[0], features[features.length / 2], features[features.length - 1]]) {
      const [x0, y0, x1, y1] = boxOf(f);
      const [x, y] = lonLatToTile(tms, z, (x0 + x1) / 2, (y0 + y1) / 2);
      out.push([tms, z, Math.floor(y), Math.floor(x)]);
    }
  }
  return out;
}

describe('polygon tiles: shared geometries and skipped polygons draw the same tile', () => {
  it('encodeTile: rows sharing one geometry object encode as rows with their own copies', async () => {
    const shared = await read(WORLD, undefined, { shareGeometry: true });
    const copies = shared.map((f) => ({ ...f, geometry: structuredClone(f.geometry) }));
    for (const [tms, z, row, col] of await someTiles()) {
      const a = encodeTile([{ name: 'zones', features: shared }], tms, z, row, col);
      const b = encodeTile([{ name: 'zones', features: copies }], tms, z, row, col);
      assert.deepEqual(canonical(a, 'zones'), canonical(b, 'zones'), `${tms} ${z}/${row}/${col}`);
    }
  });

  it('polygonBoxKeeper: a polygon it rejects is never in the tile', async () => {
    const r = rng(7);
    let rejected = 0;
    for (const [tms, z] of TILES) {
      const keep = polygonBoxKeeper(tms, z);
      for (let i = 0; i < 200; i++) {
        // Sizes around the bound: a few tile pixels at this zoom.
        const pixel = (tms === 'WebMercatorQuad' ? 360 : 180) / 2 ** z / 4096;
        const geometry: Polygon = { type: 'Polygon', coordinates: [ring(r, 2 + r(), 46 + r(), pixel * (0.5 + 4 * r()), 4 + Math.floor(r() * 20))] };
        const f: Feature = { id: `p${i}`, index: i, geometry, properties: {} };
        if (keep(...boxOf(f))) continue;
        rejected++;
        const [x, y] = lonLatToTile(tms, z, ...(geometry.coordinates[0][0] as [number, number]));
        const bytes = encodeTile([{ name: 'zones', features: [f] }], tms, z, Math.floor(y), Math.floor(x));
        assert.equal(layerFeatures(bytes, 'zones').length, 0, `${tms} z${z}: ${JSON.stringify(geometry)}`);
      }
    }
    assert.ok(rejected > 100, `${rejected} polygons rejected: the bound was exercised`);
  });

  it('a collection tile equals the tile of every feature in its buffered bounds, read without hints', async () => {
    const app = createApp({ info: { title: 'T', description: 'T' }, catalog: () => catalog, parts: defaultParts({ cacheBytes: 0, workers: 1 }) });
    let compared = 0;
    for (const [tms, z, row, col] of await someTiles()) {
      const res = await request(app).get(`/collections/zones/tiles/${tms}/${z}/${row}/${col}`).buffer(true)
        .parse((r, cb) => { const c: Buffer[] = []; r.on('data', (d: Buffer) => c.push(d)); r.on('end', () => cb(null, Buffer.concat(c))); });
      assert.ok(res.status === 200 || res.status === 204, `${res.status}`);
      const served = res.status === 204 ? new Uint8Array(0) : new Uint8Array(res.body as Buffer);
      const reference = encodeTile([{ name: 'zones', features: await read(bufferedTileBounds(tms, z, row, col)) }], tms, z, row, col, { maxBytes: 500_000 });
      assert.deepEqual(canonical(served, 'zones'), canonical(reference, 'zones'), `${tms} ${z}/${row}/${col}`);
      compared += canonical(reference, 'zones').length;
    }
    assert.ok(compared > 0);
  });
});
