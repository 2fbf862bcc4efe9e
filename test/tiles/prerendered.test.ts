// Low-zoom tiles of stacked areas rendered at build time (<file>.tiles-mvt): an unfiltered collection
// tile of those zooms is the very bytes the renderer makes from the data, sent without reading the
// data; filtered tiles, views, deeper zooms and a sidecar of another data version are rendered.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Polygon } from 'geojson';
import { buildCollections, type SourceRecord } from '../../collections/build.js';
import { createApp, defaultParts } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { prerenderedSidecar, resolveTms, TileRenderer, type TileMatrixSetId } from '../../server/tiles/index.js';
import { createView } from '../../server/views.js';
import { layerFeatures, ring, rng, zonesDefinition } from './helpers.js';

const definition = zonesDefinition();

function records(seed: number): SourceRecord[] {
  const r = rng(seed);
  const out: SourceRecord[] = [];
  // Areas over Europe and one in the Indian Ocean: several zoom-1 tiles hold data, others none.
  for (let a = 0; a < 40; a++) {
    const [lon, lat] = a === 0 ? [55.5, -21.1] : [-5 + 20 * r(), 42 + 10 * r()];
    const geometry: Polygon = { type: 'Polygon', coordinates: [ring(r, lon, lat, 0.5 + r())] };
    for (const annee of [2019, 2020, 2021, 2022]) {
      for (const usage of ['AEP', 'IRR']) out.push({ properties: { code: `Z${a}`, annee, usage, volume: Math.round(r() * 1e6) }, lon: null, lat: null, geometry: structuredClone(geometry) });
    }
  }
  return out;
}

let built: string;
let plain: string;
let built2: Catalog;
let plain2: Catalog;
let read = 0;

/** Counts the rows a catalog's collection reads. */
function counting(catalog: Catalog): Catalog {
  const provider = catalog.get('zones')!.provider;
  const scan = provider.scanBatches!.bind(provider);
  provider.scanBatches = async function* (...args) {
    for await (const batch of scan(...args)) { read += batch.length; yield batch; }
  };
  return catalog;
}

before(async () => {
  built = mkdtempSync(join(tmpdir(), 'prerendered-'));
  plain = mkdtempSync(join(tmpdir(), 'prerendered-plain-'));
  await buildCollections(built, [{ definition, records: records(2011), prerender: 1 }]);
  await buildCollections(plain, [{ definition, records: records(2011), prerender: null }]);
  built2 = counting(await openCatalog(built, [definition]));
  plain2 = await openCatalog(plain, [definition]);
});
after(async () => {
  await built2.close();
  await plain2.close();
  rmSync(built, { recursive: true, force: true });
  rmSync(plain, { recursive: true, force: true });
});

async function tile(catalog: Catalog, path: string, workers = 0): Promise<{ status: number; body: Buffer }> {
  const app = createApp({ info: { title: 'T', description: 'T' }, catalog: () => catalog, parts: defaultParts({ cacheBytes: 0, workers }) });
  const res = await request(app).get(path).buffer(true)
    .parse((r, cb) => { const c: Buffer[] = []; r.on('data', (d: Buffer) => c.push(d)); r.on('end', () => cb(null, Buffer.concat(c))); });
  return { status: res.status, body: res.body as Buffer };
}

const TILES: [TileMatrixSetId, number, number, number][] = [
  ['WebMercatorQuad', 0, 0, 0], ['WebMercatorQuad', 1, 0, 1], ['WebMercatorQuad', 1, 1, 1], ['WebMercatorQuad', 1, 0, 0],
  ['WorldCRS84Quad', 0, 0, 0], ['WorldCRS84Quad', 0, 0, 1], ['WorldCRS84Quad', 1, 0, 2], ['WorldCRS84Quad', 1, 1, 2], ['WorldCRS84Quad', 1, 1, 0],
];

