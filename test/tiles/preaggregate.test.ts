// Tile pre-aggregates: a dense tile drawn from the sidecar equals the tile drawn from the data
// (same clusters, counts and ids; sums up to float rounding); filtered requests and stale sidecars
// fall back to the data; the worker pool encodes byte for byte what the event loop encodes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { buildCollections } from '../../collections/build.js';
import { createApp, defaultParts } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { cellsOf, clustersOnly, DEFAULT_MAX_FEATURES, encodeTile, lonLatToTile, PreAggregates, TilePool, viewOf, viewSidecar, type TileMatrixSetId } from '../../server/tiles/index.js';
import { rebuildTileSidecars } from '../../collections/build.js';
import { CITIES, fixtureDefinition } from '../fixtures.js';
import { assertSameTile, layerFeatures, rng } from './helpers.js';

const SPEC = { sumProperty: 'volume', maxZoom: 6 };
const N = 24_000;

/** Points packed around the cities (dense low-zoom tiles), a few spread out, volumes with decimals. */
function records(seed: number) {
  const r = rng(seed);
  return Array.from({ length: N }, (_, i) => {
    const [nom, lon, lat] = CITIES[i % 9]; // mainland cities
    const spread = i % 10 === 0 ? 3 : 0.4;
    return {
      properties: { code: `S${i}`, nom, annee: 2019 + (i % 3), volume: i % 50 === 0 ? null : r() * 1e5, usage: ['AEP', 'IRR', 'IND'][i % 3], actif: i % 2 === 0, tags: [] },
      lon: lon + (r() - 0.5) * spread, lat: lat + (r() - 0.5) * spread,
    };
  });
}

let root: string;
let withSidecar: string;
let without: string;
let stale: string;
const catalogs: Catalog[] = [];
const apps: Record<string, Express> = {};

async function serve(dir: string, workers: number): Promise<Express> {
  const catalog = await openCatalog(dir, [fixtureDefinition]);
  catalogs.push(catalog);
  return createApp({ info: { title: 'Test', description: 'Pré-agrégats' }, catalog: () => catalog, parts: defaultParts({ sumProperty: { sites: 'volume' }, cacheBytes: 0, workers }) });
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'tiles-preagg-'));
  withSidecar = join(root, 'with');
  without = join(root, 'without');
  stale = join(root, 'stale');
  await buildCollections(withSidecar, [{ definition: fixtureDefinition, records: records(1), tiles: SPEC }]);
  await buildCollections(without, [{ definition: fixtureDefinition, records: records(1), tiles: null }]);
  // Other data with the first build's sidecar beside it: must be ignored.
  await buildCollections(stale, [{ definition: fixtureDefinition, records: records(2), tiles: null }]);
  copyFileSync(join(withSidecar, 'sites.fgb.tiles'), join(stale, 'sites.fgb.tiles'));
  mkdirSync(join(root, 'stale-ref'));
  await buildCollections(join(root, 'stale-ref'), [{ definition: fixtureDefinition, records: records(2), tiles: null }]);
  // The same data with its sidecar cut short: the tiles it cannot give come from the data.
  mkdirSync(join(root, 'damaged'));
  for (const f of ['sites.fgb', 'sites.fgb.ids']) copyFileSync(join(withSidecar, f), join(root, 'damaged', f));
  const sidecar = readFileSync(join(withSidecar, 'sites.fgb.tiles'));
  writeFileSync(join(root, 'damaged', 'sites.fgb.tiles'), sidecar.subarray(0, 12 + sidecar.readUInt32LE(8) + 100));
  // With the view of the latest year (2021) too.
  await buildCollections(join(root, 'view'), [{ definition: fixtureDefinition, records: records(1), tiles: { ...SPEC, latestOf: 'annee' } }]);
  apps.view = await serve(join(root, 'view'), 0);
  apps.damaged = await serve(join(root, 'damaged'), 0);
  apps.with = await serve(withSidecar, 1);
  apps.without = await serve(without, 0);
  apps.stale = await serve(stale, 0);
  apps.staleRef = await serve(join(root, 'stale-ref'), 0);
});

