// Every HTML page in headless Chromium (Debian chromium, driven by playwright-core), in French and
// in English: maps draw features, no console error nor failed request, labels, lang, contrast and
// keyboard use hold; the items filter form builds a CQL2 filter and draws a bbox on the map.
// Screenshots go to test/screenshots/ (git-ignored) for review.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { smallDataset, startServer, type Running } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed';
const SHOTS = join(process.cwd(), 'test', 'screenshots');
let server: Running;
let browser: Browser;

type Lang = 'fr' | 'en';
const ACCEPT_LANGUAGE: Record<Lang, string> = { fr: 'fr-FR,fr;q=0.9', en: 'en-GB,en;q=0.9' };

/** A page with its console errors, page errors and failed requests collected. */
async function open(lang: Lang, path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, extraHTTPHeaders: { 'Accept-Language': ACCEPT_LANGUAGE[lang], Accept: 'text/html' } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  page.on('request', (r) => { if (!r.url().startsWith(server.base) && !r.url().startsWith('data:')) errors.push(`external request ${r.url()}`); });
  await page.goto(`${server.base}${path}`);
  return { page, errors };
}

/** Leaflet draws features as SVG paths: how many are in the map. */
async function leafletDrawn(page: Page, errors: string[]): Promise<number> {
  await page.waitForFunction(() => typeof (window as any).__featuresDrawn === 'number', null, { timeout: 30_000 })
    .catch((error) => { throw new Error(`${error.message} on ${page.url()}; page errors: ${errors.join('\n')}`); });
  return page.locator('#map path.leaflet-interactive').count();
}

/**
 * Accessibility basics the pages promise: the lang attribute, a label for every form control,
 * one h1, and text contrast of at least 4.5:1 (WCAG AA) against the background it sits on.
 */
