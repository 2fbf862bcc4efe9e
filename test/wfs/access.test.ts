// The WFS facade under access control: the same credentials and scopes as the OGC API; a
// restricted type is absent from the capabilities of a caller who may not see it, and asking for
// it is a 401 (anonymous) or 403 (no grant), as on /collections/{id}.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { buildAccessFixture, LEAK, type Fixture } from '../auth/helpers.js';
import { wfsApp } from './helpers.js';

let fx: Fixture;
let app: Express;
before(async () => {
  fx = await buildAccessFixture();
  app = wfsApp(fx.access.catalog, fx.access.before);
});

const names = (xml: string) => [...xml.matchAll(/<wfs:Name>test:([^<]+)<\/wfs:Name>/g)].map((m) => m[1]).sort();
const caps = '/wfs?SERVICE=WFS&REQUEST=GetCapabilities';

describe('WFS under access control', () => {
  it('anonymous callers see the public types only, nowhere the restricted ones', async () => {
    const res = await request(app).get(caps).expect(200);
    assert.deepEqual(names(res.text), ['lieux', 'secrets_ouverts']);
    assert.doesNotMatch(res.text, LEAK);
    for (const op of ['DescribeFeatureType', 'ListStoredQueries', 'DescribeStoredQueries']) {
      const r = await request(app).get(`/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=${op}`).expect(200);
      assert.doesNotMatch(r.text, LEAK, op);
    }
    const byId = await request(app).get('/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=secrets.S001');
    assert.equal(byId.status, 404);
  });

  it('a granted key (header or ?apikey=) sees them and reads them', async () => {
    const res = await request(app).get(caps).set('X-API-Key', fx.keys.alice).expect(200);
    assert.deepEqual(names(res.text), ['lieux', 'secrets', 'secrets_aelb', 'secrets_ouverts']);
    const features = await request(app).get(`/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=test:secrets&RESULTTYPE=hits&apikey=${encodeURIComponent(fx.keys.alice)}`).expect(200);
    assert.match(features.text, /numberMatched="[1-9]/);
    assert.match(features.headers['cache-control'] ?? 'private', /private/);
  });

  it('asking for a restricted type: 401 with a challenge when anonymous, 403 without a grant', async () => {
    const anonymous = await request(app).get('/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&typeNames=test:secrets');
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers['www-authenticate']), /Basic realm/);
    const bob = await request(app).get('/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAME=secrets').set('X-API-Key', fx.keys.bob);
    assert.equal(bob.status, 403);
    const bobView = await request(app).get('/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=test:secrets_aelb&RESULTTYPE=hits').set('X-API-Key', fx.keys.bob);
    assert.equal(bobView.status, 200);
  });

  it('a view serves only its own features and properties', async () => {
    const res = await request(app).get('/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=test:secrets_ouverts&COUNT=5').expect(200);
    assert.doesNotMatch(res.text, /montant_confidentiel/);
    const hidden = await request(app).get(`/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=test:secrets_ouverts&FILTER=${encodeURIComponent('<Filter xmlns="http://www.opengis.net/fes/2.0"><PropertyIsGreaterThan><ValueReference>montant_confidentiel</ValueReference><Literal>0</Literal></PropertyIsGreaterThan></Filter>')}`);
    assert.equal(hidden.status, 400);
    assert.match(hidden.text, /locator="filter"/);
  });

  it('bad credentials are a 401 on /wfs too', async () => {
    const res = await request(app).get(caps).set('X-API-Key', 'prk_nope_nope');
    assert.equal(res.status, 401);
  });
});
