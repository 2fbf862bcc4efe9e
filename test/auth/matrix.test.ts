// Endpoints × credentials: statuses, challenges, Cache-Control, and that nothing restricted
// (ids, titles, hidden property names) leaks into any body a caller may not see.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { decode } from '../tiles/helpers.js';
import { basic, buildAccessFixture, LEAK, withQuery, type Fixture } from './helpers.js';

let fx: Fixture;
before(async () => { fx = await buildAccessFixture(); });
after(() => fx.catalog.close());

/** Every endpoint anyone may see (each caller with its own content). */
const PUBLIC = [
  '/', '/?f=html', '/conformance', '/conformance?f=html', '/api', '/api?f=html', '/api.html', '/collections', '/collections?f=html',
  '/collections/lieux', '/collections/lieux?f=html', '/collections/lieux/items', '/collections/lieux/items?f=html',
  '/collections/lieux/items?f=csv', '/collections/lieux/items?f=fgb', '/collections/lieux/items?f=geojsonseq',
  '/collections/lieux/items/L1', '/collections/lieux/items/L1?f=html', '/collections/lieux/queryables', '/collections/lieux/schema',
  '/collections/lieux/tiles', '/collections/lieux/tiles?f=html', '/collections/lieux/tiles/WebMercatorQuad',
  '/collections/lieux/tiles/WebMercatorQuad?f=tilejson', '/collections/lieux/tiles/WebMercatorQuad/0/0/0',
  '/collections/secrets_ouverts', '/collections/secrets_ouverts?f=html', '/collections/secrets_ouverts/items', '/collections/secrets_ouverts/items?f=html',
  '/collections/secrets_ouverts/items?f=csv', '/collections/secrets_ouverts/items?f=fgb', '/collections/secrets_ouverts/items?f=geojsonseq',
  '/collections/secrets_ouverts/items/S003', '/collections/secrets_ouverts/queryables', '/collections/secrets_ouverts/schema',
  '/collections/secrets_ouverts/tiles/WebMercatorQuad?f=tilejson', '/collections/secrets_ouverts/tiles/WebMercatorQuad/0/0/0',
  '/tiles', '/tiles?f=html', '/tiles/WebMercatorQuad', '/tiles/WebMercatorQuad?f=tilejson', '/tiles/WebMercatorQuad/0/0/0',
  '/tiles/WorldCRS84Quad/0/0/0', '/styles/default', '/styles/default?collection=lieux', '/map', '/tileMatrixSets',
];

/** Only alice (key, Basic, JWT) may see these. */
const RESTRICTED = [
  '/collections/secrets', '/collections/secrets?f=html', '/collections/secrets/items', '/collections/secrets/items?f=html',
  '/collections/secrets/items?f=csv', '/collections/secrets/items?f=fgb', '/collections/secrets/items?f=geojsonseq',
  '/collections/secrets/items/S003', '/collections/secrets/items/S003?f=html', '/collections/secrets/queryables',
  '/collections/secrets/schema', '/collections/secrets/tiles', '/collections/secrets/tiles?f=html', '/collections/secrets/tiles/WebMercatorQuad',
  '/collections/secrets/tiles/WebMercatorQuad?f=tilejson', '/collections/secrets/tiles/WebMercatorQuad/0/0/0',
  '/collections/secrets_aelb', '/collections/secrets_aelb/items', '/collections/secrets_aelb/items?f=csv', '/collections/secrets_aelb/items/S003',
  '/collections/secrets_aelb/schema', '/collections/secrets_aelb/tiles/WebMercatorQuad/0/0/0', '/styles/default?collection=secrets',
];

/** The whole body as bytes (exports and tiles included), read as text to look for leaks. */
const get = (url: string) => request(fx.app).get(url).buffer(true).parse((res, cb) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
});
const text = (res: request.Response) => (Buffer.isBuffer(res.body) ? res.body.toString('latin1') : res.text ?? '');
const json = (res: request.Response) => JSON.parse(Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.text);

type Send = (url: string) => Promise<request.Response>;
const expiredJwt = () => fx.jwt({ sub: 'alice' }, Math.floor(Date.now() / 1000) - 3600);