async function audit(page: Page, lang: Lang, ours = true): Promise<string[]> {
  return page.evaluate(({ lang, ours }) => {
    const problems: string[] = [];
    if (document.documentElement.lang !== lang) problems.push(`lang="${document.documentElement.lang}"`);
    if (ours && document.querySelectorAll('h1').length !== 1) problems.push('not one h1');
    for (const el of Array.from(document.querySelectorAll<HTMLInputElement>('input,select,textarea'))) {
      if (el.type === 'hidden' || el.closest('[hidden]')) continue;
      if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) problems.push(`no label: ${el.outerHTML.slice(0, 80)}`);
    }
    // Swagger UI's own styles are not ours to change.
    if (!ours) return problems;
    const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: number[]) => {
      const [r, g, b] = c.slice(0, 3).map((v) => { const x = v / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c;
      }
      return [255, 255, 255];
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !node.textContent?.trim() || el.closest('.leaflet-container,script,style,.skip,[hidden]')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const [l1, l2] = [lum(rgb(style.color)), lum(background(el))].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} for "${node.textContent.trim().slice(0, 30)}"`);
    }
    return [...new Set(problems)];
  }, { lang, ours });
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('HTML pages in Chromium', { skip }, () => {
  before(async () => {
    server = await startServer(smallDataset());
    const { chromium } = await import('playwright-core');
    // WebGL through SwiftShader (the tiles page): no GPU here. The flags keep Chromium off the network.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const WORDS: Record<Lang, { home: string; features: string }> = { fr: { home: 'Accueil', features: 'entités' }, en: { home: 'Home', features: 'features' } };

  for (const lang of ['fr', 'en'] as const) {
    it(`${lang}: landing page lists the collections and links to the other pages`, async () => {
      const { page, errors } = await open(lang, '/');
      assert.equal(await page.locator('main ul a[href*="/collections/ouvrages?f=html"]').count(), 1);
      for (const href of ['/collections?f=html', '/api?f=html', '/map', '/conformance?f=html']) assert.ok(await page.locator(`a[href$="${href}"]`).count() > 0, href);
      // Keyboard: the first Tab reaches the skip link, which leads to the main content.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), '#main');
      assert.deepEqual(await audit(page, lang), []);
      await shot(page, `landing-${lang}`);
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it(`${lang}: collections page`, async () => {
      const { page, errors } = await open(lang, '/collections');
      assert.ok(await page.locator('tbody tr').count() >= 3);
      assert.match(await page.locator('tbody').innerText(), new RegExp(WORDS[lang].features));
      assert.deepEqual(await audit(page, lang), []);
      await shot(page, `collections-${lang}`);
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it(`${lang}: collection page draws its extent, lists queryables and every format`, async () => {
      const { page, errors } = await open(lang, '/collections/ouvrages');
      assert.ok(await leafletDrawn(page, errors) >= 1, 'extent rectangle drawn');
      for (const f of ['f=html', 'f=csv', 'f=fgb', 'f=geojsonseq']) assert.ok(await page.locator(`#downloads + div a[href*="${f}"]`).count() > 0, f);
      assert.ok(await page.locator('#queryables ~ div tbody tr').count() > 5);
      assert.ok(await page.locator('a[href$="/collections/ouvrages/tiles?f=html"]').count() === 1);
      assert.deepEqual(await audit(page, lang), []);
      await shot(page, `collection-${lang}`);
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it(`${lang}: items page draws the page's features, pages, and its form builds a CQL2 filter and a bbox`, async () => {
      const { page, errors } = await open(lang, '/collections/ouvrages/items?limit=50');
      assert.equal(await leafletDrawn(page, errors), 50);
      assert.equal(await page.locator('main table tbody tr').count(), 50);
      assert.equal(await page.locator('nav.pager a[rel=next]').count(), 1);
      assert.deepEqual(await audit(page, lang), []);
      await shot(page, `items-${lang}`);

      // One condition, by keyboard: property, operator, value.
      await page.selectOption('select.property', 'code_departement');
      await page.selectOption('select.operator', '=');
      await page.locator('input.value').focus();
      await page.keyboard.type('33');
      assert.equal(await page.inputValue('#filter-text'), "code_departement = '33'");
      // A second condition added from the keyboard gets the focus.
      await page.locator('#add-condition').focus();
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.className), 'property');
      await page.locator('.condition').nth(1).getByRole('button').click();
      // A box drawn with the mouse on the map fills the bbox field.
      await page.click('#draw-bbox');
      await page.locator('#map').scrollIntoViewIfNeeded();
      const box = (await page.locator('#map').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.7, { steps: 5 });
      await page.mouse.up();
      const drawn = (await page.inputValue('#bbox')).split(',').map(Number);
      assert.equal(drawn.length, 4);
      assert.ok(drawn[0] < drawn[2] && drawn[1] < drawn[3], String(drawn));
      // A bbox that surely holds Gironde, then submit: the next page is filtered and shows the box.
      await page.fill('#bbox', '-2,44,1,46');
      await Promise.all([page.waitForURL(/filter=/), page.click('#filter-form button[type=submit]')]);
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('filter'), "code_departement = '33'");
      assert.equal(url.searchParams.get('bbox'), '-2,44,1,46');
      assert.equal(url.searchParams.get('datetime'), null, 'empty fields are left out');
      const n = await leafletDrawn(page, errors);
      const rows = await page.locator('main table tbody tr').count();
      assert.ok(rows > 0);
      assert.equal(n, rows + 1, 'features and the dashed bbox');
      const shown = await page.locator('main table tbody tr td:first-child').allInnerTexts();
      const json = `${server.base}/collections/ouvrages/items?${new URLSearchParams({ filter: "code_departement = '33'", bbox: '-2,44,1,46', limit: '50' })}`;
      const expected = ((await (await fetch(json, { headers: { accept: 'application/geo+json' } })).json()) as any).features;
      assert.deepEqual(shown, expected.map((f: any) => f.id));
      assert.ok(expected.every((f: any) => f.properties.code_departement === '33'));
      assert.equal(await page.inputValue('#filter-text'), "code_departement = '33'");
      await shot(page, `items-filtered-${lang}`);
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it(`${lang}: feature page draws the feature and its properties`, async () => {
      const id = ((await (await fetch(`${server.base}/collections/ouvrages/items?limit=1`, { headers: { accept: 'application/geo+json' } })).json()) as any).features[0].id;
      const { page, errors } = await open(lang, `/collections/ouvrages/items/${id}`);
      assert.equal(await leafletDrawn(page, errors), 1);
      assert.match(await page.locator('main table').innerText(), new RegExp(id));
      assert.equal(await page.locator(`nav.crumbs a`).first().innerText(), WORDS[lang].home);
      for (const f of ['csv', 'fgb', 'geojsonseq']) assert.equal(await page.locator(`p.formats a[href$="f=${f}"]`).count(), 1, f);
      assert.deepEqual(await audit(page, lang), []);
      await shot(page, `feature-${lang}`);
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it(`${lang}: queryables, feature schema, tile matrix set and tileset pages`, async () => {
      const pages: [string, string][] = [['/collections/chroniques/queryables', 'queryables'], ['/collections/ouvrages/schema', 'schema'],
        ['/tileMatrixSets/WebMercatorQuad', 'tms'], ['/collections/ouvrages/tiles/WebMercatorQuad', 'tileset']];
      for (const [path, name] of pages) {
        const { page, errors } = await open(lang, path);
        assert.ok(await page.locator('main table tbody tr').count() > 5, path);
        assert.equal(await page.locator('nav.crumbs a').first().innerText(), WORDS[lang].home, path);
        assert.deepEqual(await audit(page, lang), [], path);
        await shot(page, `${name}-${lang}`);
        assert.deepEqual(errors, [], path);
        await page.context().close();
      }
    });

    it(`${lang}: API document rendered by Swagger UI from the server's own assets`, async () => {
      const { page, errors } = await open(lang, '/api');
      await page.waitForSelector('.opblock', { timeout: 60_000 });
      assert.ok(await page.locator('.opblock').count() > 10);
      assert.deepEqual(await audit(page, lang, false), []);
      await shot(page, `api-${lang}`);
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it(`${lang}: collection tiles page draws the vector tiles with MapLibre`, async () => {
      const { page, errors } = await open(lang, '/collections/ouvrages/tiles');
      await page.waitForFunction(() => (window as any).__mapLoaded === true, null, { timeout: 60_000 });
      await page.waitForFunction(() => (window as any).__map.queryRenderedFeatures().length > 0, null, { timeout: 60_000 });
      await shot(page, `tiles-${lang}`);
      assert.deepEqual(errors, []);
      await page.context().close();
    });
  }
});
