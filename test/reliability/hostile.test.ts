// Hostile input (issue #15): security headers and no inline code on pages, URL and header caps with
// OGC bodies, CQL2 bounds and the sort bound named in French, CORS never with credentials,
// credentials never logged, timeouts against slow or silent clients.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, MAX_HEADER_SIZE } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { withAccess } from '../../server/auth/middleware.js';
import { MAX_COORDINATES, MAX_LIST_ITEMS } from '../../server/cql2/index.js';
import { MAX_SORTED_DEPTH, runQuery } from '../../server/query/run.js';
import { SortOrders } from '../../server/sort.js';
import { hardenServer, MAX_URL_LENGTH, SERVER_TIMEOUTS } from '../../server/security.js';
import { buildFixture, fixtureDefinition } from '../fixtures.js';
import { basic, buildAccessFixture, type Fixture } from '../auth/helpers.js';
import { HTML_PAGES } from './host-header.test.js';

let catalog: Catalog;
let app: Express;
let server: Server;
let fx: Fixture;

before(async () => {
  catalog = await openCatalog(await buildFixture(), [fixtureDefinition]);
  app = createApp({ info: { title: 'Test', description: 'Hostile' }, catalog: () => catalog });
  server = hardenServer(createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app));
  fx = await buildAccessFixture();
});
after(async () => {
  await catalog.close();
  await fx.catalog.close();
});

describe('pages: security headers, no inline code', () => {
  for (const path of HTML_PAGES) {
    it(`${path}: CSP (scripts from the server only, MapLibre workers from blob:), nosniff, Referrer-Policy`, async () => {
      const res = await request(app).get(path).set('Accept', 'text/html').expect(200);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /worker-src 'self' blob:/);
      assert.match(csp, /object-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'strict-origin-when-cross-origin');
      // Every script is a file of this server or a JSON data block: nothing for 'unsafe-inline' to allow.
      for (const tag of res.text.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc="|type="application\/json"/, `${path}: ${tag}`);
      assert.ok(!/\son[a-z]+=/i.test(res.text), `${path}: no inline event handler`);
    });
  }
  it('JSON answers and errors carry nosniff too', async () => {
    for (const path of ['/collections', '/collections/nope', '/collections/sites/items?limit=abc']) {
      const res = await request(app).get(path);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
    }
  });
  it('data written into a page cannot close its JSON block nor its attributes', async () => {
    const evil = '</script><script>alert(1)</script>"\'><img src=x onerror=alert(1)>';
    const res = await request(app).get(`/collections/sites/items?f=html&filter=${encodeURIComponent(`nom = '${evil.replace(/'/g, "''")}'`)}&sortby=${encodeURIComponent('nom')}`).expect(200);
    assert.match(res.text, /&lt;\/script&gt;&lt;script&gt;alert\(1\)/, 'shown escaped in the filter field');
    assert.ok(!res.text.includes('<script>alert(1)') && !res.text.includes('<img src=x'), res.text.slice(0, 300));
  });
});

describe('URL and header caps', () => {
  it(`a URL over ${MAX_URL_LENGTH} characters: 414 with an OGC body`, async () => {
    const res = await request(server).get(`/collections/sites/items?filter=${'a'.repeat(MAX_URL_LENGTH)}`);
    assert.equal(res.status, 414);
    assert.equal(res.body.code, 'URITooLong');
    assert.match(res.body.description, /URL trop longue/);
  });
  it('headers over the server limit: 431 with an OGC body (from the HTTP parser)', async () => {
    const res = await request(server).get('/').set('X-Big', 'x'.repeat(MAX_HEADER_SIZE + 10));
    assert.equal(res.status, 431);
    assert.equal(res.body.code, 'RequestHeaderFieldsTooLarge');
  });
  it('a malformed request line: 400 with an OGC body', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('GET /\u0001 HTTP/1.1\r\nHost: x\r\n\r\n'));
        let data = '';
        socket.on('data', (d) => { data += d; }).on('end', () => resolve(data)).on('error', reject);
      });
      assert.match(answer, /^HTTP\/1\.1 400/);
      assert.match(answer, /"code":"BadRequest"/);
    } finally { server.close(); }
  });
});

