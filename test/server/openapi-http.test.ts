// /api validates against the OpenAPI 3.0 schema; a FlatGeobuf served over HTTP is read by range.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import request from 'supertest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { buildCollections } from '../../collections/build.js';
import { buildFixture, fixtureDefinition, fixtureRecords } from '../fixtures.js';

let dir: string;
let catalog: Catalog;
before(async () => {
  dir = await buildFixture();
  catalog = await openCatalog(dir, [fixtureDefinition]);
});
after(() => catalog.close());

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.0 document', async () => {
    const app = createApp({ info: { title: 'T', description: 'OpenAPI' }, catalog: () => catalog });
    const doc = JSON.parse((await request(app).get('/api').expect(200)).text);
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
    assert.equal(doc.openapi.slice(0, 3), '3.0');
  });
});

describe('OpenAPI media type', () => {
  // QGIS asks /api with this Accept to read the page size (limit's default and maximum); a 406 made it page by 100.
  it('Accept: application/vnd.oai.openapi+json;version=3.0 gets the document, in that media type', async () => {
    const app = createApp({ info: { title: 'T', description: 'OpenAPI' }, catalog: () => catalog });
    for (const accept of ['application/vnd.oai.openapi+json;version=3.0', 'application/vnd.oai.openapi+json', 'application/vnd.oai.openapi+json;version=3.0, application/json;q=0.5']) {
      const res = await request(app).get('/api').set('Accept', accept);
      assert.equal(res.status, 200, accept);
      assert.match(res.headers['content-type'], /^application\/vnd\.oai\.openapi\+json;\s*version=3\.0/, accept);
      // Where QGIS looks for it: #/components/parameters/limit, referenced by every items path.
      const doc = JSON.parse(res.text);
      assert.deepEqual(doc.paths[`/collections/${fixtureDefinition.id}/items`].get.parameters.filter((p: { $ref?: string }) => p.$ref), [{ $ref: '#/components/parameters/limit' }]);
      const { limit } = doc.components.parameters;
      assert.deepEqual([limit.name, limit.in, limit.style, limit.explode, limit.schema.default, limit.schema.maximum], ['limit', 'query', 'form', false, 10, 10000]);
    }
    assert.match((await request(app).get('/api').set('Accept', 'text/html')).headers['content-type'], /text\/html/);
  });
});

describe('FlatGeobuf over HTTP range requests', () => {
  let files: Server;
  const ranges: string[] = [];
  let base = '';
  let bigDir = '';
  let fetched = 0;
  before(async () => {
    // Large enough (~10 MB) that reading it whole would show in the bytes fetched.
    bigDir = mkdtempSync(join(tmpdir(), 'fgb-http-'));
    const template = fixtureRecords();
    await buildCollections(bigDir, [{ definition: fixtureDefinition, records: (function* () {
      for (let i = 0; i < 60_000; i++) {
        const { lon, lat, ...p } = template[i % template.length];
        yield { properties: { ...p, code: `B${String(i).padStart(6, '0')}` }, lon: lon + (i % 97) * 0.01, lat: lat + (i % 89) * 0.01 };
      }
    })() }]);
    // A static file server honouring Range, as S3 or nginx would; it records what was asked.
    files = createServer((req, res) => {
      const path = join(bigDir, req.url!.slice(1));
      const size = statSync(path).size;
      const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
      if (!range) { res.writeHead(200, { 'content-length': size }); createReadStream(path).pipe(res); return; }
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      ranges.push(`${start}-${end}`);
      fetched += end - start + 1;
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1, etag: '"v1"' });
      createReadStream(path, { start, end }).pipe(res);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    const address = files.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(() => new Promise<void>((resolve) => files.close(() => resolve())));

  it('serves items, bbox and ids from a URL, by ranges only', async () => {
    const remote = await openCatalog(bigDir, [{ ...fixtureDefinition, source: `${base}/sites.fgb` }]);
    try {
      const app = createApp({ info: { title: 'T', description: 'HTTP' }, catalog: () => remote });
      const page = await request(app).get('/collections/sites/items?limit=5').expect(200);
      assert.equal(page.body.numberMatched, 60_000);
      assert.equal(page.body.features.length, 5);
      const deep = await request(app).get('/collections/sites/items?limit=3&offset=45000').expect(200);
      assert.equal(deep.body.features.length, 3);
      const bbox = await request(app).get('/collections/sites/items?bbox=2.34,48.85,2.36,48.86&limit=1000').expect(200);
      assert.ok(bbox.body.numberMatched > 0 && bbox.body.features.every((f: any) => f.properties.nom === 'Paris'));
      const one = await request(app).get('/collections/sites/items/B012345').expect(200);
      assert.equal(one.body.id, 'B012345');
      const size = statSync(join(bigDir, 'sites.fgb')).size;
      assert.ok(ranges.length > 0, 'range requests were made');
      assert.ok(fetched < size / 4, `fetched ${fetched} bytes of a ${size}-byte file`);
    } finally {
      await remote.close();
    }
  });
});