/** The callers of the matrix: what each presents. */
const CALLERS: Record<string, () => Send> = {
  anonymous: () => async (url) => get(url),
  'key (X-API-Key)': () => async (url) => get(url).set('X-API-Key', fx.keys.alice),
  'key (?apikey=)': () => async (url) => get(withQuery(url, 'apikey', fx.keys.alice)),
  'key (Bearer)': () => async (url) => get(url).set('Authorization', `Bearer ${fx.keys.alice}`),
  basic: () => async (url) => get(url).set('Authorization', basic('alice', fx.passwords.alice)),
  jwt: () => { let token: Promise<string> | undefined; return async (url) => get(url).set('Authorization', `Bearer ${await (token ??= fx.jwt({ sub: 'alice' }))}`); },
  'carol (valid key, no grant)': () => async (url) => get(url).set('X-API-Key', fx.keys.carol),
  'wrong key': () => async (url) => get(url).set('X-API-Key', `prk_000000000000_${'A'.repeat(43)}`),
  'expired jwt': () => { let token: Promise<string> | undefined; return async (url) => get(url).set('Authorization', `Bearer ${await (token ??= expiredJwt())}`); },
  'wrong IP': () => async (url) => get(url).set('X-API-Key', fx.keys.ipLimited).set('X-Forwarded-For', '192.0.2.7'),
};
const GRANTED = ['key (X-API-Key)', 'key (?apikey=)', 'key (Bearer)', 'basic', 'jwt'];
const REFUSED = ['wrong key', 'expired jwt', 'wrong IP'];

function noLeak(res: request.Response, what: string) {
  const body = text(res);
  const found = LEAK.exec(body);
  assert.equal(found, null, `${what}: body leaks "${found?.[0]}" near «${found ? body.slice(Math.max(0, found.index - 60), found.index + 40) : ''}»`);
}

function ogcBody(res: request.Response, status: number, what: string) {
  assert.equal(res.status, status, `${what}: ${res.status} ${text(res).slice(0, 200)}`);
  assert.match(res.headers['content-type'], /application\/json/, what);
  assert.deepEqual(Object.keys(json(res)).sort(), ['code', 'description'], what);
}

function challenged(res: request.Response, what: string) {
  ogcBody(res, 401, what);
  const challenge = String(res.headers['www-authenticate']);
  assert.match(challenge, /Basic realm="Test eau"/, what);
  assert.match(challenge, /Bearer realm="Test eau"/, what);
}

describe('matrix: every endpoint × every caller', () => {
  for (const [name, make] of Object.entries(CALLERS)) {
    it(name, async () => {
      const send = make();
      for (const url of [...PUBLIC, ...RESTRICTED]) {
        const what = `${name} ${url}`;
        const res = await send(url);
        const restricted = RESTRICTED.includes(url);
        if (REFUSED.includes(name)) {
          challenged(res, what); // a presented credential that fails is never read as anonymous
          if (name === 'expired jwt') assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/, what);
        } else if (GRANTED.includes(name)) {
          assert.equal(res.status, 200, `${what}: ${res.status} ${text(res).slice(0, 200)}`);
          assert.match(String(res.headers['cache-control']), /^private/, `${what}: ${res.headers['cache-control']}`);
          assert.doesNotMatch(String(res.headers['cache-control']), /public|s-maxage/, what);
          assert.ok(!text(res).includes(fx.keys.alice), `${what}: the key is echoed (links?)`);
        } else if (!restricted) {
          assert.equal(res.status, 200, `${what}: ${res.status} ${text(res).slice(0, 200)}`);
          noLeak(res, what);
          if (name === 'anonymous') assert.doesNotMatch(String(res.headers['cache-control'] ?? ''), /private/, what);
          else assert.match(String(res.headers['cache-control']), /^private/, what);
        } else if (name === 'anonymous') {
          challenged(res, what);
        } else {
          ogcBody(res, 403, what);
        }
        if (!GRANTED.includes(name)) noLeak(res, what);
        assert.match(String(res.headers.vary), /Authorization.*X-API-Key|X-API-Key.*Authorization/, what);
      }
    });
  }
});

describe('anonymous', () => {
  it('an id that exists nowhere stays 404 (a restricted one is 401: its existence is not secret, its content is)', async () => {
    ogcBody(await get('/collections/nope'), 404, '/collections/nope');
    ogcBody(await get('/collections/nope/items'), 404, '/collections/nope/items');
    challenged(await get('/collections/secrets/items/NOPE'), 'restricted unknown feature');
  });
  it('lists only public collections and views', async () => {
    const ids = json(await get('/collections')).collections.map((c: any) => c.id);
    assert.deepEqual(ids, ['lieux', 'secrets_ouverts']);
    const api = json(await get('/api'));
    assert.ok(Object.keys(api.paths).every((p) => !LEAK.test(p)));
    assert.ok(api.paths['/collections/secrets_ouverts/items'], 'the public view is in the API');
  });
  it('the public view hides its properties everywhere', async () => {
    const items = json(await get('/collections/secrets_ouverts/items?limit=100'));
    assert.equal(items.numberMatched, 24);
    assert.ok(items.features.every((f: any) => !('montant_confidentiel' in f.properties) && 'agence' in f.properties));
    const q = json(await get('/collections/secrets_ouverts/queryables'));
    assert.deepEqual(Object.keys(q.properties).sort(), ['agence', 'code', 'geometry', 'nom']);
    const csv = text(await get('/collections/secrets_ouverts/items?f=csv'));
    assert.equal(csv.split('\n')[0].includes('agence'), true);
  });
});