describe('paths that do not decode', () => {
  it('a path segment with a bad percent-encoding is a 400 with an OGC body, not a 500', async () => {
    for (const path of ['/collections/%ff', '/collections/sites/items/%%', '/collections/sites/tiles/%E0%A4%A/0/0/0', '/tileMatrixSets/%C0']) {
      const res = await request(app).get(path);
      assert.equal(res.status, 400, path);
      assert.equal(res.body.code, 'InvalidParameterValue');
    }
  });
});

describe('CQL2 and sort bounds: 400 naming the bound, in French', () => {
  const q = (filter: string, lang = 'cql2-text') => `/collections/sites/items?filter-lang=${lang}&filter=${encodeURIComponent(filter)}`;
  const refused = async (url: string, pattern: RegExp) => {
    const res = await request(server).get(url);
    assert.equal(res.status, 400, url.slice(0, 100));
    assert.match(res.body.description, /« filter »|« offset »/);
    assert.match(res.body.description, pattern);
  };
  it(`IN lists and array literals: at most ${MAX_LIST_ITEMS} items`, async () => {
    const codes = Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => `'${i}'`).join(',');
    await refused(q(`usage IN (${codes})`), /liste IN trop longue : 1001 valeurs, au plus 1000/);
    await refused(q(JSON.stringify({ op: 'in', args: [{ property: 'usage' }, Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => i)] }), 'cql2-json'), /liste IN trop longue/);
    await refused(q(`A_CONTAINS(tags, (${codes}))`), /tableau trop long/);
    assert.equal((await request(server).get(q(`usage IN (${Array.from({ length: MAX_LIST_ITEMS }, (_, i) => `'${i}'`).join(',')})`))).status, 200, 'the bound itself passes');
  });
  it(`geometries: at most ${MAX_COORDINATES} positions`, async () => {
    const ring = Array.from({ length: MAX_COORDINATES }, (_, i) => `${i % 50} ${Math.floor(i / 50)}`);
    await refused(q(`S_INTERSECTS(geometry, POLYGON((${[...ring, ring[0]].join(',')})))`), /géométrie trop détaillée : plus de 2000 positions/);
    const coordinates = [Array.from({ length: MAX_COORDINATES + 1 }, (_, i) => [i % 90, 45])];
    await refused(q(JSON.stringify({ op: 's_intersects', args: [{ property: 'geometry' }, { type: 'MultiLineString', coordinates }] }), 'cql2-json'), /géométrie trop détaillée/);
  });
  it('depth and length bounds stay', async () => {
    await refused(q(`${'('.repeat(100)}annee = 1${')'.repeat(100)}`), /nested too deeply|profond/);
    await refused(q(Array.from({ length: 3000 }, () => 'annee = 1').join(' OR ')), /too long|trop long/);
  });
  it('a deep sorted page costs its page only: the order is kept as file positions', async () => {
    const res = await request(server).get('/collections/sites/items?sortby=volume&offset=99999999&limit=10');
    assert.equal(res.status, 200);
    assert.equal(res.body.features.length, 0);
    assert.equal(res.body.numberMatched, (await catalog.get('sites')!.provider.stats()).featuresCount);
  });
  it('a result too large to order whole: a sorted page deeper than the heap bound is refused, not held in memory', async () => {
    const { provider } = catalog.get('sites')!;
    const query = { offset: MAX_SORTED_DEPTH, limit: 10, count: false, sort: [{ property: 'volume', descending: false }] };
    // An order of at most 10 positions: this result is "too large", so the bounded heap takes over.
    await assert.rejects(runQuery(provider, query, { orders: new SortOrders(1 << 20, 10), key: 'k' }),
      (e: Error & { parameter?: string }) => /« offset »|offset/.test(`${e.message} ${e.parameter ?? ''}`) && /100000/.test(e.message));
    const shallow = await runQuery(provider, { ...query, offset: 0 }, { orders: new SortOrders(1 << 20, 10), key: 'k' });
    let n = 0;
    for await (const _ of shallow.features) n++;
    assert.equal(n, 10);
  });
});