describe('low-zoom tiles rendered at build time', () => {
  it('the build writes them only when asked (prerender), beside the file', () => {
    assert.ok(existsSync(prerenderedSidecar(join(built, 'zones.fgb'))));
    assert.ok(!existsSync(prerenderedSidecar(join(plain, 'zones.fgb'))));
  });

  it('every tile of the built zooms: the same bytes as rendered from the data (in a tile worker), and not a row read', async () => {
    let nonEmpty = 0;
    for (const [tms, z, row, col] of TILES) {
      const path = `/collections/zones/tiles/${tms}/${z}/${row}/${col}`;
      read = 0;
      const fromSidecar = await tile(built2, path);
      assert.equal(read, 0, `${path}: served from the sidecar`);
      const rendered = await tile(plain2, path, 1); // the build encodes in-process, the server in its workers
      assert.equal(fromSidecar.status, rendered.status, path);
      assert.deepEqual(fromSidecar.body, rendered.body, path);
      if (fromSidecar.status === 200) nonEmpty++;
    }
    assert.ok(nonEmpty >= 5, `${nonEmpty} tiles with data`);
    assert.equal((await tile(built2, '/collections/zones/tiles/WebMercatorQuad/1/1/0')).status, 204, 'no data there');
  });

  it('filtered tiles, views and deeper zooms are rendered from the data', async () => {
    for (const path of [
      '/collections/zones/tiles/WebMercatorQuad/0/0/0?datetime=2021-01-01/2021-12-31',
      '/collections/zones/tiles/WebMercatorQuad/0/0/0?usage=IRR',
      '/collections/zones/tiles/WebMercatorQuad/2/1/2',
    ]) {
      read = 0;
      const { status, body } = await tile(built2, path);
      assert.equal(status, 200, path);
      assert.ok(read > 0, `${path}: rendered`);
      assert.deepEqual(body, (await tile(plain2, path)).body, path);
    }
    const irr = layerFeatures((await tile(built2, '/collections/zones/tiles/WebMercatorQuad/0/0/0?usage=IRR')).body, 'zones');
    assert.ok(irr.length > 0 && irr.every((f) => f.properties.usage === 'IRR'));
    // A view (a restricted collection) over the same file: only its features, never the sidecar's.
    const view = createView(built2.get('zones')!, { id: 'zones_aep', filter: "usage = 'AEP'" });
    read = 0;
    const bytes = await new TileRenderer(0).render([{ collection: view, predicate: undefined, exact: true }], resolveTms('WebMercatorQuad'), 0, 0, 0);
    assert.ok(read > 0);
    const features = layerFeatures(bytes, 'zones_aep');
    assert.ok(features.length > 0 && features.every((f) => f.properties.usage === 'AEP'));
  });

  it('a sidecar of another data version or renderer is ignored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prerendered-stale-'));
    try {
      // Other data under the same name, with the first build's sidecar copied beside it.
      await buildCollections(dir, [{ definition, records: records(7), prerender: null }]);
      copyFileSync(prerenderedSidecar(join(built, 'zones.fgb')), prerenderedSidecar(join(dir, 'zones.fgb')));
      const stale = counting(await openCatalog(dir, [definition]));
      try {
        read = 0;
        const { body } = await tile(stale, '/collections/zones/tiles/WebMercatorQuad/0/0/0');
        assert.ok(read > 0, 'rendered from its own data');
        assert.notDeepEqual(body, (await tile(built2, '/collections/zones/tiles/WebMercatorQuad/0/0/0')).body);
      } finally { await stale.close(); }
      // The right data, a sidecar of another renderer version.
      rmSync(dir, { recursive: true, force: true });
      await buildCollections(dir, [{ definition, records: records(2011), prerender: 1 }]);
      const sidecar = prerenderedSidecar(join(dir, 'zones.fgb'));
      writeFileSync(sidecar, readFileSync(sidecar, 'latin1').replace(/"renderer":"[^"]*"/, (m) => `${m.slice(0, -2)}x"`), 'latin1');
      const other = counting(await openCatalog(dir, [definition]));
      try {
        read = 0;
        await tile(other, '/collections/zones/tiles/WebMercatorQuad/0/0/0');
        assert.ok(read > 0, 'another renderer: rendered');
      } finally { await other.close(); }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
