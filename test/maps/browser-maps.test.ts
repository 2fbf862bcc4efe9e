// The maps as a person sees them, in headless Chromium (Debian package, driven by playwright-core)
// over the small default dataset: the tiles map draws the offline basemap, the départements'
// choropleth at zoom 5 with its legend in m³, popups on click with French labels and links; the
// usage and year selects filter the tiles; the Leaflet pages draw the basemap and open popups. No
// request leaves the server. Screenshots go to test/screenshots/maps-*.png for a human to look at.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
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
const SHOTS = join(process.cwd(), 'test', 'screenshots');

interface MapWindow {
  __map: {
    areTilesLoaded(): boolean; jumpTo(o: object): void; project(ll: [number, number]): { x: number; y: number }; getZoom(): number;
    queryRenderedFeatures(p?: unknown, o?: object): { source: string; sourceLayer?: string; layer: { id: string }; properties: Record<string, unknown> }[];
  };
  __mapLoaded?: boolean;
}

/** Waits until the visible tiles are loaded and the layers whose ids start with these prefixes have features drawn. */
async function drawn(page: Page, prefixes: string[]): Promise<void> {
  await page.waitForFunction((wanted) => {
    const map = (window as unknown as MapWindow).__map;
    if (!map || !map.areTilesLoaded()) return false;
    const ids = map.queryRenderedFeatures().map((f) => f.layer.id);
    return wanted.every((p) => ids.some((id) => id.startsWith(p)));
  }, prefixes, { timeout: 60_000 });
}

