// zstd with the real codec: Node 20 (this project's runtime) has none, so this runs the server under a
// Node that has zstd in zlib (≥ 22.15), named by ZSTD_NODE (.ci/run installs one from the npm registry),
// and compares decoded answers with the uncompressed ones. Skipped without it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const node = process.env.ZSTD_NODE;
const dist = (path: string) => new URL(`../../${path}`, import.meta.url).href;

// Runs in the other Node: a fixture server, and each path fetched plain and with Accept-Encoding: zstd
// (twice: rendered for the first time, then from the cache).
const child = `
import { createServer, get } from 'node:http';
import zlib from 'node:zlib';
const { createApp, defaultParts } = await import(${JSON.stringify(dist('server/app.js'))});
const { openCatalog } = await import(${JSON.stringify(dist('server/catalog.js'))});
const { buildFixture, fixtureDefinition } = await import(${JSON.stringify(dist('test/fixtures.js'))});
const catalog = await openCatalog(await buildFixture(), [fixtureDefinition]);
const app = createApp({ info: { title: 'zstd', description: 'zstd' }, catalog: () => catalog, parts: defaultParts() });
const server = createServer(app).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const port = server.address().port;
const raw = (path, headers = {}) => new Promise((resolve, reject) => {
  get({ host: '127.0.0.1', port, path, headers }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
  }).on('error', reject);
});
const out = [];
for (const path of ['/collections/sites/items?limit=26&offset=3', '/collections/sites/items?f=csv', '/api', '/collections/sites/tiles/WebMercatorQuad/0/0/0']) {
  const first = await raw(path, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
  const plain = await raw(path);
  const cached = await raw(path, { 'Accept-Encoding': 'zstd' });
  const same = (r) => r.headers['content-encoding'] === 'zstd' && zlib.zstdDecompressSync(r.body).equals(plain.body);
  out.push({ path, first: same(first), cached: same(cached), etag: cached.headers.etag, vary: cached.headers.vary, plain: plain.body.length, zstd: cached.body.length });
}
server.close();
await catalog.close();
process.stdout.write(JSON.stringify(out));
`;

describe('zstd on a Node that has it', { skip: !node || !existsSync(node) ? 'ZSTD_NODE does not name a Node ≥ 22.15 (.ci/run installs one)' : false }, () => {
  it('pages, exports, documents and tiles: zstd preferred, decoding to the uncompressed bytes, streamed and cached', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(node!, ['--input-type=module', '-e', child], { cwd: fileURLToPath(dist('')), timeout: 60_000 }, (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out)));
    });
    const rows = JSON.parse(stdout) as { path: string; first: boolean; cached: boolean; etag: string; vary: string; plain: number; zstd: number }[];
    assert.equal(rows.length, 4);
    for (const r of rows) {
      assert.ok(r.first, `${r.path}: streamed zstd decodes to the plain answer`);
      assert.ok(r.cached, `${r.path}: cached zstd decodes to the plain answer`);
      assert.match(String(r.vary), /Accept-Encoding/i, r.path);
      // Pages and tiles carry an ETag, of the encoding sent.
      if (r.path.includes('limit=') || r.path.includes('/tiles/')) assert.ok(r.etag, `${r.path}: ETag`);
      if (r.etag) assert.match(r.etag, /-zstd"$/, r.path);
      assert.ok(r.zstd < r.plain / 2, `${r.path}: ${r.zstd} of ${r.plain} bytes`);
    }
  });
});
