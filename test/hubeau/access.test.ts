// The Hub'Eau paths follow the same access rules as the OGC API: a restricted collection needs a
// key here too (401 without, 403 without a grant), and its data never shows to others.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { domainParts } from '../../collections/parts.js';
import { SERVICE_INFO } from '../../collections/service.js';
import { createApp } from '../../server/app.js';
import { parseAccessConfig } from '../../server/auth/config.js';
import { createKey } from '../../server/auth/keys.js';
import { withAccess } from '../../server/auth/middleware.js';
import type { Catalog } from '../../server/catalog.js';
import { H, openDomain } from './helpers.js';

let catalog: Catalog;
let app: Express;
let keys: { alice: string; bob: string };

before(async () => {
  catalog = await openDomain();
  const dir = mkdtempSync(join(tmpdir(), 'hubeau-access-'));
  const keysPath = join(dir, 'keys.json');
  keys = { alice: (await createKey(keysPath, { user: 'alice' })).key, bob: (await createKey(keysPath, { user: 'bob' })).key };
  const config = parseAccessConfig({
    realm: 'Test eau', default: 'restricted',
    collections: { points_prelevement: 'public', ouvrages: 'public', chroniques: 'restricted' },
    permissions: { users: { alice: ['chroniques'] } },
    keys: 'keys.json', keysReloadMs: 0, rateLimit: false,
  }, dir);
  const access = withAccess(config, () => catalog);
  app = createApp({ info: SERVICE_INFO, catalog: access.catalog, before: access.before, parts: domainParts() });
});
after(() => catalog?.close());

describe("Hub'Eau paths under access control", () => {
  it('a restricted collection: 401 with challenges without credentials, on JSON and CSV paths', async () => {
    for (const path of [`${H}/chroniques?size=5`, `${H}/chroniques.csv?size=5`, `${H}/chroniques?format=geojson`]) {
      const res = await request(app).get(path).expect(401);
      assert.match(String(res.headers['www-authenticate']), /Basic realm="Test eau"/);
      assert.match(String(res.headers['www-authenticate']), /Bearer realm="Test eau"/);
      assert.equal(res.body.code, 'Unauthorized');
      assert.ok(!res.text.includes('OPR'), 'no data');
    }
  });

  it('403 with a key lacking the grant; the data with a granted key (header or apikey parameter), Cache-Control private', async () => {
    await request(app).get(`${H}/chroniques?size=5`).set('X-API-Key', keys.bob).expect(403);
    const granted = await request(app).get(`${H}/chroniques?size=5`).set('X-API-Key', keys.alice).expect(206);
    assert.equal(granted.body.data.length, 5);
    assert.match(String(granted.headers['cache-control']), /private/);
    const byParam = await request(app).get(`${H}/chroniques?size=5&apikey=${encodeURIComponent(keys.alice)}`).expect(206);
    assert.deepEqual(byParam.body.data, granted.body.data);
    assert.ok(!byParam.body.next.includes('apikey'), 'links never repeat the key');
    const ogc = await request(app).get('/collections/chroniques/items?limit=1').set('X-API-Key', keys.alice).expect(200);
    assert.equal(granted.body.count, ogc.body.numberMatched);
  });

  it('public collections stay open to anonymous callers', async () => {
    await request(app).get(`${H}/referentiel/ouvrages?size=5`).expect(206);
    await request(app).get(`${H}/referentiel/points_prelevement.csv?size=5`).expect(206);
  });

  it('a wrong key is a 401 everywhere, public paths included', async () => {
    await request(app).get(`${H}/referentiel/ouvrages?size=5`).set('X-API-Key', 'prk_nope_nope').expect(401);
  });
});
