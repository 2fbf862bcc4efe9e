import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { buildFixture, fixtureDefinition } from '../fixtures.js';

let app: Express;
let catalog: Catalog;
before(async () => {
  catalog = await openCatalog(await buildFixture(), [fixtureDefinition]);
  app = createApp({ info: { title: 'Test', description: 'CRS' }, catalog: () => catalog });
});
after(() => catalog.close());

const EPSG = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`;
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

describe('OGC API – Features Part 2', () => {
  it('declares the crs conformance class and lists crs/storageCrs on collections', async () => {
    const conf = await request(app).get('/conformance').expect(200);
    assert.ok(conf.body.conformsTo.includes('http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs'));
    const c = (await request(app).get('/collections/sites').expect(200)).body;
    assert.equal(c.storageCrs, CRS84);
    for (const code of [4326, 2154, 3857, 5490, 2972, 2975, 4471]) assert.ok(c.crs.includes(EPSG(code)), String(code));
    assert.equal(c.crs[0], CRS84);
  });
  it('default output is CRS84 with a Content-Crs header', async () => {
    const res = await request(app).get('/collections/sites/items/S000').expect(200);
    assert.equal(res.headers['content-crs'], `<${CRS84}>`);
    assert.deepEqual(res.body.geometry.coordinates, [2.3522, 48.8566]);
  });
  it('EPSG:4326 is latitude, longitude', async () => {
    const res = await request(app).get(`/collections/sites/items/S000?crs=${encodeURIComponent(EPSG(4326))}`).expect(200);
    assert.equal(res.headers['content-crs'], `<${EPSG(4326)}>`);
    assert.deepEqual(res.body.geometry.coordinates, [48.8566, 2.3522]);
  });
  it('Lambert-93 (QGIS-style versioned URI) puts Paris at its Lambert-93 place', async () => {
    const res = await request(app).get(`/collections/sites/items?nom=Paris&crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/9.6.2/2154')}`).expect(200);
    const [x, y] = res.body.features[0].geometry.coordinates;
    // Hôtel de Ville de Paris ≈ (652 100, 6 862 200) in Lambert-93; metres rounded to the centimetre.
    assert.ok(Math.abs(x - 652_100) < 1_000 && Math.abs(y - 6_862_200) < 1_000, `${x} ${y}`);
    assert.equal(Math.round(x * 100), x * 100);
  });
  it('bbox-crs: a Lambert-93 box around Paris selects the Paris features', async () => {
    const bbox = '640000,6850000,665000,6875000';
    const res = await request(app).get(`/collections/sites/items?bbox=${bbox}&bbox-crs=${encodeURIComponent(EPSG(2154))}`).expect(200);
    assert.equal(res.body.numberMatched, 3);
    assert.ok(res.body.features.every((f: any) => f.properties.nom === 'Paris'));
  });
  it('bbox-crs EPSG:4326 takes latitude first', async () => {
    const res = await request(app).get(`/collections/sites/items?bbox=48.7,2.2,49.0,2.5&bbox-crs=${encodeURIComponent(EPSG(4326))}`).expect(200);
    assert.equal(res.body.numberMatched, 3);
  });
  it('bbox-crs EPSG:3857 round trip', async () => {
    const R = 6378137;
    const x = (lon: number) => (R * lon * Math.PI) / 180;
    const y = (lat: number) => R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
    const bbox = [x(2.2), y(48.7), x(2.5), y(49.0)].join(',');
    const res = await request(app).get(`/collections/sites/items?bbox=${bbox}&bbox-crs=${encodeURIComponent(EPSG(3857))}&crs=${encodeURIComponent(EPSG(3857))}`).expect(200);
    assert.equal(res.body.numberMatched, 3);
    const [px, py] = res.body.features[0].geometry.coordinates;
    assert.ok(Math.abs(px - x(2.3522)) < 0.01 && Math.abs(py - y(48.8566)) < 0.01);
  });
  it('Réunion in UTM 40S (EPSG:2975)', async () => {
    const res = await request(app).get(`/collections/sites/items?nom=Saint-Denis&crs=${encodeURIComponent(EPSG(2975))}`).expect(200);
    const [x, y] = res.body.features[0].geometry.coordinates;
    assert.ok(x > 330_000 && x < 345_000 && y > 7_685_000 && y < 7_695_000, `${x} ${y}`);
  });
  it('unsupported crs and bbox-crs are 400 naming the parameter', async () => {
    for (const [url, name] of [['/collections/sites/items?crs=EPSG:9999', 'crs'], ['/collections/sites/items?bbox=1,2,3,4&bbox-crs=foo', 'bbox-crs'], ['/collections/sites/items/S000?crs=bar', 'crs']]) {
      const res = await request(app).get(url).expect(400);
      assert.equal(res.body.code, 'InvalidParameterValue');
      assert.ok(res.body.description.includes(name));
    }
  });
  it('openapi declares crs and bbox-crs', async () => {
    const doc = JSON.parse((await request(app).get('/api')).text);
    const names = doc.paths['/collections/sites/items'].get.parameters.map((p: any) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p).name);
    assert.ok(names.includes('crs') && names.includes('bbox-crs'));
  });
});