describe('maps people can read (headless Chromium)', { skip, timeout: 300_000 }, () => {
  let catalog: Catalog;
  let server: Server;
  let base: string;
  let dir: string;
  let browser: Browser;
  const errors: string[] = [];
  const foreign: string[] = [];
  const newPage = async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, locale: 'fr-FR' });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
    return page;
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'maps-browser-'));
    await buildDefaultDataset(dir, 0.01);
    catalog = await openCatalog(dir, collections);
    const app = createApp({ info: SERVICE_INFO, catalog: () => catalog, parts: domainParts() });
    server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    mkdirSync(SHOTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await catalog?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tiles map: basemap, départements choropleth at zoom 5 with a legend in m³, popups with links, selects', async () => {
    const page = await newPage();
    await page.goto(`${base}/map`);
    await page.waitForFunction(() => (window as unknown as MapWindow).__mapLoaded === true, null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => Math.round((window as unknown as MapWindow).__map.getZoom())), 5);
    await drawn(page, ['basemap-land', 'basemap-regions', 'basemap-departements', 'volumes_departements-choropleth']);
    await page.waitForFunction(() => /m³/.test(document.getElementById('choropleth-legend')?.textContent ?? ''), null, { timeout: 30_000 });
    const legend = await page.textContent('#choropleth-legend');
    assert.match(legend!, /Volume prélevé par département \(m³\)/);
    await page.screenshot({ path: join(SHOTS, 'maps-z5-departements.png') });

    // A click on the Cher (18) opens its popup: French labels, code-list labels, links.
    const point = await page.evaluate(() => {
      const p = (window as unknown as MapWindow).__map.project([2.49, 47.06]);
      const box = document.getElementById('map')!.getBoundingClientRect(); // the map starts below the header
      return { x: p.x + box.left, y: p.y + box.top };
    });
    await page.mouse.click(point.x, point.y);
    await page.waitForSelector('.maplibregl-popup-content a', { timeout: 30_000 });
    const popup = await page.evaluate(() => {
      const el = document.querySelector('.maplibregl-popup-content')!;
      return { text: el.textContent ?? '', links: Array.from(el.querySelectorAll('a'), (a) => a.getAttribute('href') ?? '') };
    });
    assert.match(popup.text, /Code du département18/);
    assert.match(popup.text, /Tous usages/);
    assert.match(popup.text, /m³/);
    assert.ok(popup.links.some((h) => h.startsWith(`${base}/collections/volumes_departements/items/18_`)), popup.links.join(' '));
    const chroniques = popup.links.find((h) => h.includes('/collections/chroniques/items?f=html&code_departement=18&datetime='));
    assert.ok(chroniques, popup.links.join(' '));
    await page.screenshot({ path: join(SHOTS, 'maps-z5-popup.png') });
    // The area's link is a working items page of its chroniques.
    const res = await fetch(chroniques!);
    assert.equal(res.status, 200);
    await page.click('.maplibregl-popup-close-button'); // not under the header: the map starts below it

    // Usage and year: the dataset tiles are asked again with the filter; the legend follows.
    await page.selectOption('#select-code_usage', 'IRR');
    await page.selectOption('#select-year', '2020');
    await page.waitForFunction(() => /Volume/.test(document.getElementById('choropleth-legend')?.textContent ?? ''), null, { timeout: 30_000 });
    await drawn(page, ['volumes_departements-choropleth']);
    // The new tiles may still be on their way on a loaded machine: wait until what is drawn is the selection, 30 s at
    // most (MapLibre fetches tiles from its web workers, whose requests the page's request events may not all see).
    await page.waitForFunction(() => {
      const f = (window as unknown as MapWindow).__map.queryRenderedFeatures().filter((x) => x.sourceLayer === 'volumes_departements');
      return f.length > 0 && f.every((x) => x.properties.annee === 2020 && x.properties.code_usage === 'IRR');
    }, null, { timeout: 30_000 }).catch(() => undefined);
    const years = await page.evaluate(() => {
      const f = (window as unknown as MapWindow).__map.queryRenderedFeatures().filter((x) => x.sourceLayer === 'volumes_departements');
      return [...new Set(f.map((x) => `${x.properties.annee}/${x.properties.code_usage}`))];
    });
    assert.deepEqual(years, ['2020/IRR']);
    await page.screenshot({ path: join(SHOTS, 'maps-z5-irrigation-2020.png') });
    // Turbined water apart: its own property and colours.
    await page.selectOption('#select-code_usage', 'TUR');
    await page.waitForFunction(() => /turbinée/.test(document.getElementById('choropleth-legend')?.textContent ?? ''), null, { timeout: 30_000 });
    await page.selectOption('#select-code_usage', 'TOUS');
    await page.selectOption('#select-year', '');

    // National zoom: régions and their names; closer: communes and the départements' names.
    await page.evaluate(() => (window as unknown as MapWindow).__map.jumpTo({ center: [2.5, 46.6], zoom: 4.2 }));
    await drawn(page, ['basemap-land', 'volumes_regions-choropleth', 'basemap-region-names']);
    await page.screenshot({ path: join(SHOTS, 'maps-z4-regions.png') });
    await page.evaluate(() => (window as unknown as MapWindow).__map.jumpTo({ center: [4.85, 45.75], zoom: 7.5 }));
    await drawn(page, ['basemap-land', 'volumes_communes', 'basemap-departement-names']);
    await page.screenshot({ path: join(SHOTS, 'maps-z7-communes.png') });
    // Overseas: La Réunion's département is a polygon with its volumes.
    await page.evaluate(() => (window as unknown as MapWindow).__map.jumpTo({ center: [55.53, -21.13], zoom: 5.5 }));
    await drawn(page, ['basemap-land', 'volumes_departements-choropleth']);
    await page.screenshot({ path: join(SHOTS, 'maps-z5-reunion.png') });
    await page.close();
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, []);
  });

  it('Leaflet pages: the offline basemap under the features, popups with labels and a link', async () => {
    const page = await newPage();
    await page.goto(`${base}/collections/volumes_departements/items?f=html&limit=200&code_usage=TOUS&annee=2020&bbox=-5,41,10,51.5`);
    await page.waitForFunction(() => (window as unknown as { __basemapDrawn?: number }).__basemapDrawn! >= 3, null, { timeout: 30_000 });
    await page.locator('#map').screenshot({ path: join(SHOTS, 'maps-leaflet-items.png') });
    // Click on the first feature drawn: a popup with its properties and a link to its page.
    await page.evaluate(() => (window as unknown as { __openFirstPopup(): void }).__openFirstPopup());
    await page.waitForSelector('.leaflet-popup-content a', { timeout: 30_000 });
    const popup = await page.textContent('.leaflet-popup-content');
    assert.match(popup!, /Code du département/);
    await page.locator('#map').screenshot({ path: join(SHOTS, 'maps-leaflet-popup.png') });
    await page.goto(`${base}/collections/ouvrages/items/${encodeURIComponent(String((await (await fetch(`${base}/collections/ouvrages/items?limit=1`)).json()).features[0].id))}?f=html`);
    await page.waitForFunction(() => (window as unknown as { __basemapDrawn?: number }).__basemapDrawn! >= 3, null, { timeout: 30_000 });
    await page.locator('#map').screenshot({ path: join(SHOTS, 'maps-leaflet-feature.png') });
    await page.goto(`${base}/collections/chroniques?f=html`);
    await page.waitForFunction(() => (window as unknown as { __basemapDrawn?: number }).__basemapDrawn! >= 3, null, { timeout: 30_000 });
    await page.close();
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, []);
  });
});
