// Views: a fixed filter ANDed with the request's, a property subset enforced everywhere.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { parseAccessConfig } from '../../server/auth/config.js';
import { withAccess } from '../../server/auth/middleware.js';
import { createView, ViewError, ViewProvider } from '../../server/views.js';
import { baseConfig, buildAccessFixture, secretRecords, type Fixture } from './helpers.js';

let fx: Fixture;
before(async () => { fx = await buildAccessFixture(); });
after(() => fx.catalog.close());

const records = secretRecords();
const aelb = records.filter((r) => r.agence === 'AELB');
const asAlice = (url: string) => request(fx.app).get(url).set('X-API-Key', fx.keys.alice);
const anon = (url: string) => request(fx.app).get(url);

describe('numberMatched and contents of a filtered view', () => {
  it('numberMatched equals the count of features matching the view filter', async () => {
    const res = await asAlice('/collections/secrets_aelb/items?limit=3');
    assert.equal(res.body.numberMatched, aelb.length);
    assert.equal(res.body.numberReturned, 3);
    const all = await asAlice('/collections/secrets_aelb/items?limit=100');
    assert.deepEqual(all.body.features.map((f: any) => f.id).sort(), aelb.map((r) => r.code));
    assert.equal((await asAlice('/collections/secrets_aelb')).body.numberOfFeatures, aelb.length);
  });
  it('a request filter narrows the view, never widens it', async () => {
    const inside = aelb[2].code;
    const outside = records.find((r) => r.agence !== 'AELB')!.code;
    assert.equal((await asAlice(`/collections/secrets_aelb/items?filter=${encodeURIComponent(`code = '${inside}'`)}`)).body.numberMatched, 1);
    assert.equal((await asAlice(`/collections/secrets_aelb/items?filter=${encodeURIComponent(`code = '${outside}'`)}`)).body.numberMatched, 0);
    assert.equal((await asAlice(`/collections/secrets_aelb/items?filter=${encodeURIComponent("agence <> 'AELB'")}`)).body.numberMatched, 0);
    const big = aelb.filter((r) => r.montant_confidentiel > 1010).length;
    assert.equal((await asAlice('/collections/secrets_aelb/items?filter=montant_confidentiel%20%3E%201010')).body.numberMatched, big);
    assert.equal((await asAlice('/collections/secrets_aelb/items?agence=AERMC')).body.numberMatched, 0);
  });
  it('bbox with the view filter', async () => {
    const expected = aelb.filter((r) => r.lon >= 0 && r.lon <= 3 && r.lat >= 44 && r.lat <= 45).length;
    assert.equal((await asAlice('/collections/secrets_aelb/items?bbox=0,44,3,45')).body.numberMatched, expected);
  });
  it('a feature outside the view is 404 in it, its extent is its own', async () => {
    const outside = records.find((r) => r.agence !== 'AELB')!.code;
    assert.equal((await asAlice(`/collections/secrets_aelb/items/${outside}`)).status, 404);
    assert.equal((await asAlice(`/collections/secrets_aelb/items/${aelb[1].code}`)).status, 200);
    const bbox = (await asAlice('/collections/secrets_aelb')).body.extent.spatial.bbox[0];
    assert.deepEqual(bbox, [Math.min(...aelb.map((r) => r.lon)), Math.min(...aelb.map((r) => r.lat)), Math.max(...aelb.map((r) => r.lon)), Math.max(...aelb.map((r) => r.lat))]);
  });
  it('sorting works on the view', async () => {
    const res = await asAlice('/collections/secrets_aelb/items?sortby=-montant_confidentiel&limit=2');
    assert.deepEqual(res.body.features.map((f: any) => f.id), aelb.slice(-2).reverse().map((r) => r.code));
    assert.equal(res.body.numberMatched, aelb.length);
  });
});

