import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type { Express } from 'express';
import { createServer } from 'node:http';
import { createApp, MAX_HEADER_SIZE } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { buildFixture, fixtureDefinition, fixtureRecords } from '../fixtures.js';

let app: Express;
let catalog: Catalog;
const records = fixtureRecords();
before(async () => {
  catalog = await openCatalog(await buildFixture(), [fixtureDefinition]);
  app = createApp({ info: { title: 'Test', description: 'Filtrage' }, catalog: () => catalog });
});
after(() => catalog.close());

async function ids(query: string): Promise<{ ids: string[]; matched: number }> {
  const res = await request(app).get(`/collections/sites/items?limit=1000&${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { ids: res.body.features.map((f: any) => f.id), matched: res.body.numberMatched };
}
const expect = (pred: (r: (typeof records)[number]) => boolean) => records.filter(pred).map((r) => r.code);
const q = (filter: string, extra = '') => `filter=${encodeURIComponent(filter)}${extra}`;

describe('Part 3 filtering', () => {
  it('declares the conformance classes', async () => {
    const { body } = await request(app).get('/conformance').expect(200);
    for (const c of ['filter', 'features-filter', 'queryables', 'queryables-query-parameters']) {
      assert.ok(body.conformsTo.includes(`http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/${c}`), c);
    }
    for (const c of ['cql2-text', 'cql2-json', 'advanced-comparison-operators', 'accent-insensitive-comparison', 'spatial-functions', 'temporal-functions', 'array-functions', 'arithmetic']) {
      assert.ok(body.conformsTo.includes(`http://www.opengis.net/spec/cql2/1.0/conf/${c}`), c);
    }
  });

  const cases: [string, (r: (typeof records)[number]) => boolean][] = [
    ["usage = 'AEP' AND annee >= 2020", (r) => r.usage === 'AEP' && r.annee >= 2020],
    ["nom LIKE 'B%'", (r) => r.nom.startsWith('B')],
    ['volume BETWEEN 500000 AND 1000000', (r) => r.volume !== null && r.volume >= 500000 && r.volume <= 1000000],
    ["usage IN ('IRR','IND') AND NOT actif", (r) => ['IRR', 'IND'].includes(r.usage) && !r.actif],
    ["CASEI(nom) = casei('PARIS')", (r) => r.nom === 'Paris'],
    ["ACCENTI(nom) = accenti('Besancon')", (r) => r.nom === 'Besançon'],
    ['S_INTERSECTS(geometry, BBOX(2.2,48.7,2.5,49.0))', (r) => r.nom === 'Paris'],
    ['S_WITHIN(geometry, POLYGON((-5 41,10 41,10 52,-5 52,-5 41)))', (r) => r.nom !== 'Saint-Denis'],
    ["T_INTERSECTS(annee, INTERVAL('2020-06-01','2021-01-31'))", (r) => r.annee >= 2020],
    ["A_CONTAINS(tags, ('AEP'))", (r) => r.tags.includes('AEP')],
    ['volume IS NULL', (r) => r.volume === null],
    ['volume / 1000 > annee', (r) => r.volume !== null && r.volume / 1000 > r.annee],
  ];
  for (const [filter, pred] of cases) {
    it(`cql2-text: ${filter}`, async () => {
      const result = await ids(q(filter));
      assert.deepEqual(result.ids.sort(), expect(pred).sort());
      assert.equal(result.matched, expect(pred).length);
    });
  }

  it('cql2-json gives the same result as the text form', async () => {
    const json = { op: 'and', args: [{ op: '=', args: [{ property: 'usage' }, 'AEP'] }, { op: '>=', args: [{ property: 'annee' }, 2020] }] };
    const a = await ids(q(JSON.stringify(json), '&filter-lang=cql2-json'));
    const b = await ids(q("usage = 'AEP' AND annee >= 2020"));
    assert.deepEqual(a.ids.sort(), b.ids.sort());
  });

  it('filter-crs: a Lambert-93 literal', async () => {
    const result = await ids(q('S_INTERSECTS(geometry, BBOX(640000,6850000,665000,6875000))', `&filter-crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/2154')}`));
    assert.deepEqual(result.ids.sort(), expect((r) => r.nom === 'Paris').sort());
  });

  it('filter combines with bbox, datetime and query parameters, and pages keep numberMatched', async () => {
    const res = await request(app).get(`/collections/sites/items?limit=2&${q('volume > 0')}&usage=IND&datetime=2020-01-01/..`).expect(200);
    const expected = expect((r) => r.volume !== null && r.volume > 0 && r.usage === 'IND' && r.annee >= 2020);
    assert.ok(expected.length > 2);
    assert.equal(res.body.numberMatched, expected.length);
    const next = res.body.links.find((l: any) => l.rel === 'next');
    assert.match(next.href, /filter=/);
  });

  it('parse errors: 400 naming filter, the position and what was expected', async () => {
    const res = await request(app).get(`/collections/sites/items?${q("usage = 'AEP' AND")}`).expect(400);
    assert.equal(res.body.code, 'InvalidParameterValue');
    assert.match(res.body.description, /filter/);
    assert.match(res.body.description, /column|colonne|position|offset/i);
    assert.match(res.body.description, /[Ee]xpected/);
  });

  it('unknown property, bad filter-lang, too deep nesting, too long: 400', async () => {
    for (const url of [
      `/collections/sites/items?${q("colour = 'red'")}`,
      `/collections/sites/items?${q("usage = 'AEP'")}&filter-lang=sql`,
      `/collections/sites/items?${q('('.repeat(5000) + 'annee = 1' + ')'.repeat(5000))}`,
      `/collections/sites/items?${q(Array.from({ length: 3000 }, () => 'annee = 1').join(' OR '))}`,
      `/collections/sites/items?${q('S_INTERSECTS(geometry, POINT(1 2)')}&filter-crs=EPSG:1`,
    ]) {
      // The CLI's server accepts long URLs (maxHeaderSize): so does this one.
      const res = await request(createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app)).get(url);
      assert.equal(res.status, 400, url.slice(0, 80));
      assert.equal(typeof res.body.description, 'string');
    }
  });
});

