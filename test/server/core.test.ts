import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { buildFixture, fixtureDefinition, fixtureRecords } from '../fixtures.js';

let app: Express;
let catalog: Catalog;
const records = fixtureRecords();

before(async () => {
  const dir = await buildFixture();
  catalog = await openCatalog(dir, [fixtureDefinition]);
  app = createApp({ info: { title: 'Test', description: 'Service de test' }, catalog: () => catalog });
});
after(() => catalog.close());

function ogcError(res: request.Response, status: number, mention: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers['content-type'], /application\/json/);
  assert.equal(typeof res.body.code, 'string');
  assert.ok(res.body.description.includes(mention), `description "${res.body.description}" should mention ${mention}`);
}

describe('landing, conformance, api', () => {
  it('landing page links to api, conformance and data', async () => {
    const res = await request(app).get('/').expect(200);
    const rels = res.body.links.map((l: any) => l.rel);
    for (const rel of ['self', 'alternate', 'service-desc', 'service-doc', 'conformance', 'data']) assert.ok(rels.includes(rel), rel);
    assert.equal(res.body.title, 'Test');
    assert.ok(res.body.links.every((l: any) => l.href.startsWith('http://127.0.0.1')));
  });
  it('conformance declares core, geojson, html, oas30', async () => {
    const res = await request(app).get('/conformance').expect(200);
    for (const c of ['core', 'geojson', 'html', 'oas30']) {
      assert.ok(res.body.conformsTo.includes(`http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/${c}`), c);
    }
  });
  it('api is an OpenAPI 3.0 document declaring the collection and its query parameters', async () => {
    const res = await request(app).get('/api').expect(200);
    assert.match(res.headers['content-type'], /application\/vnd\.oai\.openapi\+json/);
    const doc = JSON.parse(res.text);
    assert.equal(doc.openapi, '3.0.3');
    const names = doc.paths['/collections/sites/items'].get.parameters.map((p: any) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p).name);
    for (const n of ['limit', 'bbox', 'datetime', 'usage', 'annee']) assert.ok(names.includes(n), n);
  });
  it('html variants by f and Accept', async () => {
    const res = await request(app).get('/').set('Accept', 'text/html').expect(200);
    assert.match(res.text, /<h1>Test<\/h1>/);
    const res2 = await request(app).get('/collections?f=html').expect(200);
    assert.match(res2.text, /Sites de test/);
  });
});

describe('collections', () => {
  it('lists the collection with itemType, extents and crs', async () => {
    const res = await request(app).get('/collections').expect(200);
    assert.equal(res.body.collections.length, 1);
    const c = res.body.collections[0];
    assert.equal(c.id, 'sites');
    assert.equal(c.itemType, 'feature');
    assert.deepEqual(c.extent.spatial.bbox[0], [-1.5536, -20.8823, 55.4504, 50.6292]);
    assert.deepEqual(c.extent.temporal.interval[0], ['2019-01-01T00:00:00Z', '2021-12-31T23:59:59Z']);
    assert.ok(c.links.some((l: any) => l.rel === 'items' && l.href.endsWith('/collections/sites/items')));
  });
  it('404 for an unknown collection, with an OGC exception', async () => {
    ogcError(await request(app).get('/collections/nope'), 404, 'nope');
    ogcError(await request(app).get('/collections/nope/items'), 404, 'nope');
  });
});