after(async () => {
  await Promise.all(catalogs.map((c) => c.close()));
  rmSync(root, { recursive: true, force: true });
});

/** Dense tiles (more than maxFeatures owned points) around Paris and Lyon, zooms 0–6, both matrix sets. */
function denseTiles(agg: PreAggregates): [TileMatrixSetId, number, number, number][] {
  const out: [TileMatrixSetId, number, number, number][] = [];
  for (const tms of ['WebMercatorQuad', 'WorldCRS84Quad'] as const) {
    for (let z = 0; z <= 6; z++) {
      for (const [, lon, lat] of [CITIES[0], CITIES[1]]) {
        const [x, y] = lonLatToTile(tms, z, lon, lat).map(Math.floor);
        if (agg.count(tms, z, y, x) > DEFAULT_MAX_FEATURES && !out.some((t) => t.join() === [tms, z, y, x].join())) out.push([tms, z, y, x]);
      }
    }
  }
  return out;
}

test('the build writes a sidecar that matches its data file, and dense tiles at every pre-aggregated zoom', async () => {
  assert.ok(existsSync(join(withSidecar, 'sites.fgb.tiles')));
  assert.ok(!existsSync(join(without, 'sites.fgb.tiles')));
  const agg = await PreAggregates.open(join(withSidecar, 'sites.fgb'));
  assert.ok(agg);
  assert.equal(agg.sumProperty, 'volume');
  assert.equal(await PreAggregates.open(join(stale, 'sites.fgb')), null, 'a sidecar of other data is not opened');
  const tiles = denseTiles(agg);
  for (const tms of ['WebMercatorQuad', 'WorldCRS84Quad']) {
    assert.deepEqual([...new Set(tiles.filter((t) => t[0] === tms).map((t) => t[1]))], [0, 1, 2, 3, 4, 5, 6], tms);
  }
});

test('a dense tile from the pre-aggregates equals the tile from the full data', async () => {
  const agg = (await PreAggregates.open(join(withSidecar, 'sites.fgb')))!;
  for (const [tms, z, row, col] of denseTiles(agg)) {
    const path = `/collections/sites/tiles/${tms}/${z}/${row}/${col}`;
    const a = await mvt(apps.with, path);
    const b = await mvt(apps.without, path);
    assertSameTile(a.body, b.body, 'sites', path);
    const counts = layerFeatures(a.body as Buffer, 'sites').reduce((n, f) => n + Number(f.properties.point_count ?? 1), 0);
    assert.equal(counts, agg.count(tms, z, row, col), `${path}: clusters add up to the tile's points`);
  }
});

test('datetime and filters the pre-aggregates cannot answer are drawn from the data', async () => {
  for (const query of ['datetime=2020-01-01/2020-12-31', 'filter=volume%20%3E%2050000', 'usage=AEP']) {
    const path = `/collections/sites/tiles/WebMercatorQuad/5/11/16?${query}`;
    const a = await mvt(apps.with, path);
    const b = await mvt(apps.without, path);
    assert.ok(Buffer.from(a.body as Buffer).equals(Buffer.from(b.body as Buffer)), path);
    const total = layerFeatures(a.body as Buffer, 'sites').reduce((n, f) => n + Number(f.properties.point_count ?? 1), 0);
    const agg = (await PreAggregates.open(join(withSidecar, 'sites.fgb')))!;
    assert.ok(total < agg.count('WebMercatorQuad', 5, 11, 16), `${path}: filtered (${total} points)`);
  }
});

