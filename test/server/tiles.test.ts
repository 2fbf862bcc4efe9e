// OGC API – Tiles over HTTP: documents, MVT content at the expected pixel, caching headers, errors,
// filters, dataset tiles, style and map page; the 500 KB cap on dense data (300,000 random points
// and the domain's default dataset). Every fixture is built by code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, defaultParts } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { ColumnType, FlatGeobufWriter } from '../../server/providers/flatgeobuf/writer.js';
import { TileCache } from '../../server/routes/tiles.js';
import { lonLatToTile } from '../../server/tiles/index.js';
import type { CollectionDefinition } from '../../server/types.js';
import { buildCollections } from '../../collections/build.js';
import { buildFixture, CITIES, fixtureDefinition } from '../fixtures.js';
import { crs84Tile, decode, expectedPixel, layerFeatures, mercatorTile, rng } from '../tiles/helpers.js';

const MVT = 'application/vnd.mapbox-vector-tile';
const TILESETS_REL = 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector';
/** Metropolitan France, for the size checks. */
const FRANCE = { minX: -5.5, minY: 41, maxX: 10, maxY: 51.5 };

/** A second point layer without time, and a collection without geometry. */
const stations: CollectionDefinition = {
  id: 'stations', title: 'Stations', description: 'Sans dimension temporelle', source: 'stations.fgb', idProperties: ['code'], geometryType: 'Point',
  properties: [{ name: 'code', type: 'string', title: 'Code' }, { name: 'kind', type: 'string', title: 'Genre' }],
};
const notes: CollectionDefinition = {
  id: 'notes', title: 'Notes', description: 'Sans géométrie', source: 'notes.fgb', idProperties: ['code'], geometryType: null,
  properties: [{ name: 'code', type: 'string', title: 'Code' }],
};

