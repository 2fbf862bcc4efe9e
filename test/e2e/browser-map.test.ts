// Headless Chromium (Debian chromium, driven by playwright-core) renders the server's own map page
// from its vector tiles, with no console error; a screenshot goes to test/screenshots/ for review.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { smallDataset, startServer, type Running } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed';
let server: Running;

describe('map page in Chromium', { skip }, () => {
  before(async () => { server = await startServer(smallDataset()); });
  after(() => server?.stop());

  it('loads MapLibre from the server, draws features from the tiles, logs no error', async () => {
    const { chromium } = await import('playwright-core');
    // WebGL through SwiftShader: no GPU here. The networking flags keep Chromium off the closed network.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
      await page.goto(`${server.base}/map`);
      await page.waitForFunction(() => (window as any).__mapLoaded === true, null, { timeout: 60_000 });
      await page.waitForFunction(() => (window as any).__map.queryRenderedFeatures().length > 0, null, { timeout: 60_000 });
      const layers = await page.evaluate(() => [...new Set((window as any).__map.queryRenderedFeatures().map((f: any) => f.sourceLayer))]);
      // At the initial (national) zoom the aggregated volumes stand in for the ouvrages.
      assert.ok(layers.includes('volumes_departements'), JSON.stringify(layers));
      mkdirSync(join(process.cwd(), 'test', 'screenshots'), { recursive: true });
      await page.screenshot({ path: join(process.cwd(), 'test', 'screenshots', 'map.png') });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