describe('access: CORS never with credentials, credentials never logged', () => {
  it('public data: Access-Control-Allow-Origin *, never Allow-Credentials, restricted answers included', async () => {
    for (const [path, auth] of [['/collections/lieux/items', undefined], ['/collections/secrets/items', `Basic ${Buffer.from('alice:correct horse battery').toString('base64')}`]] as const) {
      const r = request(fx.app).get(path).set('Origin', 'https://evil.example');
      const res = await (auth ? r.set('Authorization', auth) : r);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.equal(res.headers['access-control-allow-credentials'], undefined);
    }
    const { app: listed } = fx.appWith({ cors: { origins: ['https://carte.example.org'] } });
    const ok = await request(listed).get('/collections/secrets/items').set('Origin', 'https://carte.example.org').set('X-API-Key', fx.keys.alice).expect(200);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://carte.example.org');
    assert.equal(ok.headers['access-control-allow-credentials'], undefined);
    const other = await request(listed).get('/collections/lieux/items').set('Origin', 'https://evil.example').expect(200);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });
  it('refused keys, passwords and tokens do not reach the log, nor do accepted ones', async () => {
    const lines: string[] = [];
    const logger = { warn: (details: object, message?: string) => { lines.push(JSON.stringify(details) + (message ?? '')); } };
    const access = withAccess(fx.config, () => fx.catalog, { logger });
    const logged = createApp({ info: { title: 'T', description: 'T' }, catalog: access.catalog, before: access.before,
      logger: { error: (d: object, m?: string) => lines.push(JSON.stringify(d) + (m ?? '')) } as never });
    const secrets = ['prk_wrongid_wrongsecretvalue', 'not-the-password-42', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'];
    await request(logged).get(`/collections/lieux/items?apikey=${secrets[0]}`);
    await request(logged).get('/collections').set('X-API-Key', secrets[0]);
    await request(logged).get('/collections').set('Authorization', basic('alice', secrets[1]));
    await request(logged).get('/collections').set('Authorization', `Bearer ${secrets[2]}`);
    await request(logged).get(`/collections/secrets/items?apikey=${fx.keys.alice}`).expect(200);
    assert.ok(lines.length >= 3, 'refusals are logged');
    for (const s of [...secrets, fx.keys.alice, fx.passwords.alice]) assert.ok(!lines.some((l) => l.includes(s)), `${s.slice(0, 12)}… not in the log`);
  });
});

describe('slow clients', () => {
  it('the CLI server bounds headers, request, keep-alive and idle sockets', () => {
    const s = hardenServer(createServer());
    assert.equal(s.headersTimeout, SERVER_TIMEOUTS.headersTimeout);
    assert.equal(s.requestTimeout, SERVER_TIMEOUTS.requestTimeout);
    assert.equal(s.keepAliveTimeout, SERVER_TIMEOUTS.keepAliveTimeout);
    assert.equal(s.timeout, SERVER_TIMEOUTS.socketTimeout);
    assert.ok(s.headersTimeout <= s.requestTimeout);
  });
  it('a client that connects and sends nothing is disconnected', async () => {
    const s = hardenServer(createServer(app), { ...SERVER_TIMEOUTS, socketTimeout: 300 });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    try {
      const port = (s.address() as { port: number }).port;
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
        socket.on('close', () => resolve()).on('error', reject).on('data', () => undefined);
      });
    } finally { s.close(); }
  });
});
