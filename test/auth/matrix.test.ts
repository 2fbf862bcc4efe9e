// Endpoints × credentials: statuses, challenges, Cache-Control, and that nothing restricted
// (ids, titles, hidden property names) leaks into any body a caller may not see.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { basic, buildAccessFixture, LEAK, withQuery, type Fixture } from './helpers.js';

let fx: Fixture;
before(async () => { fx = await buildAccessFixture(); });
after(() => fx.catalog.close());

/** Everyone may see these (with their own content). */
const PUBLIC = [
  '/', '/?f=html', '/conformance', '/api', '/api?f=html', '/collections', '/collections?f=html',
  '/collections/lieux', '/collections/lieux?f=html', '/collections/lieux/items', '/collections/lieux/items?f=html',
  '/collections/lieux/items/L1', '/collections/lieux/items/L1?f=html', '/collections/lieux/queryables',
  '/collections/secrets_ouverts', '/collections/secrets_ouverts/items', '/collections/secrets_ouverts/items?f=html',
  '/collections/secrets_ouverts/items/S003', '/collections/secrets_ouverts/queryables', '/collections/secrets_ouverts/schema',
  '/tiles/WebMercatorQuad?f=tilejson', '/styles/default',
];

/** Only alice (key, Basic, JWT) may see these. */
const RESTRICTED = [
  '/collections/secrets', '/collections/secrets?f=html', '/collections/secrets/items', '/collections/secrets/items?f=html',
  '/collections/secrets/items/S003', '/collections/secrets/items/S003?f=html', '/collections/secrets/queryables',
  '/collections/secrets/schema', '/collections/secrets/tiles', '/collections/secrets/tiles/WebMercatorQuad?f=tilejson',
  '/collections/secrets_aelb', '/collections/secrets_aelb/items', '/collections/secrets_aelb/items/S003',
];

type Caller = { name: string; apply: (url: string) => request.Test };

const get = (url: string) => request(fx.app).get(url);
const callers = (): Record<string, Caller> => ({
  anonymous: { name: 'anonymous', apply: (url) => get(url) },
  keyHeader: { name: 'key (header)', apply: (url) => get(url).set('X-API-Key', fx.keys.alice) },
  keyQuery: { name: 'key (query)', apply: (url) => get(withQuery(url, 'apikey', fx.keys.alice)) },
  keyBearer: { name: 'key (bearer)', apply: (url) => get(url).set('Authorization', `Bearer ${fx.keys.alice}`) },
  basic: { name: 'basic', apply: (url) => get(url).set('Authorization', basic('alice', fx.passwords.alice)) },
  carol: { name: 'carol (no grant)', apply: (url) => get(url).set('X-API-Key', fx.keys.carol) },
});

function noLeak(res: request.Response, what: string) {
  const text = res.text ?? (Buffer.isBuffer(res.body) ? res.body.toString('latin1') : JSON.stringify(res.body));
  const found = LEAK.exec(text);
  assert.equal(found, null, `${what}: body leaks "${found?.[0]}" near «${found ? text.slice(Math.max(0, found.index - 60), found.index + 40) : ''}»`);
}

