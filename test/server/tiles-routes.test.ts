import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type { Express } from 'express';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { buildFixture, fixtureDefinition } from '../fixtures.js';

let app: Express;
let catalog: Catalog;
before(async () => {
  catalog = await openCatalog(await buildFixture(), [fixtureDefinition]);
  app = createApp({ info: { title: 'T', description: 'Tiles' }, catalog: () => catalog });
});
after(() => catalog.close());

// Paris in WebMercatorQuad at z=9, by the closed formulas.
const Z = 9;
const n = 2 ** Z;
const fx = ((2.3522 + 180) / 360) * n;
const lat = (48.8566 * Math.PI) / 180;
const fy = ((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * n;
const [col, row] = [Math.floor(fx), Math.floor(fy)];

function decode(body: Buffer) {
  return new VectorTile(new PbfReader(body));
}

async function tile(path: string) {
  return request(app).get(path).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

describe('OGC API – Tiles', () => {
  it('declares conformance, tile matrix sets and tilesets', async () => {
    const conf = await request(app).get('/conformance').expect(200);
    assert.ok(conf.body.conformsTo.includes('http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt'));
    const sets = await request(app).get('/tileMatrixSets').expect(200);
    assert.deepEqual(sets.body.tileMatrixSets.map((t: any) => t.id).sort(), ['WebMercatorQuad', 'WorldCRS84Quad']);
    const wmq = await request(app).get('/tileMatrixSets/WebMercatorQuad').expect(200);
    assert.equal(wmq.body.tileMatrices[0].matrixWidth, 1);
    const c = await request(app).get('/collections/sites').expect(200);
    assert.ok(c.body.links.some((l: any) => l.rel === 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector'));
    const ts = await request(app).get('/collections/sites/tiles/WebMercatorQuad').expect(200);
    assert.ok(ts.body.tileMatrixSetLimits.length > 0);
    assert.ok(ts.body.links.some((l: any) => l.rel === 'item' && l.type === 'application/vnd.mapbox-vector-tile'));
    const tj = await request(app).get('/collections/sites/tiles/WebMercatorQuad?f=tilejson').expect(200);
    assert.equal(tj.body.tilejson, '3.0.0');
    assert.equal(tj.body.vector_layers[0].id, 'sites');
  });

  it('a tile puts Paris at its pixel, with its properties', async () => {
    const res = await tile(`/collections/sites/tiles/WebMercatorQuad/${Z}/${row}/${col}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.mapbox-vector-tile');
    const layer = decode(res.body).layers.sites;
    assert.equal(layer.length, 3);
    const feature = layer.feature(0);
    const [[point]] = feature.loadGeometry();
    assert.ok(Math.abs(point.x - (fx - col) * layer.extent) <= 1 && Math.abs(point.y - (fy - row) * layer.extent) <= 1, `${point.x},${point.y}`);
    assert.equal(feature.properties.nom, 'Paris');
  });

  it('ETag and 304, Cache-Control, 204 for an empty tile, 404 outside the matrix, 400 for a bad index', async () => {
    const first = await tile(`/collections/sites/tiles/WebMercatorQuad/${Z}/${row}/${col}`);
    assert.match(first.headers['cache-control'], /max-age/);
    await request(app).get(`/collections/sites/tiles/WebMercatorQuad/${Z}/${row}/${col}`).set('If-None-Match', first.headers.etag).expect(304);
    await request(app).get(`/collections/sites/tiles/WebMercatorQuad/${Z}/0/0`).expect(204);
    const out = await request(app).get('/collections/sites/tiles/WebMercatorQuad/2/9/0').expect(404);
    assert.equal(out.body.code, 'NotFound');
    const bad = await request(app).get('/collections/sites/tiles/WebMercatorQuad/x/0/0').expect(400);
    assert.match(bad.body.description, /tileMatrix/);
    await request(app).get('/collections/sites/tiles/NoSuchTms/0/0/0').expect(404);
  });

  it('datetime, property filters and CQL2 apply to tiles', async () => {
    const only2019 = decode((await tile(`/collections/sites/tiles/WebMercatorQuad/${Z}/${row}/${col}?datetime=2019-01-01/2019-12-31`)).body).layers.sites;
    assert.equal(only2019.length, 1);
    assert.equal(only2019.feature(0).properties.annee, 2019);
    const aep = await tile(`/collections/sites/tiles/WebMercatorQuad/${Z}/${row}/${col}?usage=IRR`);
    assert.equal(decode(aep.body).layers.sites.length, 1);
    const cql = await tile(`/collections/sites/tiles/WebMercatorQuad/${Z}/${row}/${col}?filter=${encodeURIComponent('annee >= 2020')}`);
    assert.equal(decode(cql.body).layers.sites.length, 2);
  });

  it('dataset tiles have one layer per spatial collection; WorldCRS84Quad works too', async () => {
    const res = await tile(`/tiles/WebMercatorQuad/${Z}/${row}/${col}`);
    assert.deepEqual(Object.keys(decode(res.body).layers), ['sites']);
    const crs84 = await tile('/collections/sites/tiles/WorldCRS84Quad/0/0/1');
    assert.equal(crs84.status, 200);
    assert.ok(decode(crs84.body).layers.sites.length > 0);
  });
});