describe('queryables and sortables', () => {
  it('queryables: JSON Schema 2020-12 with types, enums, x-ogc-role', async () => {
    const res = await request(app).get('/collections/sites/queryables').expect(200);
    assert.match(res.headers['content-type'], /application\/schema\+json/);
    assert.equal(res.body.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(res.body.properties.geometry['x-ogc-role'], 'primary-geometry');
    assert.deepEqual(res.body.properties.usage.enum, ['AEP', 'IRR', 'IND']);
    assert.equal(res.body.properties.annee.type, 'integer');
    assert.equal(res.body.properties.annee['x-ogc-role'], 'primary-instant');
  });
  it('sortables lists sortable properties only', async () => {
    const res = await request(app).get('/collections/sites/sortables').expect(200);
    assert.deepEqual(Object.keys(res.body.properties).sort(), ['annee', 'code', 'nom', 'volume']);
  });
});

describe('sortby, properties, skipGeometry', () => {
  it('sortby=-volume,+code with paging', async () => {
    const sorted = [...records].sort((a, b) => (a.volume === null ? 1 : b.volume === null ? -1 : b.volume - a.volume) || a.code.localeCompare(b.code));
    const p1 = await request(app).get('/collections/sites/items?sortby=-volume,%2Bcode&limit=5').expect(200);
    const p2 = await request(app).get('/collections/sites/items?sortby=-volume,%2Bcode&limit=5&offset=5').expect(200);
    assert.deepEqual([...p1.body.features, ...p2.body.features].map((f: any) => f.id), sorted.slice(0, 10).map((r) => r.code));
    assert.equal(p1.body.numberMatched, 30);
  });
  it('sortby with a filter; unknown sortable is 400', async () => {
    const res = await request(app).get(`/collections/sites/items?sortby=annee&${q("nom = 'Lyon'")}`).expect(200);
    assert.deepEqual(res.body.features.map((f: any) => f.properties.annee), [2019, 2020, 2021]);
    const bad = await request(app).get('/collections/sites/items?sortby=usage').expect(400);
    assert.match(bad.body.description, /sortby/);
  });
  it('properties= selects properties; unknown is 400', async () => {
    const res = await request(app).get('/collections/sites/items?properties=nom,annee&limit=1').expect(200);
    assert.deepEqual(Object.keys(res.body.features[0].properties), ['nom', 'annee']);
    await request(app).get('/collections/sites/items?properties=nope').expect(400);
    const one = await request(app).get('/collections/sites/items/S000?properties=nom').expect(200);
    assert.deepEqual(one.body.properties, { nom: 'Paris' });
  });
  it('skipGeometry=true drops geometries', async () => {
    const res = await request(app).get('/collections/sites/items?skipGeometry=true&limit=2').expect(200);
    assert.ok(res.body.features.every((f: any) => f.geometry === null));
    await request(app).get('/collections/sites/items?skipGeometry=maybe').expect(400);
  });
});