describe('items', () => {
  it('default page: 10 features, numberMatched, numberReturned, timeStamp, links', async () => {
    const res = await request(app).get('/collections/sites/items').expect(200);
    assert.match(res.headers['content-type'], /application\/geo\+json/);
    assert.equal(res.body.type, 'FeatureCollection');
    assert.equal(res.body.features.length, 10);
    assert.equal(res.body.numberMatched, 30);
    assert.equal(res.body.numberReturned, 10);
    assert.ok(!Number.isNaN(Date.parse(res.body.timeStamp)));
    const rels = res.body.links.map((l: any) => l.rel);
    assert.ok(rels.includes('self') && rels.includes('alternate') && rels.includes('next'));
    assert.ok(!rels.includes('prev'));
  });
  it('paging with next links visits every feature exactly once and keeps other parameters', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/collections/sites/items?limit=7&usage=AEP,IRR';
    while (url) {
      const res: request.Response = await request(app).get(url).expect(200);
      seen.push(...res.body.features.map((f: any) => f.id));
      const next = res.body.links.find((l: any) => l.rel === 'next');
      if (next) assert.match(next.href, /usage=AEP%2CIRR/);
      url = next ? new URL(next.href).pathname + new URL(next.href).search : undefined;
    }
    const expected = records.filter((r) => r.usage !== 'IND').map((r) => r.code);
    assert.deepEqual([...seen].sort(), expected.sort());
  });
  it('prev link on later pages', async () => {
    const res = await request(app).get('/collections/sites/items?limit=5&offset=10').expect(200);
    const prev = res.body.links.find((l: any) => l.rel === 'prev');
    assert.match(prev.href, /offset=5/);
  });
  it('limit above the maximum is clamped, not refused', async () => {
    const res = await request(app).get('/collections/sites/items?limit=100000').expect(200);
    assert.equal(res.body.numberReturned, 30);
  });
  it('bbox selects features inside (Paris area)', async () => {
    const res = await request(app).get('/collections/sites/items?bbox=2.2,48.7,2.5,49.0').expect(200);
    assert.equal(res.body.numberMatched, 3);
    assert.ok(res.body.features.every((f: any) => f.properties.nom === 'Paris'));
    const six = await request(app).get('/collections/sites/items?bbox=2.2,48.7,0,2.5,49.0,100').expect(200);
    assert.equal(six.body.numberMatched, 3);
  });
  it('datetime: instant, closed and open intervals on the year property', async () => {
    const cases: [string, number][] = [['2020-06-01', 10], ['2019-01-01/2019-12-31', 10], ['2020-01-01/..', 20], ['../2019-06-30', 10], ['2018-01-01T00:00:00Z/2018-12-31T00:00:00Z', 0]];
    for (const [value, expected] of cases) {
      const res = await request(app).get(`/collections/sites/items?datetime=${encodeURIComponent(value)}`).expect(200);
      assert.equal(res.body.numberMatched, expected, value);
    }
  });
  it('property filters as query parameters, typed, comma = one of', async () => {
    let res = await request(app).get('/collections/sites/items?usage=AEP&annee=2020&limit=100').expect(200);
    const expected = records.filter((r) => r.usage === 'AEP' && r.annee === 2020).map((r) => r.code);
    assert.deepEqual(res.body.features.map((f: any) => f.id).sort(), expected.sort());
    assert.equal(res.body.numberMatched, expected.length);
    res = await request(app).get('/collections/sites/items?nom=Lyon,Lille&actif=true').expect(200);
    assert.equal(res.body.numberMatched, records.filter((r) => ['Lyon', 'Lille'].includes(r.nom) && r.actif).length);
    res = await request(app).get('/collections/sites/items?tags=Bes').expect(200);
    assert.equal(res.body.numberMatched, 3);
  });
  it('a feature carries its id, geometry and all properties', async () => {
    const res = await request(app).get('/collections/sites/items?nom=Besan%C3%A7on&annee=2021').expect(200);
    const f = res.body.features[0];
    assert.equal(f.id, 'S026');
    assert.deepEqual(f.geometry, { type: 'Point', coordinates: [6.0241, 47.238] });
    assert.deepEqual(f.properties, { code: 'S026', nom: 'Besançon', annee: 2021, volume: 357594, usage: 'IND', actif: true, tags: ['IND', 'Bes'] });
  });
  it('null values stay null', async () => {
    const res = await request(app).get('/collections/sites/items/S029').expect(200);
    assert.equal(res.body.properties.volume, null);
  });
  it('html page with a map and a table', async () => {
    const res = await request(app).get('/collections/sites/items?f=html&limit=5').expect(200);
    assert.match(res.headers['content-type'], /text\/html/);
    assert.match(res.text, /\/assets\/web\/leaflet-map\.js/);
    assert.equal((res.text.match(/<tr><td><a /g) ?? []).length, 5);
  });
});

describe('feature', () => {
  it('by id, with self and collection links', async () => {
    const res = await request(app).get('/collections/sites/items/S004').expect(200);
    assert.equal(res.body.id, 'S004');
    assert.equal(res.body.properties.nom, 'Lyon');
    assert.ok(res.body.links.some((l: any) => l.rel === 'collection'));
    const html = await request(app).get('/collections/sites/items/S004?f=html').expect(200);
    assert.match(html.text, /Lyon/);
  });
  it('404 for an unknown feature', async () => {
    ogcError(await request(app).get('/collections/sites/items/S999'), 404, 'S999');
  });
});

describe('errors: 4xx with {code, description} naming the parameter', () => {
  const cases: [string, number, string][] = [
    ['/collections/sites/items?limit=abc', 400, 'limit'],
    ['/collections/sites/items?limit=0', 400, 'limit'],
    ['/collections/sites/items?limit=-5', 400, 'limit'],
    ['/collections/sites/items?offset=x', 400, 'offset'],
    ['/collections/sites/items?bbox=1,2,3', 400, 'bbox'],
    ['/collections/sites/items?bbox=a,b,c,d', 400, 'bbox'],
    ['/collections/sites/items?bbox=0,50,1,40', 400, 'bbox'],
    ['/collections/sites/items?datetime=yesterday', 400, 'datetime'],
    ['/collections/sites/items?datetime=2020-02-30', 400, 'datetime'],
    ['/collections/sites/items?datetime=../..', 400, 'datetime'],
    ['/collections/sites/items?datetime=2021-01-01/2020-01-01', 400, 'datetime'],
    ['/collections/sites/items?annee=deux', 400, 'annee'],
    ['/collections/sites/items?actif=oui', 400, 'actif'],
    ['/collections/sites/items?colour=red', 400, 'colour'],
    ['/collections/sites/items?limit=1&limit=2', 400, 'limit'],
    ['/collections?foo=1', 400, 'foo'],
    ['/collections/sites/items?f=xml', 406, 'json'],
    ['/nowhere', 404, '/nowhere'],
  ];
  for (const [url, status, mention] of cases) {
    it(`${url} → ${status}`, async () => ogcError(await request(app).get(url), status, mention));
  }
  it('406 when Accept names nothing offered', async () => {
    ogcError(await request(app).get('/collections/sites/items').set('Accept', 'image/png'), 406, 'json');
  });
});
