// Sorted pages read back from a cached sort order equal the whole result sorted independently
// (nulls last, file order breaking ties), at any offset, with filters, bbox and views.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { Catalog, openCatalog } from '../../server/catalog.js';
import { createView } from '../../server/views.js';
import { buildFixture, fixtureDefinition } from '../fixtures.js';

let app: Express;
let catalog: Catalog;
before(async () => {
  catalog = await openCatalog(await buildFixture(), [fixtureDefinition]);
  const base = catalog.get('sites')!;
  const view = createView(base, { id: 'sites_aep', filter: "usage = 'AEP'", exclude: ['tags'] });
  const scoped = new Catalog([...catalog.list(), view]);
  app = createApp({ info: { title: 'Test', description: 'Tri' }, catalog: () => scoped });
});
after(() => catalog.close());

type Row = { id: string; properties: Record<string, unknown> };

async function all(path: string, query: string): Promise<Row[]> {
  const res = await request(app).get(`${path}?limit=10000${query ? `&${query}` : ''}`).expect(200);
  return res.body.features;
}

/** The reference: a stable sort of the file-ordered result (nulls last whatever the direction). */
function sorted(rows: Row[], keys: [string, boolean][]): string[] {
  return rows.map((r, i) => ({ r, i })).sort((a, b) => {
    for (const [p, desc] of keys) {
      const x = a.r.properties[p], y = b.r.properties[p];
      if (x === y) continue;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const c = (x as number) < (y as number) ? -1 : 1;
      return desc ? -c : c;
    }
    return a.i - b.i;
  }).map(({ r }) => r.id);
}

function rng(seed: number) { return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32); }

describe('sortby through cached sort orders', () => {
  const cases: { path: string; query: string; keys: [string, boolean][] }[] = [
    { path: '/collections/sites/items', query: '', keys: [['volume', true], ['code', false]] },
    { path: '/collections/sites/items', query: '', keys: [['nom', false]] },
    { path: '/collections/sites/items', query: `filter=${encodeURIComponent('annee >= 2015')}`, keys: [['annee', true], ['nom', false]] },
    { path: '/collections/sites/items', query: 'bbox=-5,42,8,51', keys: [['code', true]] },
    { path: '/collections/sites_aep/items', query: '', keys: [['volume', false]] },
  ];
  for (const c of cases) {
    it(`${c.path} ${c.query || '(all)'} sortby ${c.keys.map(([p, d]) => (d ? '-' : '+') + p).join(',')}`, async () => {
      const expected = sorted(await all(c.path, c.query), c.keys);
      assert.ok(expected.length > 3, 'the case has features');
      const sortby = encodeURIComponent(c.keys.map(([p, d]) => (d ? '-' : '+') + p).join(','));
      const random = rng(expected.length);
      for (let n = 0; n < 8; n++) {
        const offset = Math.floor(random() * expected.length);
        const limit = 1 + Math.floor(random() * 7);
        const res = await request(app).get(`${c.path}?sortby=${sortby}&offset=${offset}&limit=${limit}${c.query ? `&${c.query}` : ''}`).expect(200);
        assert.deepEqual(res.body.features.map((f: Row) => f.id), expected.slice(offset, offset + limit), `offset ${offset} limit ${limit}`);
        assert.equal(res.body.numberMatched, expected.length);
        if (c.path.includes('sites_aep')) for (const f of res.body.features) assert.equal(f.properties.tags, undefined, 'the view still hides its properties');
      }
      // A format streamed from the same order (CSV lines in the same sequence).
      const csv = await request(app).get(`${c.path}?sortby=${sortby}&offset=2&limit=3&f=csv${c.query ? `&${c.query}` : ''}`).expect(200);
      assert.equal(csv.text.trim().split('\n').length, 1 + Math.min(3, Math.max(0, expected.length - 2)));
    });
  }
});

describe('sort orders behind access control', () => {
  it('scoped providers read by position (the cached order is used, not a heap per page)', async () => {
    const { buildAccessFixture } = await import('../auth/helpers.js');
    const fixture = await buildAccessFixture();
    try {
      for (const c of fixture.access.catalog().list()) assert.equal(typeof c.provider.readAt, 'function', c.definition.id);
      const auth = { Authorization: `Bearer ${await fixture.jwt({ sub: 'alice' })}` };
      const whole = await request(fixture.app).get('/collections/secrets_aelb/items?sortby=-montant_confidentiel&limit=100').set(auth).expect(200);
      const page = await request(fixture.app).get('/collections/secrets_aelb/items?sortby=-montant_confidentiel&limit=3&offset=2').set(auth).expect(200);
      assert.deepEqual(page.body.features.map((f: Row) => f.id), whole.body.features.slice(2, 5).map((f: Row) => f.id));
    } finally {
      await fixture.catalog.close();
    }
  });
});
