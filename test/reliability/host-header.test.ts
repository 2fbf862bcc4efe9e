// Markup injection through the Host header (issue #15): links and pages come from the configured
// base URL or a Host checked as host[:port]; X-Forwarded-* count only when a proxy is configured.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { checkBaseUrl, validHost } from '../../server/context.js';
import { buildFixture, fixtureDefinition } from '../fixtures.js';

let dir: string;
let catalog: Catalog;
let app: Express;
let configured: Express;
let proxied: Express;

before(async () => {
  dir = await buildFixture();
  catalog = await openCatalog(dir, [fixtureDefinition]);
  app = createApp({ info: { title: 'Test', description: 'Hôte' }, catalog: () => catalog });
  configured = createApp({ info: { title: 'Test', description: 'Hôte', baseUrl: 'https://eau.example.org/ogc/' }, catalog: () => catalog });
  proxied = createApp({ info: { title: 'Test', description: 'Hôte' }, catalog: () => catalog, trustProxy: 'loopback' });
});
after(async () => {
  await catalog.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every HTML page of the server. */
export const HTML_PAGES = ['/', '/conformance', '/api', '/api.html', '/collections', '/collections/sites', '/collections/sites/items', '/collections/sites/items/S004',
  '/collections/sites/queryables', '/collections/sites/sortables', '/collections/sites/schema', '/tileMatrixSets', '/tileMatrixSets/WebMercatorQuad',
  '/tiles', '/tiles/WebMercatorQuad', '/collections/sites/tiles', '/collections/sites/tiles/WebMercatorQuad', '/map'];
const JSON_DOCS = ['/', '/api', '/collections', '/collections/sites', '/collections/sites/items?limit=2', '/collections/sites/items/S004',
  '/tileMatrixSets', '/tiles', '/tiles/WebMercatorQuad', '/tiles/WebMercatorQuad?f=tilejson', '/styles/default'];

const EVIL = ['evil"><script>alert(1)</script>', "evil.org'onmouseover=alert(1)", 'evil.org/<x>', 'a b', 'evil.org:80:80', 'évil.org', 'evil.org\\@x'];

describe('Host header', () => {
  it('host[:port] syntax: names, IPv4, bracketed IPv6, a port; nothing else', () => {
    for (const ok of ['localhost', 'localhost:8080', 'eau.example.org', '127.0.0.1:3000', '[::1]:8080', '[2001:db8::5]', 'xn--vil-bma.org']) assert.ok(validHost(ok), ok);
    for (const bad of [...EVIL, '', ':80', 'a..b', '-a.org', 'host:123456', '[::1', 'a_b.org']) assert.ok(!validHost(bad), bad);
  });

  for (const path of HTML_PAGES) {
    it(`${path} (HTML): a crafted Host is a 400 with an OGC body, never echoed`, async () => {
      for (const host of EVIL) {
        const res = await request(app).get(path).set('Accept', 'text/html').set('Host', host);
        assert.equal(res.status, 400, `${path} Host ${host}`);
        assert.match(res.headers['content-type'], /application\/json/);
        assert.equal(res.body.code, 'InvalidParameterValue');
        assert.match(res.body.description, /Host/);
        assert.ok(!res.text.includes('<script') && !res.text.includes('evil'), res.text);
      }
    });
  }

  for (const path of JSON_DOCS) {
    it(`${path} (JSON): a crafted Host is a 400; a valid one gives links on it`, async () => {
      const bad = await request(app).get(path).set('Host', EVIL[0]);
      assert.equal(bad.status, 400);
      assert.ok(!bad.text.includes('evil'));
      const good = await request(app).get(path).set('Host', 'eau.example.org:8443');
      assert.equal(good.status, 200, good.text);
      assert.ok(good.text.includes('"http://eau.example.org:8443'), `${path}: links on the request's host`);
    });
  }

  it('with --base-url, pages and links use it whatever the Host says', async () => {
    for (const path of HTML_PAGES) {
      const res = await request(configured).get(path).set('Accept', 'text/html').set('Host', EVIL[0]);
      assert.equal(res.status, 200, path);
      assert.ok(!res.text.includes('evil'), path);
      assert.ok(res.text.includes('https://eau.example.org/ogc/'), path);
    }
    const json = await request(configured).get('/collections').set('Host', EVIL[0]).expect(200);
    assert.ok(json.body.links.every((l: { href: string }) => l.href.startsWith('https://eau.example.org/ogc/')));
  });

  it('X-Forwarded-Host and -Proto are ignored unless trust proxy is configured, then checked too', async () => {
    const ignored = await request(app).get('/collections').set('Host', 'eau.example.org').set('X-Forwarded-Host', 'proxy.example.net').set('X-Forwarded-Proto', 'https').expect(200);
    assert.ok(ignored.body.links.every((l: { href: string }) => l.href.startsWith('http://eau.example.org/')));
    const html = await request(app).get('/').set('Accept', 'text/html').set('Host', 'eau.example.org').set('X-Forwarded-Host', EVIL[0]).expect(200);
    assert.ok(!html.text.includes('evil'));
    const trusted = await request(proxied).get('/collections').set('Host', 'internal:8080').set('X-Forwarded-Host', 'proxy.example.net').set('X-Forwarded-Proto', 'https').expect(200);
    assert.ok(trusted.body.links.every((l: { href: string }) => l.href.startsWith('https://proxy.example.net/')));
    const evilHost = await request(proxied).get('/?f=html').set('X-Forwarded-Host', EVIL[0]);
    assert.equal(evilHost.status, 400);
    const evilProto = await request(proxied).get('/?f=html').set('X-Forwarded-Proto', 'javascript');
    assert.equal(evilProto.status, 400);
    assert.match(evilProto.body.description, /X-Forwarded-Proto/);
  });

  it('a configured base URL is checked at start', () => {
    assert.equal(checkBaseUrl('https://eau.example.org/ogc/'), 'https://eau.example.org/ogc');
    for (const bad of ['eau.example.org', 'javascript:alert(1)', 'https://eau.example.org/?x=1', 'https://u:p@eau.example.org/']) assert.throws(() => checkBaseUrl(bad), bad);
  });
});
