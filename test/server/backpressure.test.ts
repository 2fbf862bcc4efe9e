// A compressed export to a slow client waits for 'drain' many times: the waits must not pile
// listeners on the compression stream (it forwards `on('drain')` but not `off`), and the body must
// arrive whole.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip } from 'node:zlib';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { dataDir, DEFINITIONS } from '../reliability/helpers.js';

let catalog: Catalog;
let server: Server;
let url: string;
before(async () => {
  catalog = await openCatalog(await dataDir(1000), DEFINITIONS); // 30,000 features
  server = createServer(createApp({ info: { title: 'T', description: 'T' }, catalog: () => catalog }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await catalog.close();
});

describe('backpressure on compressed streams', () => {
  for (const f of ['csv', 'geojsonseq', 'json']) {
    it(`f=${f}, gzip, read slowly: no listener piles up, the body arrives whole`, async () => {
      const warnings: Error[] = [];
      const onWarning = (w: Error) => { if (w.name === 'MaxListenersExceededWarning') warnings.push(w); };
      process.on('warning', onWarning);
      try {
        const text = await new Promise<string>((resolve, reject) => {
          const req = get(`${url}/collections/sites/items?f=${f}${f === 'json' ? '&limit=10000' : ''}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
            assert.equal(res.headers['content-encoding'], 'gzip');
            const chunks: Buffer[] = [];
            const gunzip = createGunzip();
            gunzip.on('data', (d: Buffer) => chunks.push(d)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
            // A slow reader: pause after each chunk so that the server's writes wait for 'drain'.
            res.on('data', (d: Buffer) => { gunzip.write(d); res.pause(); setTimeout(() => res.resume(), 1); });
            res.on('end', () => gunzip.end());
          });
          req.on('error', reject);
        });
        await new Promise((r) => setImmediate(r));
        assert.deepEqual(warnings.map((w) => w.message), []);
        if (f === 'csv') assert.equal(text.trim().split('\n').length, 30_001);
        if (f === 'geojsonseq') assert.equal(text.trim().split('\n').length, 30_000);
        if (f === 'json') assert.equal(JSON.parse(text).features.length, 10_000);
      } finally {
        process.off('warning', onWarning);
      }
    });
  }
});
