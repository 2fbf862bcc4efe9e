// GeoJSON pages carry a weak ETag of (collection, data version, format, base URL, parameters):
// If-None-Match gives a 304; a page asked again is served whole from a bounded cache.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type { Server } from 'node:http';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { PageCache, etagMatches } from '../../server/page-cache.js';
import { buildFixture, fixtureDefinition } from '../fixtures.js';

let catalog: Catalog;
let app: Server; // one listening server: one Host header, hence one base URL, for every request
before(async () => {
  catalog = await openCatalog(await buildFixture(), [fixtureDefinition]);
  app = createApp({ info: { title: 'T', description: 'D' }, catalog: () => catalog }).listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
});
after(async () => {
  app.closeAllConnections();
  app.close();
  await catalog.close();
});

describe('items pages: ETag and page cache', () => {
  it('a page asked again is the same body, with a Content-Length and the same weak ETag', async () => {
    const first = await request(app).get('/collections/sites/items?limit=5&usage=AEP').set('Accept-Encoding', 'identity').expect(200);
    // Same parameters, another order; uncompressed (compression.test.ts checks the encoded variants).
    const again = await request(app).get('/collections/sites/items?usage=AEP&limit=5').set('Accept-Encoding', 'identity').expect(200);
    assert.match(first.headers.etag, /^W\/"/);
    assert.equal(again.headers.etag, first.headers.etag);
    assert.equal(again.text, first.text, 'served from the cache: even timeStamp is the same');
    assert.equal(again.headers['content-length'], String(Buffer.byteLength(first.text)));
    assert.equal(again.headers['content-type'], first.headers['content-type']);
    assert.equal(again.body.numberReturned, 5);
  });

  it('If-None-Match gives a 304; another page, format or base URL another tag', async () => {
    const page = await request(app).get('/collections/sites/items?limit=3').expect(200);
    const tag = page.headers.etag;
    await request(app).get('/collections/sites/items?limit=3').set('If-None-Match', tag).expect(304);
    await request(app).get('/collections/sites/items?limit=3').set('If-None-Match', `"x", ${tag.replace(/^W\//, '')}`).expect(304);
    const next = await request(app).get('/collections/sites/items?limit=3&offset=3').expect(200);
    assert.notEqual(next.headers.etag, tag);
    const json = await request(app).get('/collections/sites/items?limit=3&f=json').expect(200);
    assert.notEqual(json.headers.etag, tag);
    const proxied = await request(app).get('/collections/sites/items?limit=3').set('X-Forwarded-Host', 'example.org').set('Host', 'example.org').expect(200);
    assert.notEqual(proxied.headers.etag, tag);
    assert.ok(proxied.body.links.every((l: { href: string }) => l.href.includes('example.org')), 'links of its own base URL, not a cached page of another');
  });

  it('a bad request is never answered from the cache; HTML pages are not cached', async () => {
    await request(app).get('/collections/sites/items?limit=3').expect(200);
    await request(app).get('/collections/sites/items?limit=3&bogus=1').expect(400);
    const json = await request(app).get('/collections/sites/items?limit=3&f=json').expect(200);
    const html = await request(app).get('/collections/sites/items?limit=3&f=html').expect(200);
    assert.match(html.headers['content-type'], /^text\/html/);
    assert.notEqual(html.headers.etag, json.headers.etag);
  });

  it('a new data version changes the tag (the cache never serves an old version)', async () => {
    const before = (await request(app).get('/collections/sites/items?limit=2').expect(200)).headers.etag;
    const other = await openCatalog(await buildFixture(), [fixtureDefinition]); // rebuilt: a new file, a new version
    const swapped = createApp({ info: { title: 'T', description: 'D' }, catalog: () => other }).listen(0, '127.0.0.1');
    await new Promise((resolve) => swapped.once('listening', resolve));
    const after = (await request(swapped).get('/collections/sites/items?limit=2').set('Host', `127.0.0.1:${(app.address() as { port: number }).port}`).expect(200)).headers.etag;
    swapped.closeAllConnections();
    swapped.close();
    await other.close();
    assert.notEqual(after, before);
  });

  it('single features: the same document again, ETag and 304; unknown ids stay 404', async () => {
    const id = (await request(app).get('/collections/sites/items?limit=1').expect(200)).body.features[0].id;
    const first = await request(app).get(`/collections/sites/items/${id}`).set('Accept-Encoding', 'identity').expect(200);
    const again = await request(app).get(`/collections/sites/items/${id}`).set('Accept-Encoding', 'identity').expect(200);
    assert.equal(again.text, first.text);
    assert.match(first.headers.etag, /^W\//);
    assert.equal(again.headers['content-length'], String(Buffer.byteLength(first.text)));
    await request(app).get(`/collections/sites/items/${id}`).set('If-None-Match', first.headers.etag).expect(304);
    await request(app).get('/collections/sites/items/NOPE').expect(404);
    await request(app).get('/collections/sites/items/NOPE').expect(404);
    const html = await request(app).get(`/collections/sites/items/${id}?f=html`).expect(200);
    assert.match(html.headers['content-type'], /^text\/html/);
  });

  it('the cache is bounded by bytes and expires', async () => {
    const cache = new PageCache(8000, 60_000);
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, Buffer.alloc(100));
    assert.ok(cache.size.bytes <= 8000 && cache.size.entries < 100);
    assert.equal(cache.get('k0'), undefined, 'oldest evicted');
    assert.ok(cache.get('k99'));
    cache.set('huge', Buffer.alloc(2000));
    assert.equal(cache.get('huge'), undefined, 'a body over an eighth of the cache is not kept');
    const stale = new PageCache(1000, 10);
    stale.set('k', Buffer.alloc(10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(stale.get('k'), undefined);
    assert.equal(etagMatches('*', 'W/"a"'), true);
    assert.equal(etagMatches('"b"', 'W/"a"'), false);
  });
});
