// HTML pages without a browser: language negotiation, Vary, what each page holds, assets served
// from the server itself, and only the caller's catalog shown. (Rendering is in test/e2e/browser-pages.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { Catalog, openCatalog } from '../../server/catalog.js';
import { buildCollections } from '../../collections/build.js';
import { langOf } from '../../server/i18n.js';
import type { CollectionDefinition } from '../../server/types.js';
import { buildFixture, fixtureDefinition } from '../fixtures.js';

// A second collection the caller's scoped catalog leaves out.
const secretDefinition: CollectionDefinition = {
  id: 'secret', title: 'Collection réservée', description: 'Invisible', source: 'secret.fgb', idProperties: ['code'], geometryType: 'Point',
  properties: [{ name: 'code', type: 'string', title: 'Code' }],
};

let dir: string;
let full: Catalog;
let app: Express;

before(async () => {
  dir = await buildFixture();
  await buildCollections(dir, [{ definition: secretDefinition, records: [{ properties: { code: 'X1' }, lon: 2, lat: 48 }] }]);
  full = await openCatalog(dir, [fixtureDefinition, secretDefinition]);
  const scoped = new Catalog(full.list().filter((c) => c.definition.id !== 'secret'));
  app = createApp({ info: { title: 'Test', description: 'Pages' }, catalog: () => scoped });
});
after(async () => {
  await full.close();
  rmSync(dir, { recursive: true, force: true });
});

const PAGES = ['/', '/conformance', '/api', '/collections', '/collections/sites', '/collections/sites/items', '/collections/sites/items/S004',
  '/collections/sites/queryables', '/collections/sites/sortables', '/collections/sites/schema', '/tileMatrixSets', '/tileMatrixSets/WebMercatorQuad',
  '/collections/sites/tiles/WebMercatorQuad', '/tiles/WorldCRS84Quad'];

const html = (path: string, language?: string) => {
  const r = request(app).get(path).set('Accept', 'text/html');
  return language ? r.set('Accept-Language', language) : r;
};

describe('language', () => {
  it('Accept-Language picks fr or en by q-value; French otherwise', () => {
    const lang = (value?: string) => langOf({ headers: value === undefined ? {} : { 'accept-language': value } } as any);
    assert.equal(lang(), 'fr');
    assert.equal(lang('en'), 'en');
    assert.equal(lang('en-US,en;q=0.9'), 'en');
    assert.equal(lang('de-DE, en;q=0.5'), 'en');
    assert.equal(lang('fr;q=0.4, en;q=0.8'), 'en');
    assert.equal(lang('de'), 'fr');
    assert.equal(lang('en;q=0, *'), 'fr');
    assert.equal(lang('en;q=abc'), 'fr');
  });

  for (const path of PAGES) {
    it(`${path}: French by default, English with Accept-Language: en, Vary on both headers`, async () => {
      const fr = await html(path).expect(200);
      assert.match(fr.headers['content-type'], /text\/html/);
      assert.match(fr.text, /<html lang="fr">/);
      const en = await html(path, 'en').expect(200);
      assert.match(en.text, /<html lang="en">/);
      assert.notEqual(en.text, fr.text);
      for (const res of [fr, en]) assert.match(res.headers.vary, /Accept, Accept-Language/);
      // The JSON variant of the same URL varies with Accept too.
      const json = await request(app).get(path).set('Accept', 'application/json').expect(200);
      assert.match(json.headers.vary, /Accept/);
    });
  }
});

