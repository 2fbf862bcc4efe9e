// Defect "a truncated file is served as data": a file cut short or overwritten with garbage makes
// its collection unavailable (503 naming it, the log naming the file, /readyz listing it) while the
// other collections keep serving; never a 200 with null features.
import assert from 'node:assert/strict';
import { copyFileSync, renameSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { openCatalog, ReloadingCatalog } from '../../server/catalog.js';
import { capturedLogger, dataDir, DEFINITIONS, garble, sections, truncate, type Sections } from './helpers.js';

const INFO = { title: 'Test', description: 'Test' };

interface Damage { name: string; apply(file: string, s: Sections): void }
const DAMAGES: Damage[] = [
  { name: 'truncated inside the magic bytes', apply: (f) => truncate(f, 5) },
  { name: 'truncated inside the header', apply: (f, s) => truncate(f, Math.floor(s.headerEnd / 2)) },
  { name: 'truncated inside the index', apply: (f, s) => truncate(f, s.headerEnd + Math.floor((s.indexEnd - s.headerEnd) / 2)) },
  { name: 'truncated right after the index', apply: (f, s) => truncate(f, s.indexEnd) },
  { name: 'truncated inside the features', apply: (f, s) => truncate(f, s.indexEnd + Math.floor((s.size - s.indexEnd) / 2)) },
  { name: 'truncated by one byte', apply: (f, s) => truncate(f, s.size - 1) },
  { name: 'corrupted magic bytes', apply: (f) => garble(f, 0, 4) },
  { name: 'garbage in the middle of the header', apply: (f, s) => garble(f, 12 + Math.floor((s.headerEnd - 12) / 2), 32) },
  { name: 'garbage in the index', apply: (f, s) => garble(f, s.headerEnd + 8, Math.min(400, s.indexEnd - s.headerEnd - 8)) },
  { name: 'id sidecar truncated', apply: (f) => truncate(`${f}.ids`, 40) },
  { name: 'id sidecar with garbage magic', apply: (f) => garble(`${f}.ids`, 0, 8) },
];

async function expectUnavailable(app: ReturnType<typeof createApp>, dir: string): Promise<void> {
  for (const path of ['/collections/sites/items', '/collections/sites/items/S001', '/collections/sites']) {
    const response = await request(app).get(path);
    assert.equal(response.status, 503, `${path}: ${response.status} ${response.text.slice(0, 200)}`);
    assert.equal(response.body.code, 'ServiceUnavailable');
    assert.match(response.body.description, /« sites »/);
    assert.ok(!response.text.includes(dir), 'no server path in the answer');
  }
  const other = await request(app).get('/collections/autres/items?limit=100');
  assert.equal(other.status, 200);
  assert.equal(other.body.features.length, 30);
  assert.ok(other.body.features.every((f: { id: unknown }) => typeof f.id === 'string'));
  const list = await request(app).get('/collections');
  assert.deepEqual(list.body.collections.map((c: { id: string }) => c.id), ['autres']);
  const ready = await request(app).get('/readyz');
  assert.equal(ready.status, 503);
  assert.equal(ready.body.code, 'ServiceUnavailable');
  const collections = ready.body.checks.find((c: { name: string }) => c.name === 'collections');
  assert.deepEqual(collections.detail.unavailable.map((u: { id: string }) => u.id), ['sites']);
  assert.ok(!ready.text.includes(dir), 'no server path in /readyz');
  assert.equal((await request(app).get('/healthz')).status, 200);
}

describe('damaged files at start', () => {
  for (const damage of DAMAGES) {
    it(`${damage.name}: that collection answers 503, the others serve`, async () => {
      const dir = await dataDir();
      const file = join(dir, 'sites.fgb');
      damage.apply(file, await sections(file));
      const logged: string[] = [];
      const catalog = await openCatalog(dir, DEFINITIONS, { onUnavailable: (u) => logged.push(`${u.definition.id} ${u.file} ${u.reason}`) });
      try {
        assert.equal(logged.length, 1, 'told once');
        assert.ok(logged[0].startsWith('sites ') && logged[0].includes(dir), `the file is named for the log: ${logged[0]}`);
        await expectUnavailable(createApp({ info: INFO, catalog: () => catalog }), dir);
      } finally {
        await catalog.close();
      }
    });
  }

  it('bytes appended after the last feature: unavailable too', async () => {
    const dir = await dataDir();
    const file = join(dir, 'sites.fgb');
    const { size } = await sections(file);
    truncateSync(file, size + 100); // zero bytes after the end
    const catalog = await openCatalog(dir, DEFINITIONS);
    try {
      assert.deepEqual(catalog.unavailable().map((u) => u.definition.id), ['sites']);
    } finally {
      await catalog.close();
    }
  });

  it('the whole file is checked: never a 200 with null features', async () => {
    // Every single-byte cut of the file, and 16-byte garbage runs every 37 bytes: either the collection
    // is unavailable or every page served has ids and geometries (garbage inside a value cannot be told).
    const dir = await dataDir();
    const file = join(dir, 'sites.fgb');
    const good = join(dir, 'good.fgb');
    copyFileSync(file, good);
    const { size, indexEnd } = await sections(file);
    const cases: [string, () => void][] = [];
    for (let cut = 0; cut < size; cut += 7) cases.push([`cut at ${cut}`, () => truncate(file, cut)]);
    for (let at = indexEnd; at < size; at += 37) cases.push([`garbage at ${at}`, () => garble(file, at, 16)]);
    for (const [name, damage] of cases) {
      copyFileSync(good, file);
      damage();
      const catalog = await openCatalog(dir, DEFINITIONS);
      try {
        const app = createApp({ info: INFO, catalog: () => catalog });
        const page = await request(app).get('/collections/sites/items?limit=100');
        assert.ok(page.status === 503 || page.status === 200, `${name}: ${page.status} ${page.text.slice(0, 200)}`);
        if (page.status === 200) {
          assert.ok(!name.startsWith('cut'), `${name}: a cut file was served`);
          assert.equal(page.body.features.length, 30, name);
          for (const f of page.body.features) assert.ok(typeof f.id === 'string' && f.id !== 'null' && f.id !== 'undefined', `${name}: feature without id ${JSON.stringify(f).slice(0, 200)}`);
        } else {
          assert.equal(page.body.code, 'ServiceUnavailable', name);
        }
      } finally {
        await catalog.close();
      }
    }
  });
});

describe('files damaged while serving', () => {
  async function serving(pollMs = 20) {
    const dir = await dataDir(100);
    const { logger, lines } = capturedLogger();
    const reloading = await ReloadingCatalog.open(dir, DEFINITIONS, {
      pollMs, graceMs: 0,
      onUnavailable: ({ definition, file, reason }) => logger.error({ collection: definition.id, file, reason }, 'collection unavailable'),
    });
    const app = createApp({ info: INFO, catalog: () => reloading.catalog(), logger });
    return { dir, file: join(dir, 'sites.fgb'), reloading, app, lines };
  }
  async function until(test: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 500; i++) { if (await test()) return; await new Promise((r) => setTimeout(r, 10)); }
    assert.fail(`never: ${what}`);
  }

  it('cut in place: reads past the new end are a 503 at once, then the collection is unavailable', async () => {
    const { dir, file, reloading, app, lines } = await serving(60_000); // no poll: the read itself must refuse
    try {
      assert.equal((await request(app).get('/collections/sites/items?limit=100')).status, 200);
      const { indexEnd, size } = await sections(file);
      truncateSync(file, indexEnd + Math.floor((size - indexEnd) / 2));
      const page = await request(app).get('/collections/sites/items?limit=100&offset=2000');
      assert.equal(page.status, 503, page.text.slice(0, 200));
      assert.match(page.body.description, /« sites »/);
      assert.ok(!page.text.includes(dir));
      assert.ok(lines.some((l) => l.includes(file) && l.includes('data file unreadable')), 'the log names the file');
      assert.equal((await request(app).get('/collections/autres/items')).status, 200);
      // The next check sees the change and marks it unavailable.
      await reloading.check();
      await expectUnavailable(app, dir);
      assert.ok(lines.some((l) => l.includes(file) && l.includes('collection unavailable')));
    } finally {
      await reloading.close();
    }
  });

  it('replaced by a corrupt file (rename), then by a good one again', async () => {
    const { dir, file, reloading, app } = await serving();
    try {
      copyFileSync(file, join(dir, 'good.copy'));
      copyFileSync(file, join(dir, 'bad.copy'));
      garble(join(dir, 'bad.copy'), 0, 8);
      renameSync(join(dir, 'bad.copy'), file);
      await until(async () => (await request(app).get('/collections/sites/items')).status === 503, 'sites unavailable');
      await expectUnavailable(app, dir);
      renameSync(join(dir, 'good.copy'), file);
      await until(async () => (await request(app).get('/collections/sites/items')).status === 200, 'sites back');
      assert.equal((await request(app).get('/readyz')).status, 200);
    } finally {
      await reloading.close();
    }
  });
});
