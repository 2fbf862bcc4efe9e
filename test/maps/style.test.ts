// The maps' server side over the small default dataset: /styles/default is a valid MapLibre style
// (the style specification's own validator) carrying the offline basemap and the choropleths, with
// every URL on this server; /basemap serves its layers; an online basemap (raster or style) replaces
// the offline one and shows its attribution; the dataset tiles follow the usage and year asked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { createApp, defaultParts } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { parseOnlineBasemap } from '../../server/routes/basemap.js';
import { buildDefaultDataset } from '../../collections/dataset.js';
import { collections } from '../../collections/definitions/index.js';
import { SERVICE_INFO, TILES_OPTIONS } from '../../collections/service.js';
import { basemap } from '../../collections/style.js';
import { layerFeatures, mercatorTile } from '../tiles/helpers.js';

type Style = { version: number; glyphs?: string; sprite?: string; sources: Record<string, { type: string; url?: string; data?: string; tiles?: string[]; attribution?: string }>; layers: { id: string; type: string; source?: string }[] };

async function binary(app: Express, path: string) {
  return request(app).get(path).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

describe('map style, basemap and choropleth tiles', { timeout: 300_000 }, () => {
  let dir: string;
  let catalog: Catalog;
  let app: Express;
  const appWith = (online?: string) => createApp({ info: SERVICE_INFO, catalog: () => catalog, parts: defaultParts({ ...TILES_OPTIONS, basemap: basemap(online ? parseOnlineBasemap(online, '© Fond de test') : undefined) }) });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'maps-style-'));
    await buildDefaultDataset(dir, 0.01);
    catalog = await openCatalog(dir, collections);
    app = appWith();
  });
  after(async () => { await catalog?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('/styles/default validates with the MapLibre style specification, offline basemap and choropleths included', async () => {
    const res = await request(app).get('/styles/default').set('Host', 'maps.test');
    assert.equal(res.status, 200);
    const style = JSON.parse(res.text) as Style;
    assert.deepEqual(validateStyleMin(style as never), []);
    const ids = style.layers.map((l) => l.id);
    for (const id of ['background', 'basemap-land', 'basemap-coastline', 'basemap-regions', 'basemap-departements', 'basemap-region-names', 'basemap-departement-names',
      'volumes_regions-choropleth', 'volumes_departements-choropleth', 'volumes_communes-choropleth']) assert.ok(ids.includes(id), id);
    // Fills under the data, borders and names over it.
    assert.ok(ids.indexOf('basemap-land') < ids.indexOf('volumes_regions-choropleth'));
    assert.ok(ids.indexOf('basemap-regions') > ids.indexOf('chroniques-points'));
    // No glyphs nor sprite (names in the browser's fonts), every source on this server.
    assert.equal(style.glyphs, undefined);
    assert.equal(style.sprite, undefined);
    for (const s of Object.values(style.sources)) assert.ok((s.url ?? s.data ?? '').startsWith('http://maps.test/'), JSON.stringify(s));
  });

  it('/basemap and its GeoJSON layers (ETag, 404 as an OGC exception)', async () => {
    const config = await request(app).get('/basemap');
    assert.equal(config.status, 200);
    assert.equal(config.body.online, null);
    assert.deepEqual(Object.keys(config.body.data).sort(), ['departements', 'labels', 'land', 'regions']);
    const land = await request(app).get('/basemap/land.geojson');
    assert.equal(land.status, 200);
    assert.match(land.headers['content-type'], /application\/geo\+json/);
    assert.equal(JSON.parse(land.text).features[0].geometry.type, 'MultiPolygon');
    assert.equal((await request(app).get('/basemap/land.geojson').set('If-None-Match', land.headers.etag)).status, 304);
    const missing = await request(app).get('/basemap/rivers.geojson');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'NotFound');
    assert.equal((await request(app).get('/basemap/land.geojson?x=1')).status, 400);
  });

  it('an online XYZ raster replaces the offline fills, keeps the borders, shows its attribution', async () => {
    const online = appWith('https://tiles.example.org/{z}/{x}/{y}.png');
    const style = JSON.parse((await request(online).get('/styles/default')).text) as Style;
    assert.deepEqual(validateStyleMin(style as never), []);
    assert.deepEqual(style.sources['basemap-online'].tiles, ['https://tiles.example.org/{z}/{x}/{y}.png']);
    assert.equal(style.sources['basemap-online'].attribution, '© Fond de test');
    const ids = style.layers.map((l) => l.id);
    assert.ok(ids.includes('basemap-online') && ids.includes('basemap-regions') && !ids.includes('basemap-land'));
    assert.equal((await request(online).get('/basemap')).body.online.kind, 'raster');
  });

  it('an online MapLibre style is merged by the map page', async () => {
    const online = appWith('https://styles.example.org/plan.json');
    const page = await request(online).get('/map');
    assert.match(page.text, /"onlineStyle":"https:\/\/styles.example.org\/plan.json"/);
    assert.equal((await request(online).get('/basemap')).body.online.kind, 'style');
  });

  it('rejects a basemap that is not an http(s) URL', () => {
    assert.throws(() => parseOnlineBasemap('file:///etc/passwd'), /http\(s\)/);
    assert.throws(() => parseOnlineBasemap('pas une url'), /invalide/);
    assert.equal(parseOnlineBasemap('https://a.example/{z}/{x}/{y}.png').kind, 'raster');
  });

  it('the map page offers usage and year selects and the choropleths it draws', async () => {
    const page = await request(app).get('/map').set('Accept-Language', 'fr');
    assert.match(page.text, /<select id="select-code_usage">/);
    assert.match(page.text, /<option value="TUR">eau turbinee<\/option>/);
    assert.match(page.text, /<select id="select-year"><option value="">dernière année<\/option><option value="2023">2023<\/option>/);
    assert.match(page.text, /"collection":"volumes_departements","minZoom":5,"maxZoom":6/);
    const script = await request(app).get('/assets/web/map.js');
    assert.equal(script.status, 200);
    assert.match(script.headers['content-type'], /javascript/);
  });

  it('dataset tiles at zoom 5: départements polygons, all usages by default, the usage and year asked otherwise', async () => {
    const [x, y] = mercatorTile(2.4, 47.1, 5).map(Math.floor);
    const path = `/tiles/WebMercatorQuad/5/${y}/${x}`;
    const rows = async (query: string) => {
      const res = await binary(app, `${path}${query}`);
      assert.equal(res.status, 200, query);
      return layerFeatures(res.body as Buffer, 'volumes_departements');
    };
    const all = await rows('');
    assert.ok(all.length > 5);
    assert.ok(all.every((f) => f.type === 3 && f.properties.code_usage === 'TOUS' && f.properties.annee === 2023), 'polygons of the latest all-usages row');
    const irrigation = await rows('?code_usage=IRR&datetime=2020-01-01/2020-12-31');
    assert.ok(irrigation.length > 0);
    assert.ok(irrigation.every((f) => f.properties.code_usage === 'IRR' && f.properties.annee === 2020));
  });
});
