// Random and mutated query strings on every endpoint: never a 5xx, a 4xx always has an OGC body.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import request from 'supertest';
import type { Server } from 'node:http';
import { createApp, MAX_HEADER_SIZE } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { buildFixture, fixtureDefinition } from '../fixtures.js';

let server: Server;
let catalog: Catalog;
before(async () => {
  catalog = await openCatalog(await buildFixture(), [fixtureDefinition]);
  server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, createApp({ info: { title: 'T', description: 'fuzz' }, catalog: () => catalog }));
});
after(() => catalog.close());

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

const PATHS = ['/', '/conformance', '/api', '/collections', '/collections/sites', '/collections/sites/items', '/collections/sites/items/S001', '/collections/sites/queryables', '/collections/sites/sortables', '/collections/sites/schema', '/collections/x/items', '/tileMatrixSets/WebMercatorQuad', '/collections/sites/tiles/WebMercatorQuad', '/collections/sites/tiles/WebMercatorQuad/9/175/259', '/tiles/WorldCRS84Quad/3/2/9', '/tiles/WebMercatorQuad/99/1/1'];
const NAMES = ['limit', 'offset', 'bbox', 'bbox-crs', 'crs', 'datetime', 'filter', 'filter-lang', 'filter-crs', 'sortby', 'properties', 'skipGeometry', 'f', 'usage', 'annee', 'actif', 'tags', 'volume', 'x'];
const VALUES = ['', '0', '-1', '10', '1e309', 'NaN', '2.2,48.7,2.5,49.0', '1,2,3', 'a,b,c,d', '2020-01-01/..', '../..', 'true', 'maybe', 'json', 'html', 'xml',
  "annee = 2020", "usage IN ('AEP'", 'S_INTERSECTS(geometry,BBOX(0,0,1,1))', '((((', '%', "'", '\u0000', 'EPSG:2154', 'http://www.opengis.net/def/crs/EPSG/0/4326', '-volume,+code', 'nom,annee', '{"op":"="}', '[]', 'é'.repeat(50)];

describe('HTTP fuzzing', () => {
  it('2,000 random requests: no 5xx, 4xx bodies are {code, description}', async () => {
    const random = rng(42);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
    for (let i = 0; i < 2000; i++) {
      const params = new URLSearchParams();
      const n = Math.floor(random() * 4);
      for (let j = 0; j < n; j++) {
        let value = pick(VALUES);
        if (random() < 0.3) value = value.slice(0, Math.floor(random() * value.length)) + pick(VALUES);
        params.append(pick(NAMES), value);
      }
      const url = `${pick(PATHS)}?${params.toString()}`;
      const res = await request(server).get(url);
      assert.ok(res.status < 500, `${url} → ${res.status} ${res.text.slice(0, 200)}`);
      if (res.status >= 400) {
        assert.equal(typeof res.body.code, 'string', url);
        assert.equal(typeof res.body.description, 'string', url);
      }
    }
  });
});