function get(app: Express, path: string) {
  return request(app).get(path).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

/** Tiles of zoom z covering a rectangle (closed formula, not the server's). */
function* tilesOver(z: number, r: typeof FRANCE): Generator<[number, number]> {
  const [x0, y0] = mercatorTile(r.minX, r.maxY, z).map(Math.floor);
  const [x1, y1] = mercatorTile(r.maxX, r.minY, z).map(Math.floor);
  for (let row = y0; row <= y1; row++) for (let col = x0; col <= x1; col++) yield [row, col];
}

/** Requests every tile of zooms 0–8 over France at each path prefix; returns the largest size. */
async function largestTile(app: Express, prefixes: string[]): Promise<{ largest: number; tiles: number; filled: number }> {
  let largest = 0, tiles = 0, filled = 0;
  for (let z = 0; z <= 8; z++) {
    for (const [row, col] of tilesOver(z, FRANCE)) {
      for (const prefix of prefixes) {
        const res = await get(app, `${prefix}/WebMercatorQuad/${z}/${row}/${col}`);
        assert.ok(res.status === 200 || res.status === 204, `${prefix} ${z}/${row}/${col} → ${res.status}`);
        const size = res.status === 200 ? (res.body as Buffer).length : 0;
        assert.ok(size <= 500_000, `${prefix} ${z}/${row}/${col}: ${size} bytes`);
        largest = Math.max(largest, size);
        tiles++;
        if (size) filled++;
      }
    }
  }
  return { largest, tiles, filled };
}

describe('OGC API – Tiles over the fixture', () => {
  let app: Express;
  let catalog: Catalog;
  before(async () => {
    const dir = await buildFixture();
    await buildCollections(dir, [
      { definition: stations, records: CITIES.map(([nom, lon, lat], i) => ({ properties: { code: `ST${i}`, kind: nom }, lon, lat })) },
      { definition: notes, records: [{ properties: { code: 'N1' }, lon: null, lat: null }] },
    ]);
    catalog = await openCatalog(dir, [fixtureDefinition, stations, notes]);
    app = createApp({
      info: { title: 'T', description: 'Tiles' }, catalog: () => catalog,
      parts: defaultParts({ sumProperty: { sites: 'volume' }, maxZoom: 14, style: [{ collection: 'sites', colorProperty: 'usage', colors: { AEP: '#0000ff', IRR: '#00ff00' } }] }),
    });
  });
  after(() => catalog.close());

  // Paris in WebMercatorQuad at z=9, by the closed formula.
  const Z = 9;
  const [, lonParis, latParis] = CITIES[0];
  const paris = expectedPixel(mercatorTile(lonParis, latParis, Z));
  const parisTile = `${Z}/${paris.row}/${paris.col}`;

  it('conformance, landing links, tile matrix sets, collection links', async () => {
    const conf = (await request(app).get('/conformance').expect(200)).body.conformsTo as string[];
    for (const c of ['core', 'tileset', 'tilesets-list', 'geodata-tilesets', 'dataset-tilesets', 'mvt']) {
      assert.ok(conf.includes(`http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/${c}`), c);
    }
    const landing = (await request(app).get('/?f=json').expect(200)).body.links as { rel: string; href: string }[];
    assert.ok(landing.some((l) => l.rel === 'http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes' && l.href.endsWith('/tileMatrixSets')));
    assert.ok(landing.some((l) => l.rel === TILESETS_REL && l.href.endsWith('/tiles')));
    const sets = (await request(app).get('/tileMatrixSets').expect(200)).body;
    assert.deepEqual(sets.tileMatrixSets.map((t: { id: string }) => t.id).sort(), ['WebMercatorQuad', 'WorldCRS84Quad']);
    const wmq = (await request(app).get('/tileMatrixSets/WebMercatorQuad').expect(200)).body;
    assert.equal(wmq.tileMatrices[0].matrixWidth, 1);
    assert.equal(wmq.tileMatrices[3].matrixHeight, 8);
    await request(app).get('/tileMatrixSets/NoSuch').expect(404);
    const sites = (await request(app).get('/collections/sites').expect(200)).body;
    assert.ok(sites.links.some((l: { rel: string; href: string }) => l.rel === TILESETS_REL && l.href.endsWith('/collections/sites/tiles')));
    const noGeometry = (await request(app).get('/collections/notes').expect(200)).body;
    assert.ok(!noGeometry.links.some((l: { rel: string }) => l.rel === TILESETS_REL));
    await request(app).get('/collections/notes/tiles').expect(404);
    const api = (await request(app).get('/api').expect(200)).body;
    assert.ok(api.paths['/collections/sites/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}']);
    assert.ok(api.paths['/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}']);
  });

  it('tilesets list, tileset metadata with tileMatrixSetLimits, TileJSON 3.0', async () => {
    const list = (await request(app).get('/collections/sites/tiles').expect(200)).body;
    assert.equal(list.tilesets.length, 2);
    const wmqSet = list.tilesets.find((t: { tileMatrixSetURI: string }) => t.tileMatrixSetURI.endsWith('/WebMercatorQuad'));
    assert.ok(wmqSet.links.some((l: { rel: string; href: string }) => l.rel === 'self' && l.href.endsWith('/collections/sites/tiles/WebMercatorQuad')));
    const ts = (await request(app).get('/collections/sites/tiles/WebMercatorQuad').expect(200)).body;
    assert.equal(ts.dataType, 'vector');
    assert.equal(ts.tileMatrixSetLimits.length, 15); // zooms 0..14
    const limits = ts.tileMatrixSetLimits.find((l: { tileMatrix: string }) => l.tileMatrix === String(Z));
    for (const [, lon, lat] of CITIES) {
      const { row, col } = expectedPixel(mercatorTile(lon, lat, Z));
      assert.ok(row >= limits.minTileRow && row <= limits.maxTileRow && col >= limits.minTileCol && col <= limits.maxTileCol, `${lon},${lat}`);
    }
    const item = ts.links.find((l: { rel: string }) => l.rel === 'item');
    assert.equal(item.type, MVT);
    assert.match(item.href, /\/collections\/sites\/tiles\/WebMercatorQuad\/\{tileMatrix\}\/\{tileRow\}\/\{tileCol\}$/);
    assert.deepEqual(ts.layers.map((l: { id: string }) => l.id), ['sites']);
    assert.ok(ts.layers[0].propertiesSchema.properties.volume_sum);
    const tj = (await request(app).get('/collections/sites/tiles/WebMercatorQuad?f=tilejson').expect(200)).body;
    assert.equal(tj.tilejson, '3.0.0');
    assert.match(tj.tiles[0], /\/collections\/sites\/tiles\/WebMercatorQuad\/\{z\}\/\{y\}\/\{x\}$/);
    assert.deepEqual([tj.minzoom, tj.maxzoom], [0, 14]);
    assert.equal(tj.bounds.length, 4);
    assert.equal(tj.vector_layers[0].id, 'sites');
    assert.equal(tj.vector_layers[0].fields.annee, 'Number');
    const dataset = (await request(app).get('/tiles/WebMercatorQuad').expect(200)).body;
    assert.deepEqual(dataset.layers.map((l: { id: string }) => l.id), ['sites', 'stations']);
    assert.ok(dataset.links.some((l: { rel: string }) => l.rel === 'dataset'));
    assert.equal((await request(app).get('/tiles').expect(200)).body.tilesets.length, 2);
    await request(app).get('/tiles/WorldCRS84Quad?f=tilejson').expect(406);
  });

  it('a tile puts Paris at the pixel given by the closed formula, with its properties', async () => {
    const res = await get(app, `/collections/sites/tiles/WebMercatorQuad/${parisTile}`).expect(200);
    assert.equal(res.headers['content-type'], MVT);
    const features = layerFeatures(res.body, 'sites');
    assert.equal(features.length, 3); // 2019, 2020, 2021
    for (const f of features) {
      const [[p]] = f.loadGeometry();
      assert.ok(Math.abs(p.x - paris.px) <= 1 && Math.abs(p.y - paris.py) <= 1, `${p.x},${p.y} vs ${paris.px},${paris.py}`);
      assert.equal(f.properties.nom, 'Paris');
    }
    assert.deepEqual(features.map((f) => f.properties.annee).sort(), [2019, 2020, 2021]);
    // WorldCRS84Quad: the same point, by its own closed formula.
    const c = expectedPixel(crs84Tile(lonParis, latParis, 6));
    const crs84 = layerFeatures((await get(app, `/collections/sites/tiles/WorldCRS84Quad/6/${c.row}/${c.col}`).expect(200)).body, 'sites');
    const [[q]] = crs84[0].loadGeometry();
    assert.ok(Math.abs(q.x - c.px) <= 1 && Math.abs(q.y - c.py) <= 1, `${q.x},${q.y} vs ${c.px},${c.py}`);
  });

  it('ETag and 304 on If-None-Match, Cache-Control, 204 for an empty tile', async () => {
    const path = `/collections/sites/tiles/WebMercatorQuad/${parisTile}`;
    const first = await get(app, path).expect(200);
    const etag = first.headers.etag;
    assert.match(etag, /^"[^"]+"$/);
    assert.match(first.headers['cache-control'], /^public, max-age=\d+$/);
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await request(app).get(path).set('If-None-Match', header).expect(304);
      assert.equal(res.headers.etag, etag);
    }
    await get(app, path).set('If-None-Match', '"other"').expect(200);
    assert.notEqual((await get(app, `${path}?annee=2019`)).headers.etag, etag);
    const empty = await request(app).get('/collections/sites/tiles/WebMercatorQuad/9/0/0').expect(204);
    assert.ok(empty.headers.etag);
    assert.equal(empty.text ?? '', '');
  });

  it('404 outside the matrix, 400 for a non-integer index or unknown parameter, 404 for an unknown set', async () => {
    for (const t of ['2/4/0', '2/0/4', '2/9/0', '30/0/0', '0/0/99999999999999999999']) {
      const res = await request(app).get(`/collections/sites/tiles/WebMercatorQuad/${t}`).expect(404);
      assert.equal(res.body.code, 'NotFound');
      assert.equal(typeof res.body.description, 'string');
    }
    for (const [t, name] of [['x/0/0', 'tileMatrix'], ['1/-1/0', 'tileRow'], ['1/0/1.5', 'tileCol']]) {
      const res = await request(app).get(`/collections/sites/tiles/WebMercatorQuad/${t}`).expect(400);
      assert.equal(res.body.code, 'InvalidParameterValue');
      assert.match(res.body.description, new RegExp(name));
    }
    await request(app).get('/collections/sites/tiles/WebMercatorQuad/0/0/0?foo=1').expect(400);
    await request(app).get('/collections/sites/tiles/WebMercatorQuad/0/0/0?annee=abc').expect(400);
    await request(app).get('/collections/sites/tiles/WebMercatorQuad/0/0/0?datetime=2019-13-01').expect(400);
    await request(app).get('/collections/sites/tiles/WebMercatorQuad/0/0/0?f=png').expect(406);
    await request(app).get('/collections/sites/tiles?foo=1').expect(400);
    await request(app).get('/collections/sites/tiles/NoSuchTms/0/0/0').expect(404);
    await request(app).get('/collections/nowhere/tiles/WebMercatorQuad/0/0/0').expect(404);
    await request(app).get('/tiles/NoSuchTms').expect(404);
  });

  it('datetime, property filters and CQL2 apply to tiles', async () => {
    const path = `/collections/sites/tiles/WebMercatorQuad/${parisTile}`;
    const of2019 = layerFeatures((await get(app, `${path}?datetime=2019-01-01/2019-12-31`).expect(200)).body, 'sites');
    assert.deepEqual(of2019.map((f) => f.properties.annee), [2019]);
    // A whole-world tile of 2019 has only 2019 features, one per city.
    const world = layerFeatures((await get(app, '/collections/sites/tiles/WebMercatorQuad/0/0/0?datetime=2019-06-30').expect(200)).body, 'sites');
    assert.equal(world.length, CITIES.length);
    assert.ok(world.every((f) => f.properties.annee === 2019));
    const irr = layerFeatures((await get(app, `${path}?usage=IRR`).expect(200)).body, 'sites');
    assert.deepEqual(irr.map((f) => f.properties.usage), ['IRR']);
    const cql = layerFeatures((await get(app, `${path}?filter=${encodeURIComponent('annee >= 2020')}`).expect(200)).body, 'sites');
    assert.equal(cql.length, 2);
    await request(app).get(`${path}?datetime=2030-01-01`).expect(204);
  });

  it('dataset tiles have one layer per spatial collection; filters leave out layers that cannot match', async () => {
    const res = await get(app, `/tiles/WebMercatorQuad/${parisTile}`).expect(200);
    const layers = decode(res.body).layers;
    assert.deepEqual(Object.keys(layers).sort(), ['sites', 'stations']);
    assert.equal(layers.sites.length, 3);
    assert.equal(layers.stations.length, 1);
    const dated = decode((await get(app, `/tiles/WebMercatorQuad/${parisTile}?datetime=2021-06-30`).expect(200)).body).layers;
    assert.deepEqual(Object.keys(dated), ['sites']);
    const kind = decode((await get(app, `/tiles/WebMercatorQuad/${parisTile}?kind=Paris`).expect(200)).body).layers;
    assert.deepEqual(Object.keys(kind), ['stations']);
    await request(app).get(`/tiles/WebMercatorQuad/${parisTile}?nothing=1`).expect(400);
  });

  it('/styles/default: MapLibre style without external resources; /map and ?f=html pages', async () => {
    const style = (await request(app).get('/styles/default').expect(200)).body;
    assert.equal(style.version, 8);
    assert.equal(style.glyphs, undefined);
    assert.equal(style.sprite, undefined);
    assert.match(style.sources.tiles.url, /\/tiles\/WebMercatorQuad\?f=tilejson$/);
    assert.ok(style.layers.every((l: { type: string }) => l.type === 'circle' || l.type === 'background'));
    const clusters = style.layers.find((l: { id: string }) => l.id === 'sites-clusters');
    assert.deepEqual(clusters.filter, ['==', ['get', 'cluster'], true]);
    assert.match(JSON.stringify(clusters.paint['circle-radius']), /point_count/);
    const points = style.layers.find((l: { id: string }) => l.id === 'sites-points');
    assert.deepEqual(points.paint['circle-color'].slice(0, 4), ['match', ['get', 'usage'], 'AEP', '#0000ff']);
    const one = (await request(app).get('/styles/default?collection=stations').expect(200)).body;
    assert.match(one.sources.tiles.url, /\/collections\/stations\/tiles\/WebMercatorQuad\?f=tilejson$/);
    assert.deepEqual(one.layers.map((l: { 'source-layer'?: string }) => l['source-layer']).filter(Boolean), ['stations', 'stations']);
    const tj = (await request(app).get('/tiles/WebMercatorQuad?f=tilejson').expect(200)).body;
    assert.deepEqual(tj.vector_layers.map((l: { id: string }) => l.id), ['sites', 'stations']);
    const map = await request(app).get('/map').expect(200);
    // The page's script is its own asset (/assets/web/map.js), which imports MapLibre from the server.
    assert.match(map.text, /<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/assets\/web\/map\.js">/, 'drawn by a script file (CSP)');
    assert.doesNotMatch(map.text, /<script>|\son[a-z]+=/i, 'no inline code');
    const script = (await request(app).get('/assets/web/map.js').expect(200)).text;
    assert.match(script, /\.\.\/maplibre\/maplibre-gl\.mjs/);
    assert.match(script, /__mapLoaded = true/);
    // Nothing loaded from another host.
    const hosts = [...map.text.matchAll(/https?:\/\/[^/"'\s]+/g)].map((m) => m[0]);
    assert.ok(hosts.every((h) => h.startsWith('http://127.0.0.1')), hosts.join(' '));
    await request(app).get('/assets/maplibre/maplibre-gl.mjs').expect(200);
    await request(app).get('/assets/maplibre/maplibre-gl-worker.mjs').expect(200);
    const html = await request(app).get('/collections/sites/tiles?f=html').expect(200);
    assert.match(html.headers['content-type'], /text\/html/);
    assert.match(html.text, /styles\/default\?collection=sites/);
  });

  it('the tile cache is bounded in bytes, empty tiles included', () => {
    const cache = new TileCache(10_000);
    for (let i = 0; i < 1000; i++) cache.set(`k${i}`, new Uint8Array(i % 2 ? 0 : 500));
    assert.ok(cache.size.bytes <= 10_000 && cache.size.entries < 100, JSON.stringify(cache.size));
    assert.ok(cache.get('k999') && !cache.get('k0'));
  });
});

describe('500 KB cap on 300,000 random points', () => {
  const N = 300_000;
  let app: Express;
  let catalog: Catalog;
  let totalVolume = 0;
  const dense: CollectionDefinition = {
    id: 'dense', title: 'Dense', description: '300 000 points', source: 'dense.fgb', idProperties: ['code'], geometryType: 'Point',
    properties: [{ name: 'code', type: 'string', title: 'Code' }, { name: 'volume', type: 'number', title: 'Volume' }, { name: 'nom', type: 'string', title: 'Nom' }],
  };
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiles-dense-'));
    const writer = new FlatGeobufWriter(join(dir, dense.source), {
      name: 'dense', geometryType: 'Point', ids: true,
      columns: [{ name: 'code', type: ColumnType.String }, { name: 'volume', type: ColumnType.Double }, { name: 'nom', type: ColumnType.String }],
    });
    const r = rng(7);
    for (let i = 0; i < N; i++) {
      // Half spread over France, half packed around Lyon: z8 tiles with ~100,000 points.
      const [lon, lat] = i % 2 ? [FRANCE.minX + r() * 15, 42.3 + r() * 8.7] : [4.835 + (r() - 0.5) * 0.6, 45.76 + (r() - 0.5) * 0.4];
      const volume = Math.floor(r() * 1000);
      totalVolume += volume;
      writer.add({ code: `D${i}`, volume, nom: `Point de prélèvement numéro ${i}` }, { type: 'Point', coordinates: [lon, lat] }, `D${i}`);
    }
    writer.finish();
    catalog = await openCatalog(dir, [dense]);
    app = createApp({ info: { title: 'T', description: 'Dense' }, catalog: () => catalog, parts: defaultParts({ sumProperty: { dense: 'volume' } }) });
  });
  after(() => catalog.close());

  it('clusters keep every point and the summed volume at z0', async () => {
    const features = layerFeatures((await get(app, '/collections/dense/tiles/WebMercatorQuad/0/0/0').expect(200)).body, 'dense');
    assert.ok(features.length < 5000 && features.some((f) => f.properties.cluster === true));
    const count = features.reduce((n, f) => n + (f.properties.cluster ? Number(f.properties.point_count) : 1), 0);
    const volume = features.reduce((n, f) => n + Number(f.properties.cluster ? f.properties.volume_sum : f.properties.volume), 0);
    assert.equal(count, N);
    assert.equal(volume, totalVolume);
  });

  it('no tile over France exceeds 500,000 bytes at zooms 0–8', { timeout: 600_000 }, async () => {
    const { largest, tiles, filled } = await largestTile(app, ['/collections/dense/tiles']);
    assert.ok(tiles > 150 && filled > 150 && largest > 50_000, `${tiles} tiles, ${filled} filled, largest ${largest} bytes`);
  });
});

describe('500 KB cap on the domain default dataset (scale 0.02)', () => {
  let app: Express;
  let catalog: Catalog;
  before(async () => {
    // Imported here: the domain (generator, definitions) is only needed by this suite.
    const { buildDefaultDataset } = await import('../../collections/dataset.js');
    const { collections } = await import('../../collections/definitions/index.js');
    const { domainParts } = await import('../../collections/parts.js');
    const dir = mkdtempSync(join(tmpdir(), 'tiles-domain-'));
    await buildDefaultDataset(dir, 0.02);
    catalog = await openCatalog(dir, collections);
    app = createApp({ info: { title: 'Domaine', description: 'Prélèvements' }, catalog: () => catalog, parts: domainParts() });
  });
  after(() => catalog?.close());

  it('no points_prelevement or dataset tile over France exceeds 500,000 bytes at zooms 0–8', { timeout: 600_000 }, async () => {
    const { largest, tiles, filled } = await largestTile(app, ['/collections/points_prelevement/tiles', '/tiles']);
    assert.ok(tiles > 300 && filled > 100 && largest > 0, `${tiles} tiles, ${filled} filled, largest ${largest} bytes`);
  });

  it('the style colours chroniques by usage and sums volumes in clusters', async () => {
    const { USAGE_COLORS } = await import('../../collections/style.js');
    const style = (await request(app).get('/styles/default').expect(200)).body;
    const points = style.layers.find((l: { id: string }) => l.id === 'chroniques-points');
    assert.deepEqual(points.paint['circle-color'].slice(0, 2), ['match', ['get', 'code_usage']]);
    assert.equal(points.paint['circle-color'][3], USAGE_COLORS.AEP);
    const [col, row] = lonLatToTile('WebMercatorQuad', 2, 2.5, 46.6).map(Math.floor);
    const features = layerFeatures((await get(app, `/collections/chroniques/tiles/WebMercatorQuad/2/${row}/${col}`).expect(200)).body, 'chroniques');
    assert.ok(features.some((f) => f.properties.cluster === true && Number(f.properties.volume_sum) > 0));
  });
});