describe('pages', () => {
  it('show only the collections of the caller\'s catalog', async () => {
    for (const path of ['/', '/collections', '/api']) assert.doesNotMatch((await html(path)).text, /secret|réservée/, path);
    await html('/collections/secret').expect(404);
    await html('/collections/secret/items').expect(404);
  });

  it('load scripts and styles from the server only, each of which is served', async () => {
    for (const path of [...PAGES, '/map', '/collections/sites/tiles']) {
      const text = (await html(path)).text;
      const assets = [...text.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:'));
      const imports = [...text.matchAll(/import \* as \w+ from "([^"]+)"/g)].map((m) => m[1]);
      for (const url of [...assets, ...imports]) {
        const u = new URL(url);
        assert.equal(u.hostname, '127.0.0.1', `${path}: ${url}`);
        await request(app).get(u.pathname).expect(200);
      }
    }
  });

  it('landing: collections, start links', async () => {
    const text = (await html('/', 'en')).text;
    assert.match(text, /<a href="http:\/\/127\.0\.0\.1:\d+\/collections\/sites\?f=html">Sites de test<\/a>/);
    assert.match(text, /30 features/);
    for (const href of ['/collections?f=html', '/api?f=html', '/conformance?f=html', '/map']) assert.ok(text.includes(`${href}"`), href);
  });

  it('collection: extent map, queryables, every format of the items, tiles', async () => {
    const text = (await html('/collections/sites')).text;
    assert.match(text, /"extent":\[\[-20\.8823,-1\.5536\],\[50\.6292,55\.4504\]\]/);
    assert.match(text, /<script src="http:\/\/127\.0\.0\.1:\d+\/assets\/web\/leaflet-map\.js" data-map="map"><\/script>/, 'map drawn by a script file (CSP)');
    for (const f of ['html', 'csv', 'fgb', 'geojsonseq']) assert.match(text, new RegExp(`/collections/sites/items\\?f=${f}`), f);
    assert.match(text, /<code>IRR<\/code> IRRIGATION/, 'code list of a queryable');
    assert.match(text, /\/collections\/sites\/tiles\?f=html/);
    assert.match(text, /30 entités/);
  });

  it('items: form fields with labels, filter and bbox kept, bbox drawn, pager, downloads of the page and of the whole result', async () => {
    const text = (await html(`/collections/sites/items?limit=4&offset=4&bbox=-5,40,10,52&filter=${encodeURIComponent("usage = 'AEP'")}&sortby=code`)).text;
    for (const id of ['filter-text', 'bbox', 'datetime', 'limit']) assert.match(text, new RegExp(`<label for="${id}">`), id);
    assert.match(text, /<textarea id="filter-text" name="filter"[^>]*>usage = &#39;AEP&#39;<\/textarea>/);
    assert.match(text, /<input id="bbox" name="bbox"[^>]*value="-5,40,10,52"/);
    assert.match(text, /<input type="hidden" name="sortby" value="code">/, 'other parameters kept by the form');
    assert.match(text, /"extent":null,"bbox":\[\[40,-5\],\[52,10\]\]/);
    assert.match(text, /rel="prev"/);
    assert.equal((text.match(/<tr><td><a /g) ?? []).length, 4, 'AEP sites inside the box (9), the 5th to the 8th');
    assert.match(text, /\/collections\/sites\/items\?limit=4&amp;offset=4&amp;bbox=[^"]*f=csv"/);
    assert.match(text, /\/collections\/sites\/items\?bbox=-5%2C40%2C10%2C52&amp;filter=[^"]*&amp;sortby=code&amp;f=csv"/);
    assert.match(text, /<script src="http:\/\/127\.0\.0\.1:\d+\/assets\/web\/pages\.js" defer>/);
    assert.match((await request(app).get('/assets/web/pages.js').expect(200).expect('content-type', /javascript/)).text, /filter-form/);
  });

  it('feature: map, properties with their titles and code labels, other formats', async () => {
    const text = (await html('/collections/sites/items/S004', 'en')).text;
    assert.match(text, /<script type="application\/json" id="map-data">\{"geojson":\{"type":"FeatureCollection","features":\[\{"type":"Feature","id":"S004"/);
    assert.match(text, /<code>usage<\/code><br><small>Usage<\/small><\/th><td>IRR <small>\(IRRIGATION\)<\/small>/);
    for (const f of ['json', 'csv', 'fgb', 'geojsonseq']) assert.match(text, new RegExp(`S004(\\?f=${f})?" type=`), f);
    assert.match(text, /<nav class="crumbs" aria-label="Breadcrumbs"><a [^>]+>Home<\/a>/);
  });

  it('queryables, sortables and schema: a table of the properties with types, roles and code lists; JSON Schema otherwise', async () => {
    const q = (await html('/collections/sites/queryables', 'en')).text;
    assert.match(q, /<th scope="row"><code>usage<\/code><\/th><td>string<\/td>\s*<td>Usage<\/td><td><code>AEP<\/code> EAU POTABLE<br><code>IRR<\/code> IRRIGATION/);
    assert.match(q, /<code>geometry<\/code><\/th><td>geometry \(geometry-point\)<br><small>primary-geometry<\/small>/);
    assert.match(q, /<nav class="crumbs"[^>]*>.*Sites de test<\/a><\/nav>/);
    assert.match(q, /href="http:\/\/127\.0\.0\.1:\d+\/collections\/sites\/queryables\?f=json"/);
    const schema = (await request(app).get('/collections/sites/schema?f=html').expect(200).expect('content-type', /html/)).text;
    assert.match(schema, /<small>id<\/small>/, 'x-ogc-role id');
    const sortables = (await html('/collections/sites/sortables')).text;
    assert.match(sortables, /propriétés triables/);
    // JSON for JSON clients, and for clients whose Accept names neither (they used to get it).
    for (const accept of ['application/schema+json', 'application/json', 'application/geo+json', '*/*']) {
      const res = await request(app).get('/collections/sites/queryables').set('Accept', accept).expect(200);
      assert.match(res.headers['content-type'], /application\/schema\+json/, accept);
      assert.ok(JSON.parse(res.text).properties.usage, accept);
    }
    assert.equal((await request(app).get('/collections/sites/queryables?f=xml').expect(406)).body.code, 'NotAcceptable');
  });

  it('tile matrix set: one row per level; tileset: layers, levels covered, links to the map, TileJSON and the matrix set', async () => {
    const tms = (await html('/tileMatrixSets/WebMercatorQuad', 'en')).text;
    assert.equal((tms.match(/<tr><th scope="row">/g) ?? []).length, 25, 'levels 0 to 24');
    assert.match(tms, /<tr><th scope="row">0<\/th><td>559,082,264<\/td>/);
    assert.match(tms, /<td>1,024 × 1,024<\/td>/);
    assert.match((await html('/tileMatrixSets')).text, /\/tileMatrixSets\/WorldCRS84Quad\?f=html/);
    const set = (await html('/collections/sites/tiles/WebMercatorQuad', 'en')).text;
    assert.match(set, /<th scope="row"><code>sites<\/code><\/th><td>Sites de test<\/td><td>points<\/td>/);
    assert.match(set, /<h2 id="limits">Tiles covered per level<\/h2>/);
    for (const href of ['/collections/sites/tiles?f=html', '/collections/sites/tiles/WebMercatorQuad?f=tilejson', '/tileMatrixSets/WebMercatorQuad?f=html']) {
      assert.ok(set.includes(`${href}"`), href);
    }
    assert.doesNotMatch((await html('/tiles/WorldCRS84Quad')).text, /tilejson/, 'TileJSON is for WebMercatorQuad only');
    // The JSON documents are unchanged for tile clients.
    assert.equal((await request(app).get('/tileMatrixSets/WebMercatorQuad').expect(200)).body.id, 'WebMercatorQuad');
    assert.equal((await request(app).get('/collections/sites/tiles/WebMercatorQuad').set('Accept', 'application/json').expect(200)).body.dataType, 'vector');
    assert.equal((await request(app).get('/collections/sites/tiles/WebMercatorQuad?f=tilejson').expect(200)).body.tilejson, '3.0.0');
    await request(app).get('/tileMatrixSets/WebMercatorQuad?f=csv').expect(406);
  });

  it('errors stay JSON with the parameter named', async () => {
    const res = await html('/collections/sites/items?bbox=1,2', 'en').expect(400);
    assert.equal(res.body.code, 'InvalidParameterValue');
    assert.match(res.body.description, /bbox/);
  });
});
