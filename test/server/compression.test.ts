// Compressed answers: brotli or gzip by Accept-Encoding, decoding to the very bytes of the
// uncompressed answer; cached pages, features and tiles compressed once and sent as stored;
// Vary and an ETag per encoding.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { createApp, defaultParts } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { EncodedBody, nativeZstd, useZstd, zstdOffered, type ZstdCodec } from '../../server/compression.js';
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

// Node 20 has no zstd: a stand-in codec (gzip bytes under the zstd name) checks negotiation, streaming,
// caching, Vary and ETags here; test/server/zstd-native.test.ts runs the real one on a Node that has it.
describe('zstd, where the runtime has it', () => {
  const made: string[] = [];
  const fake: ZstdCodec = {
    stream: () => { made.push('stream'); return createGzip(); },
    compress: async (data) => { made.push('once'); return gzipSync(data); },
  };
  const unzstd = (r: Raw) => (r.headers['content-encoding'] === 'zstd' ? gunzipSync(r.body) : decode(r));

  it('is not offered by a runtime without it', async () => {
    assert.equal(nativeZstd({ constants: {} } as never), null);
    if (zstdOffered()) return; // a newer Node: the native test covers it
    const r = await raw('/collections/sites/items?limit=28', { 'Accept-Encoding': 'zstd' });
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal((await raw('/collections/sites/items?limit=28', { 'Accept-Encoding': 'zstd, gzip' })).headers['content-encoding'], 'gzip');
  });

  it('streamed and cached answers: preferred when asked, same bytes decoded, its own ETag, Vary', async () => {
    const restore = useZstd(fake);
    try {
      const path = '/collections/sites/items?limit=27&offset=2';
      const first = await raw(path, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
      assert.equal(first.headers['content-encoding'], 'zstd');
      assert.deepEqual(made, ['stream'], 'rendered for the first time: streamed');
      assert.match(String(first.headers.etag), /-zstd"$/);
      assert.match(String(first.headers.vary), /Accept-Encoding/i);
      const plain = await raw(path);
      assert.deepEqual(unzstd(first), plain.body);
      const cached = await raw(path, { 'Accept-Encoding': 'zstd' });
      const again = await raw(path, { 'Accept-Encoding': 'zstd;q=1, br;q=0.5' });
      assert.deepEqual(made, ['stream', 'once'], 'the cached copy compressed once');
      for (const r of [cached, again]) {
        assert.equal(r.headers['content-encoding'], 'zstd');
        assert.deepEqual(unzstd(r), plain.body);
        assert.equal(Number(r.headers['content-length']), r.body.length);
      }
      assert.equal((await raw(path, { 'Accept-Encoding': 'zstd', 'If-None-Match': String(cached.headers.etag) })).status, 304);
      assert.equal((await raw(path, { 'Accept-Encoding': 'zstd;q=0.5, br' })).headers['content-encoding'], 'br', 'q-values first');
      assert.equal((await raw(path, { 'Accept-Encoding': 'zstd;q=0, gzip' })).headers['content-encoding'], 'gzip');
    } finally { restore(); }
  });

  it('exports, HTML and documents stream through it; small answers and HEAD go as they are', async () => {
    const restore = useZstd(fake);
    try {
      for (const path of ['/collections/sites/items?f=csv', '/collections/sites/items?f=geojsonseq', '/collections/sites/items?f=html&limit=31', '/api']) {
        const plain = await raw(path);
        const z = await raw(path, { 'Accept-Encoding': 'zstd' });
        assert.equal(z.headers['content-encoding'], 'zstd', path);
        assert.deepEqual(unzstd(z), plain.body, path);
      }
      const small = await raw('/collections/sites/items/NOPE', { 'Accept-Encoding': 'zstd' });
      assert.equal(small.status, 404);
      assert.equal(small.headers['content-encoding'], undefined);
      const head = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/api', method: 'HEAD', headers: { 'Accept-Encoding': 'zstd' } }, (res) => { res.resume(); resolve(res.headers); }).on('error', reject);
      });
      assert.equal(head['content-encoding'], undefined);
    } finally { restore(); }
  });
});