test('a stale sidecar (another data version) is ignored; a damaged one falls back to the data', async () => {
  const path = '/collections/sites/tiles/WebMercatorQuad/5/11/16';
  const a = await mvt(apps.stale, path);
  const b = await mvt(apps.staleRef, path);
  assert.ok(Buffer.from(a.body as Buffer).equals(Buffer.from(b.body as Buffer)));
  for (const z of [3, 5, 6]) {
    const [x, y] = lonLatToTile('WebMercatorQuad', z, CITIES[0][1], CITIES[0][2]).map(Math.floor);
    const damaged = await mvt(apps.damaged, `/collections/sites/tiles/WebMercatorQuad/${z}/${y}/${x}`);
    const data = await mvt(apps.without, `/collections/sites/tiles/WebMercatorQuad/${z}/${y}/${x}`);
    assert.ok(damaged.body.equals(data.body), `zoom ${z}`);
  }
});

test('the worker pool encodes byte for byte what the event loop encodes; dense layers as cells give the same tile', async () => {
  const pool = new TilePool(2);
  try {
    const catalog = await openCatalog(without, [fixtureDefinition]);
    const provider = catalog.get('sites')!.provider;
    const features = [];
    for await (const f of provider.scan()) features.push({ id: f.id, index: f.index, geometry: f.geometry, properties: f.properties });
    await catalog.close();
    const agg = (await PreAggregates.open(join(withSidecar, 'sites.fgb')))!;
    const tiles: [TileMatrixSetId, number, number, number][] = [['WebMercatorQuad', 5, 11, 16], ['WebMercatorQuad', 9, 176, 259], ['WorldCRS84Quad', 4, 3, 16], ['WebMercatorQuad', 12, 1409, 2074]];
    for (const [tms, z, row, col] of tiles) {
      const layers = [{ name: 'sites', features }];
      const inProcess = encodeTile(layers, tms, z, row, col, { sumProperty: 'volume' });
      const pooled = await pool.encode(layers, tms, z, row, col, { sumProperty: 'volume' });
      assert.ok(inProcess.length > 0, `${tms}/${z}/${row}/${col} not empty`);
      assert.ok(Buffer.from(pooled).equals(Buffer.from(inProcess)), `${tms}/${z}/${row}/${col}`);
      if (clustersOnly(features, tms, z, row, col)) {
        // A dense layer read from the data travels as cells too: the same tile.
        const viaCells = encodeTile([{ name: 'sites', features: [], cells: cellsOf(features, tms, z, row, col, 'volume') }], tms, z, row, col, { sumProperty: 'volume' });
        assertSameTile(viaCells, inProcess, 'sites', `${tms}/${z}/${row}/${col} via cellsOf`);
      }
      if (agg.count(tms, z, row, col) > DEFAULT_MAX_FEATURES) {
        const cells = await agg.cells(tms, z, row, col);
        const fromCells = [{ name: 'sites', features: [], cells }];
        const a = encodeTile(fromCells, tms, z, row, col, { sumProperty: 'volume' });
        const b = await pool.encode(fromCells, tms, z, row, col, { sumProperty: 'volume' });
        assert.ok(Buffer.from(a).equals(Buffer.from(b)), `${tms}/${z}/${row}/${col} from cells`);
      }
    }
  } finally {
    await pool.close();
  }
});

test('the latest year has pre-aggregates of its own: its dense tiles equal the tiles from the data; other years read the data', async () => {
  const data = join(root, 'view', 'sites.fgb');
  const sidecar = viewSidecar(data, { property: 'annee', value: 2021 });
  assert.ok(existsSync(sidecar));
  assert.ok(!existsSync(viewSidecar(data, { property: 'annee', value: 2020 })));
  const agg = (await PreAggregates.open(data, sidecar))!;
  const tiles = denseTiles(agg);
  assert.ok(tiles.length >= 4, `${tiles.length} dense tiles of 2021`);
  for (const [tms, z, row, col] of tiles) {
    for (const query of ['datetime=2021-01-01/2021-12-31', 'datetime=2021-06-01/2021-06-30', 'annee=2021']) {
      const path = `/collections/sites/tiles/${tms}/${z}/${row}/${col}?${query}`;
      const a = await mvt(apps.view, path);
      const b = await mvt(apps.without, path);
      assertSameTile(a.body, b.body, 'sites', path);
      const counts = layerFeatures(a.body, 'sites').reduce((n, f) => n + Number(f.properties.point_count ?? 1), 0);
      assert.equal(counts, agg.count(tms, z, row, col), `${path}: clusters add up to the year's points`);
    }
  }
  // Conditions that are not exactly "annee = 2021" never use it.
  for (const query of ['datetime=2020-01-01/2021-12-31', 'annee=2021&usage=IND', 'datetime=2020-01-01/2020-12-31']) {
    const path = `/collections/sites/tiles/WebMercatorQuad/0/0/0?${query}`;
    assert.ok((await mvt(apps.view, path)).body.equals((await mvt(apps.without, path)).body), path);
  }
});

