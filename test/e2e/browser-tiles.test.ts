// Headless Chromium (Debian package, driven by playwright-core) renders the server's own map page
// from its vector tiles over a small domain dataset, with no console error; the screenshot goes to
// test/screenshots/map.png for a human to look at.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { buildDefaultDataset } from '../../collections/dataset.js';
import { collections } from '../../collections/definitions/index.js';
import { domainParts } from '../../collections/parts.js';
import { SERVICE_INFO } from '../../collections/service.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium)`;
// No GPU here: WebGL through SwiftShader. The networking flags keep Chromium from calling home.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

describe('map page in headless Chromium', { skip, timeout: 180_000 }, () => {
  let catalog: Catalog;
  let server: Server;
  let base: string;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'browser-tiles-'));
    await buildDefaultDataset(dir, 0.01);
    catalog = await openCatalog(dir, collections);
    const app = createApp({ info: SERVICE_INFO, catalog: () => catalog, parts: domainParts() });
    server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await catalog?.close();
  });

  it('loads MapLibre from the server, renders features of the tiles, logs no error', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
      const errors: string[] = [];
      const foreign: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreign.push(r.url()); });
      page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
      await page.goto(`${base}/map`);
      await page.waitForFunction(() => (window as { __mapLoaded?: boolean }).__mapLoaded === true, null, { timeout: 60_000 });
      // Rendered features appear once the visible tiles are loaded and drawn.
      await page.waitForFunction(() => {
        const map = (window as { __map?: { areTilesLoaded(): boolean; queryRenderedFeatures(): unknown[] } }).__map!;
        return map.areTilesLoaded() && map.queryRenderedFeatures().length > 0;
      }, null, { timeout: 60_000 });
      const rendered = await page.evaluate(() => {
        const features = (window as unknown as { __map: { queryRenderedFeatures(): { sourceLayer: string; properties: Record<string, unknown> }[] } }).__map.queryRenderedFeatures();
        // Basemap features (GeoJSON sources) have no source layer: only the tiles' layers here.
        const tiled = features.filter((f) => f.sourceLayer !== undefined);
        return { count: tiled.length, layers: [...new Set(tiled.map((f) => f.sourceLayer))], clusters: tiled.filter((f) => f.properties.cluster === true).length };
      });
      // National zoom: the départements' volumes (a choropleth of their polygons), not the ouvrages.
      assert.deepEqual(rendered.layers, ['volumes_departements'], JSON.stringify(rendered));
      const dir = join(process.cwd(), 'test', 'screenshots');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'map-national.png') });

      // Zoom 10 on an ouvrage: the ouvrages and their chroniques are drawn.
      const [lon, lat] = await page.evaluate(async () => (await (await fetch('/collections/ouvrages/items?limit=1&f=json')).json()).features[0].geometry.coordinates);
      await page.evaluate(([x, y]) => (window as unknown as { __map: { jumpTo(o: object): void } }).__map.jumpTo({ center: [x, y], zoom: 10 }), [lon, lat]);
      await page.waitForFunction(() => {
        const map = (window as { __map?: { areTilesLoaded(): boolean; queryRenderedFeatures(): { sourceLayer: string }[] } }).__map!;
        const layers = new Set(map.queryRenderedFeatures().map((f) => f.sourceLayer));
        return map.areTilesLoaded() && layers.has('ouvrages') && layers.has('chroniques');
      }, null, { timeout: 60_000 });
      const detail = await page.evaluate(() => [...new Set((window as unknown as { __map: { queryRenderedFeatures(): { sourceLayer: string }[] } }).__map.queryRenderedFeatures().map((f) => f.sourceLayer))]);
      assert.ok(!detail.some((name) => name?.startsWith('volumes_')), JSON.stringify(detail)); // basemap features have no source layer
      await page.screenshot({ path: join(dir, 'map-detail.png') });
      assert.deepEqual(errors, []);
      assert.deepEqual(foreign, []);
    } finally {
      await browser.close();
    }
  });
});