describe('alice: what the grants open', () => {
  it('every credential form lists the restricted collections and serves their hidden properties', async () => {
    for (const name of GRANTED) {
      const send = CALLERS[name]();
      assert.deepEqual(json(await send('/collections')).collections.map((c: any) => c.id), ['lieux', 'secrets', 'secrets_ouverts', 'secrets_aelb'], name);
      assert.equal(json(await send('/collections/secrets/items/S003')).properties.montant_confidentiel, 1003, name);
      assert.equal(json(await send('/collections/secrets_aelb/items')).numberMatched, 8, name);
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
    const anon = text(await get('/styles/default'));
    const mine = text(await get('/styles/default').set('X-API-Key', fx.keys.alice));
    assert.ok(!anon.includes('"secrets"'));
    assert.ok(mine.includes('"secrets"'));
    const tj = json(await get('/tiles/WebMercatorQuad?f=tilejson').set('X-API-Key', fx.keys.alice));
    assert.ok(tj.vector_layers.some((l: any) => l.id === 'secrets'));
    const layers = async (res: Promise<request.Response>) => Object.keys(decode((await res).body as Buffer).layers).sort();
    assert.deepEqual(await layers(get('/tiles/WebMercatorQuad/0/0/0').set('X-API-Key', fx.keys.alice)), ['lieux', 'secrets', 'secrets_aelb', 'secrets_ouverts']);
    assert.deepEqual(await layers(get('/tiles/WebMercatorQuad/0/0/0')), ['lieux', 'secrets_ouverts']);
  });
  it('tile ETags and the tile cache are per scope: an ETag of alice gets no 304 for others', async () => {
    for (const path of ['/tiles/WebMercatorQuad/0/0/0', '/tiles/WorldCRS84Quad/0/0/0']) {
      const mine = await get(path).set('X-API-Key', fx.keys.alice); // rendered and cached first
      const etag = String(mine.headers.etag);
      assert.equal((await get(path).set('X-API-Key', fx.keys.alice).set('If-None-Match', etag)).status, 304);
      for (const [name, headers] of [['anonymous', {}], ['carol', { 'X-API-Key': fx.keys.carol }]] as const) {
        const res = await get(path).set(headers).set('If-None-Match', etag);
        assert.equal(res.status, 200, `${name} ${path}`);
        assert.notEqual(res.headers.etag, etag, `${name} ${path}`);
        noLeak(res, `${name} ${path}`);
      }
    }
  });
});

describe('authenticated without permission', () => {
  it('bob sees the AELB view, not the whole collection', async () => {
    const bob = (url: string) => get(url).set('X-API-Key', fx.keys.bob);
    assert.equal((await bob('/collections/secrets_aelb/items')).status, 200);
    ogcBody(await bob('/collections/secrets/items'), 403, 'bob on secrets');
    const ids = json(await bob('/collections')).collections.map((c: any) => c.id);
    assert.deepEqual(ids, ['lieux', 'secrets_ouverts', 'secrets_aelb']);
    assert.equal(json(await bob('/collections/secrets_aelb/items')).numberMatched, 8);
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
      for (const url of ['/', '/collections', '/collections/lieux/items', '/collections/secrets/items', '/collections/secrets/items/S003', '/tiles/WebMercatorQuad/0/0/0']) {
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
    // The test config trusts X-Forwarded-For from loopback proxies, which supertest's client is.
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
    const page = json(await get('/collections/secrets/items?limit=10').set('Authorization', auth));
    assert.equal(page.numberMatched, 24);
    assert.ok(page.links.find((l: any) => l.rel === 'next'));
  });
  it('an apikey in the URL is removed before the routes (accepted by items, absent from next links)', async () => {
    const res = await get(`/collections/secrets/items?limit=5&apikey=${encodeURIComponent(fx.keys.alice)}&f=json`);
    assert.equal(res.status, 200);
    const next = json(res).links.find((l: any) => l.rel === 'next').href as string;
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