describe('hidden properties of a public view', () => {
  it('are absent from items, single features, HTML and exports', async () => {
    for (const url of ['/collections/secrets_ouverts/items?limit=100', '/collections/secrets_ouverts/items/S005', '/collections/secrets_ouverts/items?f=html', '/collections/secrets_ouverts/items/S005?f=html']) {
      const res = await anon(url);
      assert.equal(res.status, 200, url);
      assert.ok(!res.text.includes('montant_confidentiel') && !res.text.includes('1005'), url);
    }
  });
  it('fail as unknown in filters, property parameters, properties= and sortby', async () => {
    const filter = await anon(`/collections/secrets_ouverts/items?filter=${encodeURIComponent('montant_confidentiel > 0')}`);
    assert.equal(filter.status, 400);
    assert.match(filter.body.description, /unknown property "montant_confidentiel"/);
    assert.doesNotMatch(filter.body.description.replace('"montant_confidentiel"', ''), /montant_confidentiel/, 'the queryables listed are the visible ones');
    const json = await anon(`/collections/secrets_ouverts/items?filter-lang=cql2-json&filter=${encodeURIComponent(JSON.stringify({ op: '>', args: [{ property: 'montant_confidentiel' }, 0] }))}`);
    assert.equal(json.status, 400);
    for (const url of ['/collections/secrets_ouverts/items?montant_confidentiel=1000', '/collections/secrets_ouverts/items?properties=montant_confidentiel', '/collections/secrets_ouverts/items?sortby=montant_confidentiel']) {
      assert.equal((await anon(url)).status, 400, url);
    }
  });
  it('are absent from the tiles anonymous callers get', async () => {
    const res = await anon('/tiles/WebMercatorQuad/0/0/0').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    assert.equal(res.status, 200);
    const tile = new VectorTile(new PbfReader(res.body as Buffer));
    assert.deepEqual(Object.keys(tile.layers).sort(), ['lieux', 'secrets_ouverts']);
    const layer = tile.layers.secrets_ouverts;
    for (let i = 0; i < layer.length; i++) assert.ok(!('montant_confidentiel' in layer.feature(i).properties));
  });
});

describe('view definitions', () => {
  const source = () => fx.catalog.get('secrets')!;
  it('CQL2 JSON filters work as well as text', async () => {
    const view = createView(source(), { id: 'v', filter: { op: '=', args: [{ property: 'agence' }, 'AELB'] }, properties: ['code', 'agence'] });
    assert.ok(view.provider instanceof ViewProvider);
    assert.equal((await view.provider.stats()).featuresCount, aelb.length);
    const result = await view.provider.query({ offset: 0, limit: 100, count: true });
    const ids: string[] = [];
    for await (const f of result.features) { ids.push(f.id); assert.deepEqual(Object.keys(f.properties), ['code', 'agence']); assert.equal(f.json, undefined); }
    assert.equal(await result.numberMatched(), aelb.length);
    assert.equal(ids.length, aelb.length);
    assert.notEqual((await view.provider.stats()).version, (await source().provider.stats()).version, 'caches keyed by version must not mix view and source');
  });
  it('bad views are refused when the access layer starts', () => {
    const bad = (views: Record<string, unknown>, collections?: Record<string, string>) => () =>
      withAccess(parseAccessConfig({ ...baseConfig(), keys: undefined, jwt: undefined, views, ...(collections ? { collections } : {}) }), () => fx.catalog);
    assert.throws(bad({ v: { from: 'secrets', filter: 'nope = 1' } }), /view v: .*unknown property "nope"/);
    assert.throws(bad({ v: { from: 'secrets', filter: 'agence = ' } }), /view v/);
    assert.throws(bad({ v: { from: 'secrets', properties: ['nom', 'inexistante'] } }), /inexistante/);
    assert.throws(bad({ v: { from: 'secrets', exclude: ['code'] } }), /id property "code"/);
    assert.throws(bad({ lieux: { from: 'secrets' } }), /views\.lieux: a view cannot have the id of a collection/);
    assert.throws(bad({ lieux: { from: 'secrets' } }, { secrets: 'restricted' }), /view lieux: a collection already has this id/);
    assert.throws(bad({ v: { from: 'v2' }, v2: { from: 'secrets' } }), /derived from a collection, not from another view/);
    assert.throws(() => createView(source(), { id: 'v', properties: ['x'] }), ViewError);
  });
});
