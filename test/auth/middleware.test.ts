// Rate limits, CORS, the caller's AsyncLocalStorage context in async handlers, configuration
// checks, IP ranges and patterns.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import request from 'supertest';
import { AccessConfigError, parseAccessConfig } from '../../server/auth/config.js';
import { currentCaller } from '../../server/auth/context.js';
import { globMatcher, ipAllowed, ipRanges } from '../../server/auth/credentials.js';
import { accessMiddleware, privatize } from '../../server/auth/middleware.js';
import { basic, baseConfig, buildAccessFixture, type Fixture } from './helpers.js';

let fx: Fixture;
before(async () => { fx = await buildAccessFixture(); });
after(() => fx.catalog.close());

describe('rate limits', () => {
  it('per address: 429 with an OGC body and Retry-After once the window is used up', async () => {
    const { app } = fx.appWith({ rateLimit: { windowMs: 60_000, perIp: 3, perKey: 0 } });
    for (let i = 0; i < 3; i++) assert.equal((await request(app).get('/').set('X-Forwarded-For', '198.51.100.1')).status, 200);
    const res = await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    assert.equal(res.status, 429);
    assert.deepEqual(res.body, { code: 'TooManyRequests', description: res.body.description });
    assert.match(res.headers['content-type'], /application\/json/);
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.equal((await request(app).get('/').set('X-Forwarded-For', '198.51.100.2')).status, 200, 'another address has its own budget');
  });
  it('per key: one credential is limited wherever it comes from, anonymous callers are not counted', async () => {
    const { app } = fx.appWith({ rateLimit: { windowMs: 60_000, perIp: 0, perKey: 2 } });
    const withKey = (ip: string) => request(app).get('/collections').set('X-API-Key', fx.keys.alice).set('X-Forwarded-For', ip);
    assert.equal((await withKey('203.0.113.1')).status, 200);
    assert.equal((await withKey('203.0.113.2')).status, 200);
    const limited = await withKey('203.0.113.3');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'TooManyRequests');
    assert.equal((await request(app).get('/collections').set('X-API-Key', fx.keys.carol)).status, 200, 'another key');
    for (let i = 0; i < 4; i++) assert.equal((await request(app).get('/collections')).status, 200, 'anonymous');
    const sameUser = await request(app).get('/collections').set('Authorization', basic('alice', fx.passwords.alice));
    assert.equal(sameUser.status, 200, 'Basic is counted apart from the key');
  });
});

describe('CORS', () => {
  it('allowed origins get the header and a preflight answer without credentials', async () => {
    const { app } = fx.appWith({ cors: { origins: ['https://carte.example.org'] } });
    const pre = await request(app).options('/collections/secrets/items').set('Origin', 'https://carte.example.org').set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'x-api-key');
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], 'https://carte.example.org');
    assert.match(pre.headers['access-control-allow-headers'], /X-API-Key/);
    assert.match(pre.headers['access-control-allow-headers'], /Authorization/);
    const other = await request(app).get('/').set('Origin', 'https://evil.example');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    assert.match(String(other.headers.vary), /Origin/);
    const denied = await request(app).get('/collections/secrets').set('Origin', 'https://carte.example.org');
    assert.equal(denied.status, 401);
    assert.equal(denied.headers['access-control-allow-origin'], 'https://carte.example.org', 'the browser may read the 401');
    assert.match(denied.headers['access-control-expose-headers'], /WWW-Authenticate/);
  });
});

describe('AsyncLocalStorage', () => {
  it('the caller set by the middleware survives awaits in async Express 5 handlers', async () => {
    const app = express();
    app.use(...accessMiddleware(fx.config));
    app.get('/whoami', async (_req, res) => {
      await sleep(5);
      await Promise.all([sleep(1), new Promise((resolve) => setImmediate(resolve))]);
      res.json(currentCaller());
    });
    const mine = await request(app).get('/whoami').set('X-API-Key', fx.keys.alice);
    assert.equal(mine.body.user, 'alice');
    assert.equal(mine.body.method, 'apikey');
    assert.deepEqual(mine.body.communities, ['partenaires']);
    const parallel = await Promise.all([
      request(app).get('/whoami'),
      request(app).get('/whoami').set('Authorization', basic('carol', fx.passwords.carol)),
      request(app).get('/whoami').set('X-API-Key', fx.keys.bob),
    ]);
    assert.deepEqual(parallel.map((r) => r.body.user ?? r.body.method), ['anonymous', 'carol', 'bob']);
    assert.equal(currentCaller().method, 'anonymous', 'outside a request: anonymous (fail closed)');
  });
  it('Vary and private survive a route that sets its own headers', async () => {
    const app = express();
    app.use(...accessMiddleware(fx.config));
    app.get('/own', (_req, res) => { res.set({ Vary: 'Accept', 'Cache-Control': 'public, max-age=60' }); res.send('x'); });
    const anon = await request(app).get('/own');
    assert.equal(anon.headers.vary, 'Accept, Authorization, X-API-Key');
    assert.equal(anon.headers['cache-control'], 'public, max-age=60');
    const mine = await request(app).get('/own').set('X-API-Key', fx.keys.alice);
    assert.equal(mine.headers['cache-control'], 'private, max-age=60');
  });
  it('without the catalog, the guard knows the listed ids only', async () => {
    const app = express();
    app.use(...accessMiddleware(fx.config));
    app.get('/collections/:id', (req, res) => { res.json({ id: req.params.id }); });
    assert.equal((await request(app).get('/collections/secrets')).status, 401);
    assert.equal((await request(app).get('/collections/secrets_aelb')).status, 401);
    assert.equal((await request(app).get('/collections/lieux')).status, 200);
    assert.equal((await request(app).get('/collections/secrets').set('X-API-Key', fx.keys.carol)).status, 403);
  });
});