test('build-tiles rewrites the sidecars of an existing file: the same pre-aggregates as the build', async () => {
  const dir = join(root, 'rebuilt');
  mkdirSync(dir);
  for (const f of ['sites.fgb', 'sites.fgb.ids']) copyFileSync(join(root, 'view', f), join(dir, f));
  const points = await rebuildTileSidecars(join(dir, 'sites.fgb'), fixtureDefinition, { ...SPEC, latestOf: 'annee' });
  assert.equal(points, N);
  for (const [built, rebuilt] of [
    [join(root, 'view', 'sites.fgb.tiles'), join(dir, 'sites.fgb.tiles')],
    [viewSidecar(join(root, 'view', 'sites.fgb'), { property: 'annee', value: 2021 }), viewSidecar(join(dir, 'sites.fgb'), { property: 'annee', value: 2021 })],
  ]) {
    const a = (await PreAggregates.open(join(root, 'view', 'sites.fgb'), built))!;
    const b = (await PreAggregates.open(join(dir, 'sites.fgb'), rebuilt))!;
    for (const [tms, z, row, col] of denseTiles(a)) {
      assert.equal(b.count(tms, z, row, col), a.count(tms, z, row, col));
      const [ca, cb] = [await a.cells(tms, z, row, col), await b.cells(tms, z, row, col)];
      assert.deepEqual([...cb.cell], [...ca.cell]);
      assert.deepEqual([...cb.count], [...ca.count]);
      ca.sum.forEach((v, i) => assert.ok(Math.abs(v - cb.sum[i]) <= 1e-6 * Math.max(1, Math.abs(v))));
    }
  }
});

test('viewOf: one value of one property, or one calendar year of a year-valued collection, nothing else', () => {
  const definition = fixtureDefinition;
  const year = (a: string, b: string) => ({ start: Date.parse(a), end: Date.parse(b) });
  assert.deepEqual(viewOf({ definition, datetime: year('2021-01-01T00:00:00Z', '2021-12-31T23:59:59Z') }), { property: 'annee', value: 2021 });
  assert.deepEqual(viewOf({ definition, equals: { usage: ['AEP'] } }), { property: 'usage', value: 'AEP' });
  assert.equal(viewOf({ definition, datetime: year('2020-12-31T00:00:00Z', '2021-01-02T00:00:00Z') }), undefined);
  assert.equal(viewOf({ definition, datetime: { start: Date.parse('2021-01-01T00:00:00Z'), end: null } }), undefined);
  assert.equal(viewOf({ definition, equals: { usage: ['AEP', 'IRR'] } }), undefined);
  assert.equal(viewOf({ definition, equals: { usage: ['AEP'], annee: [2021] } }), undefined);
  assert.equal(viewOf({ definition, datetime: year('2021-01-01T00:00:00Z', '2021-12-31T23:59:59Z'), equals: { usage: ['AEP'] } }), undefined);
});

async function mvt(app: Express, path: string): Promise<{ body: Buffer }> {
  const res = await request(app).get(path).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  assert.equal(res.status, 200, path);
  return { body: res.body as Buffer };
}
