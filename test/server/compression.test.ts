// Compressed answers: brotli or gzip by Accept-Encoding, decoding to the very bytes of the
// uncompressed answer; cached pages, features and tiles compressed once and sent as stored;
// Vary and an ETag per encoding.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createApp, defaultParts } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { EncodedBody } from '../../server/compression.js';
import { buildFixture, fixtureDefinition } from '../fixtures.js';

let server: Server;
let catalog: Catalog;
let port: number;
before(async () => {
  catalog = await openCatalog(await buildFixture(), [fixtureDefinition]);
  const app = createApp({ info: { title: 'Test', description: 'Compression' }, catalog: () => catalog, parts: defaultParts() });
  server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => { server.close(); await catalog.close(); });

interface Raw { status: number; headers: IncomingHttpHeaders; body: Buffer }
function raw(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
function decode(r: Raw): Buffer {
  const enc = r.headers['content-encoding'];
  return enc === 'br' ? brotliDecompressSync(r.body) : enc === 'gzip' ? gunzipSync(r.body) : r.body;
}

const PAGE = '/collections/sites/items?limit=30';

describe('compression', () => {
  it('a GeoJSON page: brotli preferred, gzip when asked, none without Accept-Encoding — same bytes decoded', async () => {
    await raw(PAGE); // fills the page cache: the same body is then sent in every encoding
    const plain = await raw(PAGE);
    const br = await raw(PAGE, { 'Accept-Encoding': 'gzip, deflate, br' });
    const gz = await raw(PAGE, { 'Accept-Encoding': 'gzip' });
    const noBr = await raw(PAGE, { 'Accept-Encoding': 'br;q=0, gzip' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(noBr.headers['content-encoding'], 'gzip');
    for (const r of [br, gz, noBr]) {
      assert.deepEqual(decode(r), plain.body);
      assert.equal(Number(r.headers['content-length']), r.body.length);
      assert.match(String(r.headers.vary), /Accept-Encoding/i);
      assert.ok(r.body.length < plain.body.length / 3, `${r.body.length} vs ${plain.body.length}`);
    }
  });

  it('an ETag per encoding, and If-None-Match with any of them is a 304', async () => {
    const plain = await raw(PAGE);
    const br = await raw(PAGE, { 'Accept-Encoding': 'br' });
    const gz = await raw(PAGE, { 'Accept-Encoding': 'gzip' });
    const tags = [plain, br, gz].map((r) => String(r.headers.etag));
    assert.equal(new Set(tags).size, 3, tags.join(' '));
    assert.match(tags[1], /-br"$/);
    assert.match(tags[2], /-gzip"$/);
    for (const tag of tags) assert.equal((await raw(PAGE, { 'Accept-Encoding': 'br', 'If-None-Match': tag })).status, 304);
  });

  it('a page rendered for the first time is compressed as it streams', async () => {
    const path = '/collections/sites/items?limit=25&offset=1';
    const br = await raw(path, { 'Accept-Encoding': 'br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers.etag), /-br"$/);
    const doc = JSON.parse(decode(br).toString());
    assert.equal(doc.features.length, 25);
    assert.deepEqual(decode(await raw(path, { 'Accept-Encoding': 'gzip' })), (await raw(path)).body, 'cached copy, other encodings');
  });

  it('a cached feature, CSV and GeoJSON-seq exports, HTML, the OpenAPI document and a tile', async () => {
    const feature = '/collections/sites/items/S000';
    await raw(feature);
    for (const path of [feature, '/collections/sites/items?f=csv', '/collections/sites/items?f=geojsonseq', '/collections/sites/items?f=html&limit=30', '/api', '/collections/sites/tiles/WebMercatorQuad/0/0/0']) {
      const plain = await raw(path);
      const gz = await raw(path, { 'Accept-Encoding': 'gzip' });
      assert.equal(plain.status, 200, path);
      if (plain.body.length < 1024) { assert.equal(gz.headers['content-encoding'], undefined, `${path}: small bodies go as they are`); continue; }
      assert.equal(gz.headers['content-encoding'], 'gzip', path);
      assert.deepEqual(decode(gz), plain.body, path);
    }
  });

  it('small answers are not compressed', async () => {
    const r = await raw('/collections/sites/items/NOPE', { 'Accept-Encoding': 'br' });
    assert.equal(r.status, 404);
    assert.equal(r.headers['content-encoding'], undefined);
  });

  it('a cached body is compressed once per encoding', async () => {
    const body = new EncodedBody(Buffer.from('x'.repeat(10_000)));
    const [a, b] = await Promise.all([body.get('br'), body.get('br')]);
    assert.equal(a, b, 'the same buffer, made once');
    assert.equal(await body.get('br'), a);
    assert.ok(body.bytes > 10_000 && body.bytes < 10_200);
  });
});