describe('challenges', () => {
  it('the realm is sent as ASCII (header values cannot carry accents)', async () => {
    const { app } = fx.appWith({ realm: 'Prélèvements en eau "démo"' });
    const res = await request(app).get('/collections/secrets');
    assert.equal(res.status, 401);
    assert.match(String(res.headers['www-authenticate']), /^Basic realm="Prelevements en eau demo", charset="UTF-8", Bearer realm="Prelevements en eau demo"$/);
  });
});

describe('configuration', () => {
  const parse = (overrides: Record<string, unknown>) => () => parseAccessConfig({ ...baseConfig(), ...overrides }, '/etc/prelevements');
  it('resolves files against the configuration directory and keeps URLs', () => {
    const config = parseAccessConfig({ ...baseConfig(), jwt: { jwks: 'https://idp.example/jwks' } }, '/etc/prelevements');
    assert.equal(config.keysFile, '/etc/prelevements/keys.json');
    assert.equal(config.jwt!.jwks, 'https://idp.example/jwks');
    assert.equal(config.jwt!.userClaim, 'sub');
  });
  it('unlisted collections are restricted unless `default` says otherwise', () => {
    assert.equal(parseAccessConfig({}).defaultAccess, 'restricted');
    assert.equal(parseAccessConfig({ default: 'public' }).defaultAccess, 'public');
  });
  it('refuses mistakes with a message naming the setting', () => {
    assert.throws(parse({ colections: {} }), /colections: unknown setting/);
    assert.throws(parse({ collections: { lieux: 'open' } }), /collections\.lieux: "public" or "restricted"/);
    assert.throws(parse({ views: { v: { access: 'public' } } }), /views\.v\.from/);
    assert.throws(parse({ views: { v: { from: 'secrets', properties: ['a'], exclude: ['b'] } } }), /not both/);
    assert.throws(parse({ permissions: { communities: { inconnue: ['secrets'] } } }), /unknown community/);
    assert.throws(parse({ permissions: { groups: {} } }), /permissions\.groups/);
    assert.throws(parse({ collections: { 'a/b': 'public' } }), AccessConfigError);
  });
  it('a missing or malformed JWKS file stops the start with its name', () => {
    assert.throws(() => fx.appWith({ jwt: { jwks: 'absent.json' } }), /jwt\.jwks .*absent\.json/);
    assert.throws(() => fx.appWith({ jwt: { jwks: 'access.yaml' } }), /jwt\.jwks .*access\.yaml/);
  });
  it('warns about grants and ids that match no data', () => {
    const { access } = fx.appWith({ permissions: { users: { x: ['secret', 'lieux'] } } });
    assert.deepEqual(access.warnings, ['permissions.users.x: secret is not in the data', 'permissions.users.x: lieux is public already']);
  });
});

describe('address ranges and patterns', () => {
  it('IPv4 and IPv6 CIDR, single addresses, IPv4-mapped IPv6', () => {
    const ranges = ipRanges(['10.0.0.0/8', '192.0.2.1', '2001:db8::/32', '::1']);
    for (const ip of ['10.255.0.1', '192.0.2.1', '2001:db8:ffff::1', '::1', '::ffff:10.1.1.1']) assert.ok(ipAllowed(ranges, ip), ip);
    for (const ip of ['11.0.0.1', '192.0.2.2', '2001:db9::1', '127.0.0.1', 'garbage', undefined]) assert.ok(!ipAllowed(ranges, ip), String(ip));
    assert.throws(() => ipRanges(['10.0.0.0/40']), /prefix/);
    assert.throws(() => ipRanges(['host.example']), /not an IP/);
  });
  it('Referer and User-Agent patterns: * anywhere, whole value, literal dots', () => {
    const m = globMatcher(['https://*.example.org/*', 'QGIS/3*']);
    assert.ok(m('https://carte.example.org/index.html'));
    assert.ok(m('QGIS/32216'));
    assert.ok(!m('https://example.org.evil.com/'));
    assert.ok(!m('https://carteXexample.org/'));
    assert.ok(!m('Mozilla/5.0 QGIS/32216'));
    assert.ok(!m(undefined));
  });
  it('privatize turns any Cache-Control into a private one', () => {
    assert.equal(privatize(undefined), 'private');
    assert.equal(privatize('public, max-age=3600'), 'private, max-age=3600');
    assert.equal(privatize('public, s-maxage=60, max-age=10'), 'private, max-age=10');
    assert.equal(privatize('no-store'), 'private, no-store');
  });
});
