// Faults while serving: a client going away mid-export stops the read; a local disk read error on
// a range read is a 503 for that request (the process and the other collections carry on).
import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { Catalog, openCatalog, type ServedCollection } from '../../server/catalog.js';
import type { Feature, Provider, ProviderQuery, ProviderResult } from '../../server/types.js';
import { dataDir, DEFINITIONS } from './helpers.js';

/** Counts the features a provider hands out, whichever way they are asked for. */
class CountingProvider implements Provider {
  pulled = 0;
  constructor(private inner: Provider) {}
  private async *count<T>(items: AsyncIterable<T>, weight: (item: T) => number): AsyncGenerator<T> {
    for await (const item of items) { this.pulled += weight(item); yield item; }
  }
  stats() { return this.inner.stats(); }
  async query(query: ProviderQuery): Promise<ProviderResult> {
    const result = await this.inner.query(query);
    return { ...result, features: this.count(result.features, () => 1) };
  }
  scan(...args: Parameters<Provider['scan']>) { return this.count(this.inner.scan(...args), () => 1); }
  scanBatches(...args: Parameters<Provider['scan']>) { return this.count(this.inner.scanBatches!(...args), (b: Feature[]) => b.length); }
  get(id: string) { return this.inner.get(id); }
  close() { return this.inner.close(); }
}

describe('client going away mid-export', () => {
  let base: Catalog;
  let counting: CountingProvider;
  let server: Server;
  let url: string;
  const TOTAL = 3000 * 30;

  before(async () => {
    base = await openCatalog(await dataDir(3000), DEFINITIONS); // 90,000 features: more than loopback socket buffers hold
    const sites = base.get('sites')!;
    counting = new CountingProvider(sites.provider);
    const served: ServedCollection[] = [{ definition: sites.definition, provider: counting }, base.get('autres')!];
    const app = createApp({ info: { title: 'T', description: 'T' }, catalog: () => new Catalog(served) });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await base.close();
  });

  for (const f of ['csv', 'geojsonseq', 'fgb']) {
    it(`${f}: reading stops once the client has gone`, async () => {
      counting.pulled = 0;
      await new Promise<void>((resolve, reject) => {
        const req = get(`${url}/collections/sites/items?f=${f}`, (res) => {
          assert.equal(res.statusCode, 200);
          res.once('data', () => { req.destroy(); resolve(); }); // first bytes, then hang up
        });
        req.on('error', (error) => { if (!req.destroyed) reject(error); });
      });
      // Let the server notice (socket close), then check that the count no longer moves.
      let last = -1;
      for (let i = 0; i < 100 && counting.pulled !== last; i++) { last = counting.pulled; await new Promise((r) => setTimeout(r, 100)); }
      const settled = counting.pulled;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(counting.pulled, settled, 'no read after the abort settled');
      assert.ok(settled < TOTAL, `${settled} of ${TOTAL} features read: the export went on without its client`);
    });
  }

  it('the count is right: an export read to its end counts what it wrote', async () => {
    counting.pulled = 0;
    const response = await request(url).get('/collections/sites/items?f=csv&limit=1000');
    assert.equal(response.status, 200);
    assert.equal(response.text.trim().split('\n').length, 1001); // header + 1000 rows
    // One feature read ahead tells whether the page has a `next` Link; nothing more is read.
    assert.equal(counting.pulled, 1001);
  });
});

describe('local disk read error on a range read', () => {
  it('answers 503 for that request, and the server carries on', async () => {
    const dir = await dataDir(100);
    const catalog = await openCatalog(dir, DEFINITIONS);
    try {
      const lines: unknown[] = [];
      const app = createApp({ info: { title: 'T', description: 'T' }, catalog: () => catalog, logger: { error: (o: unknown) => lines.push(o) } as never });
      assert.equal((await request(app).get('/collections/sites/items?limit=10')).status, 200);
      // The file handle under the provider's cache fails from now on (EBADF): a real read error of
      // node's fs, as a failing disk gives EIO. Pages already cached may still be served.
      const source = (catalog.get('sites')!.provider as unknown as { source: { inner: { handle: { close(): Promise<void> } } } }).source;
      await source.inner.handle.close();
      const page = await request(app).get('/collections/sites/items?limit=50&offset=2000');
      assert.equal(page.status, 503, page.text.slice(0, 300));
      assert.equal(page.body.code, 'ServiceUnavailable');
      assert.match(page.body.description, /« sites »/);
      assert.ok(!page.text.includes(dir));
      const csv = await request(app).get('/collections/sites/items?f=csv');
      assert.ok(csv.status === 503 || csv.status === 200, `export: ${csv.status}`); // 200 once headers are out: the body is cut
      assert.equal((await request(app).get('/collections/sites/items/S001-70')).status, 503);
      assert.equal((await request(app).get('/collections/autres/items')).status, 200, 'other collections serve');
      assert.ok(lines.some((l) => JSON.stringify(l).includes(`${dir}/sites.fgb`)), 'the log names the file');
    } finally {
      await catalog.close().catch(() => undefined);
    }
  });
});