function ogcBody(res: request.Response, status: number, what: string) {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text?.slice(0, 200)}`);
  assert.match(res.headers['content-type'], /application\/json/, what);
  assert.deepEqual(Object.keys(res.body).sort(), ['code', 'description'], what);
}

function challenged(res: request.Response, what: string) {
  ogcBody(res, 401, what);
  const challenge = String(res.headers['www-authenticate']);
  assert.match(challenge, /Basic realm="Test eau"/, what);
  assert.match(challenge, /Bearer realm="Test eau"/, what);
}

describe('anonymous', () => {
  it('public endpoints answer 200 and show nothing restricted', async () => {
    for (const url of PUBLIC) {
      const res = await get(url);
      assert.equal(res.status, 200, `${url}: ${res.status} ${res.text?.slice(0, 200)}`);
      noLeak(res, url);
      assert.doesNotMatch(String(res.headers['cache-control'] ?? ''), /private/, url);
    }
  });
  it('restricted endpoints answer 401 with Basic and Bearer challenges, revealing nothing', async () => {
    for (const url of RESTRICTED) {
      const res = await get(url);
      challenged(res, url);
      noLeak(res, url);
    }
  });
  it('an id that exists nowhere stays 404 (a restricted one is 401: its existence is not secret, its content is)', async () => {
    ogcBody(await get('/collections/nope'), 404, '/collections/nope');
    ogcBody(await get('/collections/nope/items'), 404, '/collections/nope/items');
    challenged(await get('/collections/secrets/items/NOPE'), 'restricted unknown feature');
  });
  it('lists only public collections and views', async () => {
    const ids = (await get('/collections')).body.collections.map((c: any) => c.id);
    assert.deepEqual(ids, ['lieux', 'secrets_ouverts']);
    const api = JSON.parse((await get('/api')).text);
    assert.ok(Object.keys(api.paths).every((p) => !LEAK.test(p)));
    assert.ok(api.paths['/collections/secrets_ouverts/items'], 'the public view is in the API');
  });
  it('the public view hides its properties everywhere', async () => {
    const items = (await get('/collections/secrets_ouverts/items?limit=100')).body;
    assert.equal(items.numberMatched, 24);
    assert.ok(items.features.every((f: any) => !('montant_confidentiel' in f.properties) && 'agence' in f.properties));
    const q = (await get('/collections/secrets_ouverts/queryables')).body;
    assert.deepEqual(Object.keys(q.properties).sort(), ['agence', 'code', 'geometry', 'nom']);
  });
});

describe('alice: every credential form sees the restricted collections', () => {
  for (const key of ['keyHeader', 'keyQuery', 'keyBearer', 'basic'] as const) {
    it(`${key}: 200 everywhere, Cache-Control private`, async () => {
      const caller = callers()[key];
      for (const url of [...PUBLIC, ...RESTRICTED]) {
        const res = await caller.apply(url);
        assert.equal(res.status, 200, `${caller.name} ${url}: ${res.status} ${res.text?.slice(0, 200)}`);
        assert.match(String(res.headers['cache-control']), /^private/, `${caller.name} ${url}: ${res.headers['cache-control']}`);
        assert.doesNotMatch(String(res.headers['cache-control']), /public/, url);
        if (res.text) assert.ok(!res.text.includes(fx.keys.alice), `${url}: the key is echoed (links?)`);
      }
      const ids = (await caller.apply('/collections')).body.collections.map((c: any) => c.id);
      assert.deepEqual(ids, ['lieux', 'secrets', 'secrets_ouverts', 'secrets_aelb']);
      const feature = (await caller.apply('/collections/secrets/items/S003')).body;
      assert.equal(feature.properties.montant_confidentiel, 1003);
    });
  }
  it('jwt (subject alice): 200 everywhere, private', async () => {
    const token = await fx.jwt({ sub: 'alice' });
    for (const url of [...PUBLIC, ...RESTRICTED]) {
      const res = await get(url).set('Authorization', `Bearer ${token}`);
      assert.equal(res.status, 200, `${url}: ${res.status}`);
      assert.match(String(res.headers['cache-control']), /^private/, url);
    }
  });
  it('jwt: communities come from the groups claim too', async () => {
    const dave = await fx.jwt({ sub: 'dave', groups: ['partenaires'] });
    assert.equal((await get('/collections/secrets/items').set('Authorization', `Bearer ${dave}`)).status, 200);
    const erin = await fx.jwt({ sub: 'erin', groups: 'aelb' });
    assert.equal((await get('/collections/secrets_aelb/items').set('Authorization', `Bearer ${erin}`)).status, 200);
    ogcBody(await get('/collections/secrets/items').set('Authorization', `Bearer ${erin}`), 403, 'erin on secrets');
  });
  it('tiles and style of the dataset include the restricted layers only for alice', async () => {
    const anon = await get('/styles/default');
    const mine = await get('/styles/default').set('X-API-Key', fx.keys.alice);
    assert.ok(!JSON.stringify(anon.body).includes('"secrets"'));
    assert.ok(JSON.stringify(mine.body).includes('secrets'));
    const tj = (await get('/tiles/WebMercatorQuad?f=tilejson').set('X-API-Key', fx.keys.alice)).body;
    assert.ok(tj.vector_layers.some((l: any) => l.id === 'secrets'));
  });
});

describe('authenticated without permission', () => {
  it('carol: public 200 without leak, restricted 403 without leak', async () => {
    const carol = callers().carol;
    for (const url of PUBLIC) { const res = await carol.apply(url); assert.equal(res.status, 200, url); noLeak(res, url); }
    for (const url of RESTRICTED) { const res = await carol.apply(url); ogcBody(res, 403, url); noLeak(res, url); }
  });
  it('bob sees the AELB view, not the whole collection', async () => {
    const bob = (url: string) => get(url).set('X-API-Key', fx.keys.bob);
    assert.equal((await bob('/collections/secrets_aelb/items')).status, 200);
    ogcBody(await bob('/collections/secrets/items'), 403, 'bob on secrets');
    const ids = (await bob('/collections')).body.collections.map((c: any) => c.id);
    assert.deepEqual(ids, ['lieux', 'secrets_ouverts', 'secrets_aelb']);
  });
});

describe('bad credentials are 401 everywhere, public resources included', () => {
  const bad: Record<string, (url: string) => Promise<request.Response>> = {
    'unknown key': async (url) => get(url).set('X-API-Key', `prk_000000000000_${'A'.repeat(43)}`),
    'garbage key': async (url) => get(withQuery(url, 'apikey', 'nope')),
    'altered key': async (url) => get(url).set('X-API-Key', `${fx.keys.alice.slice(0, -2)}xx`),
    'wrong password': async (url) => get(url).set('Authorization', basic('alice', 'wrong password!')),
    'unknown user': async (url) => get(url).set('Authorization', basic('mallory', 'whatever it is')),
    'expired jwt': async (url) => get(url).set('Authorization', `Bearer ${await fx.jwt({ sub: 'alice' }, Math.floor(Date.now() / 1000) - 3600)}`),
    'garbage jwt': async (url) => get(url).set('Authorization', 'Bearer abc.def.ghi'),
    'two different keys': async (url) => get(withQuery(url, 'apikey', fx.keys.carol)).set('X-API-Key', fx.keys.alice),
    'key from a wrong IPv4': async (url) => get(url).set('X-API-Key', fx.keys.ipLimited).set('X-Forwarded-For', '192.0.2.7'),
    'key from a wrong IPv6': async (url) => get(url).set('X-API-Key', fx.keys.ipLimited).set('X-Forwarded-For', '2001:db9::1'),
    'key without its Referer': async (url) => get(url).set('X-API-Key', fx.keys.referer).set('User-Agent', 'QGIS/32200'),
    'key with a wrong User-Agent': async (url) => get(url).set('X-API-Key', fx.keys.referer).set('Referer', 'https://carte.example.org/x').set('User-Agent', 'curl/8'),
  };
  for (const [name, send] of Object.entries(bad)) {
    it(name, async () => {
      for (const url of ['/', '/collections', '/collections/lieux/items', '/collections/secrets/items', '/collections/secrets/items/S003', '/api']) {
        const res = await send(url);
        challenged(res, `${name} ${url}`);
        noLeak(res, `${name} ${url}`);
      }
    });
  }
  it('an invalid JWT is told invalid_token in the Bearer challenge', async () => {
    const res = await get('/').set('Authorization', 'Bearer abc.def.ghi');
    assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/);
  });
  it('the same restricted keys work from their allowed address, Referer and User-Agent', async () => {
    // createApp trusts X-Forwarded-For from loopback proxies, which supertest's client is.
    for (const ip of ['10.1.2.3', '2001:db8::5', '::ffff:10.9.9.9']) {
      const res = await get('/collections/secrets/items').set('X-API-Key', fx.keys.ipLimited).set('X-Forwarded-For', ip);
      assert.equal(res.status, 200, ip);
    }
    const res = await get('/collections/secrets/items').set('X-API-Key', fx.keys.referer).set('Referer', 'https://carte.example.org/page').set('User-Agent', 'QGIS/32200/Linux');
    assert.equal(res.status, 200);
  });
});

describe('QGIS-style session with Basic on every request', () => {
  it('landing, conformance, api, collections, items pages and bbox, all 200 and private', async () => {
    const auth = basic('alice', fx.passwords.alice);
    const urls = ['/', '/conformance', '/api', '/collections', '/collections/secrets', '/collections/secrets/queryables',
      '/collections/secrets/items?limit=10', '/collections/secrets/items?limit=10&offset=10', '/collections/secrets/items?bbox=-2,43,8,48&limit=100',
      '/collections/secrets_aelb/items?limit=1000'];
    for (const url of urls) {
      const res = await get(url).set('Authorization', auth).set('Accept', 'application/geo+json, application/json').set('User-Agent', 'Mozilla/5.0 QGIS/32216/Debian GNU/Linux 12');
      assert.equal(res.status, 200, url);
      assert.match(String(res.headers['cache-control']), /^private/, url);
    }
    const page = (await get('/collections/secrets/items?limit=10').set('Authorization', auth)).body;
    assert.equal(page.numberMatched, 24);
    assert.ok(page.links.find((l: any) => l.rel === 'next'));
  });
  it('an apikey in the URL is removed before the routes (accepted by items, absent from next links)', async () => {
    const res = await get(`/collections/secrets/items?limit=5&apikey=${encodeURIComponent(fx.keys.alice)}&f=json`);
    assert.equal(res.status, 200);
    const next = res.body.links.find((l: any) => l.rel === 'next').href as string;
    assert.ok(!next.includes('apikey'), next);
    assert.match(next, /limit=5/);
  });
});

describe('caching and CORS headers', () => {
  it('every response varies on the credentials; public tiles stay public for anonymous callers', async () => {
    const res = await get('/collections/lieux/items');
    assert.match(String(res.headers.vary), /Authorization/);
    assert.match(String(res.headers.vary), /X-API-Key/);
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });
  it('a tile (public, max-age) becomes private for an authenticated caller', async () => {
    const anon = await get('/collections/lieux/tiles/WebMercatorQuad/0/0/0');
    assert.match(String(anon.headers['cache-control']), /public/);
    const mine = await get('/collections/lieux/tiles/WebMercatorQuad/0/0/0').set('X-API-Key', fx.keys.alice);
    assert.match(String(mine.headers['cache-control']), /^private, max-age=\d+/);
  });
});
