// The Hub'Eau-compatible API replayed as public clients call it (R `hubeau`, Python `cl-hubeau`,
// agencies' scripts): paths, parameter spellings, repeated bbox, fields lists, page walking.
// Every answer is held against the OGC API's for the same query on the same data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import type { Catalog } from '../../server/catalog.js';
import { domainApp, H, hubeauWalk, ogcAll, openDomain, pathOf } from './helpers.js';

let catalog: Catalog;
let app: Express;
/** The département with the most chroniques, and that count. */
let dep: string;
let depCount: number;

before(async () => {
  catalog = await openDomain();
  app = domainApp(catalog);
  const all = await ogcAll(app, '/collections/chroniques/items?limit=10000&properties=code_departement&skipGeometry=true');
  const byDep = new Map<string, number>();
  for (const f of all) byDep.set(String(f.properties.code_departement), (byDep.get(String(f.properties.code_departement)) ?? 0) + 1);
  [dep, depCount] = [...byDep].sort((a, b) => b[1] - a[1])[0];
});
after(() => catalog?.close());

const ENVELOPE = ['count', 'first', 'last', 'prev', 'next', 'api_version', 'data'];

describe("Hub'Eau envelope and paging", () => {
  it('answers 206 with the envelope while pages follow, absolute links keeping the other parameters', async () => {
    const res = await request(app).get(`${H}/chroniques?code_departement=${dep}&size=20&code_usage=AEP,IRR,IND,EN,CAN,ETU,AUT,ECN,ERE`).expect(206);
    assert.match(res.headers['content-type'], /^application\/json/);
    assert.deepEqual(Object.keys(res.body), ENVELOPE);
    assert.equal(res.body.api_version, '1.0.0');
    assert.equal(res.body.data.length, 20);
    assert.equal(res.body.prev, null);
    const next = new URL(res.body.next);
    assert.equal(next.origin, new URL(res.body.first).origin);
    assert.equal(next.pathname, `${H}/chroniques`);
    assert.equal(next.searchParams.get('page'), '2');
    assert.equal(next.searchParams.get('size'), '20');
    assert.equal(next.searchParams.get('code_departement'), dep);
    assert.equal(new URL(res.body.last).searchParams.get('page'), String(Math.ceil(res.body.count / 20)));
    assert.ok(res.body.next.includes('code_usage=AEP,IRR'), 'lists keep their commas');
  });

  it("walks a whole département's chroniques through next links: exactly the rows of /collections/chroniques/items", async () => {
    const walk = await hubeauWalk(app, `${H}/chroniques?code_departement=${dep}&size=37`);
    const ogc = await ogcAll(app, `/collections/chroniques/items?code_departement=${dep}&limit=1000`);
    assert.equal(ogc.length, depCount);
    assert.ok(walk.statuses.length > 2, 'several pages');
    assert.deepEqual(walk.statuses, [...walk.statuses.slice(0, -1).map(() => 206), 200], '206 while pages follow, 200 on the last');
    assert.ok(walk.counts.every((c) => c === depCount));
    assert.deepEqual(walk.rows, ogc.map((f) => f.properties), 'same rows, same values, same order');
    const names = catalog.get('chroniques')!.definition.properties.map((p) => p.name);
    for (const row of walk.rows) assert.deepEqual(Object.keys(row), names, 'every field, in Hub\'Eau\'s order');
  });

  it('R hubeau style: page numbers incremented until the count is reached, fields and format=json', async () => {
    const fields = 'code_ouvrage,annee,volume,code_usage,libelle_usage';
    const rows: Record<string, unknown>[] = [];
    let count = Infinity;
    for (let page = 1; rows.length < count; page++) {
      const res = await request(app).get(`${H}/chroniques?code_departement=${dep}&fields=${fields}&format=json&size=250&page=${page}`);
      assert.equal(res.status, rows.length + res.body.data.length < res.body.count ? 206 : 200);
      count = res.body.count;
      rows.push(...res.body.data);
      assert.ok(page < 100);
    }
    const ogc = await ogcAll(app, `/collections/chroniques/items?code_departement=${dep}&limit=1000&properties=${fields}`);
    assert.deepEqual(rows, ogc.map((f) => f.properties));
    assert.deepEqual(Object.keys(rows[0]), fields.split(','));
  });

  it('cl-hubeau style: repeated bbox parameters, default size 1000', async () => {
    const bbox = [-1.5, 43.5, 3.5, 47.5];
    const res = await request(app).get(`${H}/referentiel/ouvrages?${bbox.map((b) => `bbox=${b}`).join('&')}`);
    const ogc = await request(app).get(`/collections/ouvrages/items?bbox=${bbox.join(',')}&limit=10000`).expect(200);
    assert.equal(res.body.count, ogc.body.numberMatched);
    assert.equal(res.body.data.length, Math.min(1000, ogc.body.numberMatched));
    assert.equal(res.status, ogc.body.numberMatched > 1000 ? 206 : 200);
    assert.deepEqual(res.body.data, ogc.body.features.slice(0, 1000).map((f: { properties: unknown }) => f.properties));
    assert.ok(new URL(res.body.first).searchParams.get('bbox') === bbox.join(','), 'links carry one bbox');
  });

  it('format=geojson: a FeatureCollection with the same envelope, features and geometries', async () => {
    const res = await request(app).get(`${H}/referentiel/ouvrages?format=geojson&code_departement=${dep}&size=50`);
    assert.equal(res.body.type, 'FeatureCollection');
    assert.deepEqual(Object.keys(res.body), ['type', ...ENVELOPE.slice(0, -1), 'features']);
    const ogc = await request(app).get(`/collections/ouvrages/items?code_departement=${dep}&limit=50`).expect(200);
    assert.equal(res.body.count, ogc.body.numberMatched);
    assert.deepEqual(res.body.features.map((f: { geometry: unknown }) => f.geometry), ogc.body.features.map((f: { geometry: unknown }) => f.geometry));
    assert.deepEqual(res.body.features.map((f: { properties: unknown }) => f.properties), ogc.body.features.map((f: { properties: unknown }) => f.properties));
  });

  it('points_prelevement: Hub\'Eau fields only (no coordinates), sort=asc on the point code', async () => {
    const res = await request(app).get(`${H}/referentiel/points_prelevement?code_departement=${dep}&sort=asc&size=10`);
    const ogc = await request(app).get(`/collections/points_prelevement/items?code_departement=${dep}&sortby=code_point_prelevement&limit=10`).expect(200);
    assert.equal(res.body.count, ogc.body.numberMatched);
    assert.deepEqual(res.body.data, ogc.body.features.map((f: { properties: unknown }) => f.properties));
    assert.ok(!('longitude' in res.body.data[0]));
  });

  it('sort=desc on chroniques: année, then ouvrage and usage, as the OGC sortby', async () => {
    const res = await request(app).get(`${H}/chroniques?code_departement=${dep}&sort=desc&size=30&page=2`);
    const ogc = await request(app).get(`/collections/chroniques/items?code_departement=${dep}&sortby=-annee,-code_ouvrage,-code_usage&limit=30&offset=30`).expect(200);
    assert.deepEqual(res.body.data, ogc.body.features.map((f: { properties: unknown }) => f.properties));
  });

  it('a page asked again: the same status, headers and body (page cache), 304 on If-None-Match', async () => {
    for (const path of [`${H}/chroniques?code_departement=${dep}&size=7&page=2`, `${H}/chroniques.csv?code_departement=${dep}&size=7`]) {
      // One Host: supertest listens on a new port each request, and links carry it.
      const a = await request(app).get(path).set('Host', 'eau.example.org').buffer(true);
      const b = await request(app).get(path).set('Host', 'eau.example.org').buffer(true);
      assert.equal(a.status, 206);
      assert.equal(b.status, 206);
      assert.equal(b.text, a.text);
      assert.equal(b.headers['content-type'], a.headers['content-type']);
      assert.equal(b.headers.link, a.headers.link);
      assert.ok(a.headers.etag);
      await request(app).get(path).set('Host', 'eau.example.org').set('If-None-Match', a.headers.etag).expect(304);
    }
  });

  it('an empty result is a 200 with count 0 and no next', async () => {
    const res = await request(app).get(`${H}/chroniques?code_ouvrage=OPR9999999999`).expect(200);
    assert.equal(res.body.count, 0);
    assert.deepEqual(res.body.data, []);
    assert.equal(res.body.next, null);
  });
});

describe("Hub'Eau parameters → the OGC API's filters", () => {
  const cases: [string, string, string][] = [
    ['annee list', `${H}/chroniques?annee=2015,2020`, '/collections/chroniques/items?annee=2015,2020'],
    ['annee_min / annee_max', `${H}/chroniques?annee_min=2012&annee_max=2014&code_usage=IRR`, "/collections/chroniques/items?filter=annee BETWEEN 2012 AND 2014 AND code_usage = 'IRR'"],
    ['volume_min / volume_max', `${H}/chroniques?volume_min=100000&volume_max=500000`, '/collections/chroniques/items?filter=volume >= 100000 AND volume <= 500000'],
    ['prelevement_ecrasant', `${H}/chroniques?prelevement_ecrasant=true`, '/collections/chroniques/items?prelevement_ecrasant=true'],
    ['code_region (extension)', `${H}/chroniques?code_region=84`, '/collections/chroniques/items?code_departement=01,03,07,15,26,38,42,43,63,69,73,74'],
    ['statuses and modes', `${H}/chroniques?code_statut_volume=1&code_qualification_volume=1&code_statut_instruction=REA&code_mode_obtention_volume=MED`,
      '/collections/chroniques/items?code_statut_volume=1&code_qualification_volume=1&code_statut_instruction=REA&code_mode_obtention_volume=MED'],
    ['code_type_milieu', `${H}/referentiel/ouvrages?code_type_milieu=SOUT,LIT`, '/collections/ouvrages/items?code_type_milieu=SOUT,LIT'],
    ['date_exploitation', `${H}/referentiel/ouvrages?date_exploitation=2005-06-30`,
      "/collections/ouvrages/items?filter=(date_exploitation_debut IS NULL OR date_exploitation_debut <= DATE('2005-06-30')) AND (date_exploitation_fin IS NULL OR date_exploitation_fin >= DATE('2005-06-30'))"],
    ['points: code_nature, nappe_accompagnement', `${H}/referentiel/points_prelevement?code_nature=F&nappe_accompagnement=true`,
      '/collections/points_prelevement/items?code_nature=F&nappe_accompagnement=true'],
  ];
  for (const [name, hubeau, ogc] of cases) {
    it(name, async () => {
      const [h, o] = await Promise.all([request(app).get(`${hubeau}&size=5000`), ogcAll(app, `${ogc}&limit=5000`)]);
      assert.ok(h.status === 200 || h.status === 206, h.text);
      assert.ok(o.length > 0, 'the case selects something');
      assert.equal(h.body.count, o.length);
      assert.deepEqual(h.body.data, o.slice(0, 5000).map((f) => f.properties));
    });
  }

  it('codes_points_prelevements: the ouvrages holding any of the points', async () => {
    const some = (await request(app).get(`${H}/referentiel/ouvrages?size=3`)).body.data as { code_ouvrage: string; codes_points_prelevements: string[] }[];
    const codes = some.map((o) => o.codes_points_prelevements[0]).join(',');
    const res = await request(app).get(`${H}/referentiel/ouvrages?codes_points_prelevements=${codes}`).expect(200);
    assert.deepEqual(res.body.data.map((o: { code_ouvrage: string }) => o.code_ouvrage).sort(), some.map((o) => o.code_ouvrage).sort());
  });

  it('distance + latitude + longitude: the ouvrages within that many km (great circle)', async () => {
    const [lon, lat, km] = [2.35, 48.85, 60];
    const res = await request(app).get(`${H}/referentiel/ouvrages?distance=${km}&latitude=${lat}&longitude=${lon}&size=5000`);
    const all = await ogcAll(app, '/collections/ouvrages/items?limit=10000');
    const rad = Math.PI / 180;
    const dist = (p: number[]) => 2 * 6371.0088 * Math.asin(Math.sqrt(Math.sin(((p[1] - lat) * rad) / 2) ** 2 + Math.cos(lat * rad) * Math.cos(p[1] * rad) * Math.sin(((p[0] - lon) * rad) / 2) ** 2));
    const got = new Set(res.body.data.map((o: { code_ouvrage: string }) => o.code_ouvrage));
    const near = all.filter((f) => dist((f.geometry as { coordinates: number[] }).coordinates) <= km * 0.999);
    const far = all.filter((f) => dist((f.geometry as { coordinates: number[] }).coordinates) > km * 1.001);
    assert.ok(near.length > 10);
    for (const f of near) assert.ok(got.has(f.properties.code_ouvrage), `${f.properties.code_ouvrage} is within ${km} km`);
    for (const f of far) assert.ok(!got.has(f.properties.code_ouvrage), `${f.properties.code_ouvrage} is beyond ${km} km`);
  });

  it('unknown parameters are ignored, as Hub\'Eau does; empty values too', async () => {
    const a = await request(app).get(`${H}/chroniques?code_departement=${dep}&size=5&colour=red&code_usage=`);
    const b = await request(app).get(`${H}/chroniques?code_departement=${dep}&size=5`);
    assert.equal(a.status, 206);
    assert.deepEqual(a.body.data, b.body.data);
    assert.equal(a.body.count, b.body.count);
  });
});

describe("Hub'Eau CSV", () => {
  it('.csv pages are byte for byte the OGC CSV export of the same page; 206 then 200, Link header', async () => {
    const size = Math.ceil(depCount / 2);
    const p1 = await request(app).get(`${H}/chroniques.csv?code_departement=${dep}&size=${size}`).buffer(true).expect(206);
    const o1 = await request(app).get(`/collections/chroniques/items?f=csv&code_departement=${dep}&limit=${size}`).buffer(true).expect(200);
    assert.equal(p1.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(p1.text, o1.text);
    assert.match(p1.headers.link, /rel="next"/);
    const p2 = await request(app).get(`${H}/chroniques.csv?code_departement=${dep}&size=${size}&page=2`).buffer(true).expect(200);
    const rows = [...parse(p1.text, { delimiter: ';', columns: true }), ...parse(p2.text, { delimiter: ';', columns: true })] as Record<string, string>[];
    assert.equal(rows.length, depCount);
    assert.ok(!p1.text.startsWith('\ufeff'), 'no BOM');
  });

  it('fields select the columns (in the records\' order); arrays joined by commas; quotes only where needed', async () => {
    const res = await request(app).get(`${H}/referentiel/ouvrages.csv?fields=codes_points_prelevements,code_ouvrage,nom_ouvrage,latitude&size=400`).buffer(true);
    const lines = res.text.trimEnd().split('\n');
    assert.equal(lines[0], 'code_ouvrage;nom_ouvrage;latitude;codes_points_prelevements');
    const json = (await request(app).get(`${H}/referentiel/ouvrages?fields=code_ouvrage,nom_ouvrage,codes_points_prelevements,latitude&size=400`)).body.data as Record<string, unknown>[];
    const rows = parse(res.text, { delimiter: ';', columns: true }) as Record<string, string>[];
    assert.equal(rows.length, json.length);
    rows.forEach((row, i) => {
      assert.equal(row.code_ouvrage, json[i].code_ouvrage);
      assert.equal(row.nom_ouvrage, json[i].nom_ouvrage);
      assert.equal(row.codes_points_prelevements, (json[i].codes_points_prelevements as string[]).join(','));
      assert.equal(Number(row.latitude), json[i].latitude);
    });
    const multi = json.findIndex((o) => (o.codes_points_prelevements as string[]).length > 1);
    if (multi >= 0) assert.match(lines[multi + 1], /;PTP\d+(,PTP\d+)+$/, 'a list is not quoted');
  });
});

describe("Hub'Eau errors and limits", () => {
  const error = async (path: string, field: string) => {
    const res = await request(app).get(path).expect(400);
    assert.equal(res.body.code, 'InvalidParameterValue');
    assert.match(res.body.description, new RegExp(field));
    assert.equal(res.body.message, res.body.description);
    assert.equal(res.body.field_errors[0].field, field);
    return res.body;
  };

  it('page × size over 20,000 is a 400 naming page (the depth wall is on by default)', async () => {
    const body = await error(`${H}/chroniques?size=1000&page=21`, 'page');
    assert.match(body.description, /20000/);
    assert.match(body.description, /cursor/);
    await request(app).get(`${H}/chroniques?size=1000&page=20`).expect(200); // 20 × 1000 = 20,000: allowed (past the data: empty)
    const whole = await request(app).get(`${H}/chroniques?size=20000`).expect(200); // the largest size: the whole test dataset
    assert.equal(whole.body.data.length, whole.body.count);
  });

  it('bad values are 400s naming the parameter, never a 500', async () => {
    await error(`${H}/chroniques?size=20001`, 'size');
    await error(`${H}/chroniques?size=0`, 'size');
    await error(`${H}/chroniques?size=abc`, 'size');
    await error(`${H}/chroniques?page=0`, 'page');
    await error(`${H}/chroniques?format=xml`, 'format');
    await error(`${H}/chroniques?sort=up`, 'sort');
    await error(`${H}/chroniques?annee=deux`, 'annee');
    await error(`${H}/chroniques?volume_min=beaucoup`, 'volume_min');
    await error(`${H}/chroniques?prelevement_ecrasant=oui`, 'prelevement_ecrasant');
    await error(`${H}/chroniques?bbox=1,2,3`, 'bbox');
    await error(`${H}/chroniques?distance=10&latitude=45`, 'longitude');
    await error(`${H}/chroniques?code_region=99`, 'code_region');
    await error(`${H}/referentiel/ouvrages?date_exploitation=hier`, 'date_exploitation');
    await error(`${H}/chroniques?cursor=abc`, 'cursor');
    await error(`${H}/chroniques?cursor=*&page=2`, 'page');
  });

  it('a forged Host header never reaches the links', async () => {
    const res = await request(app).get(`${H}/chroniques?size=1`).set('Host', 'evil.example"><script>');
    assert.equal(res.status, 400);
    assert.ok(!res.text.includes('<script>'));
  });
});

describe('deep paging beyond the wall (cursor extension) and configuration', () => {
  it('cursor=* then next links walk the whole collection, no wall', async () => {
    const walk = await hubeauWalk(app, `${H}/chroniques?cursor=*&size=1000&fields=code_ouvrage,annee,code_usage`);
    const total = (await request(app).get('/collections/chroniques/items?limit=1')).body.numberMatched;
    assert.equal(walk.rows.length, total);
    assert.equal(new Set(walk.rows.map((r) => `${r.code_ouvrage}_${r.annee}_${r.code_usage}`)).size, total);
    assert.equal(walk.statuses.at(-1), 200);
  });

  it('a configured wall: page numbers stop at it, and next links past it continue with a cursor', async () => {
    const small = domainApp(catalog, { defaultSize: 40, maxSize: 100, maxDepth: 200 });
    const first = await request(small).get(`${H}/chroniques?code_departement=${dep}`).expect(206);
    assert.equal(first.body.data.length, 40, 'default size');
    await request(small).get(`${H}/chroniques?size=101`).expect(400);
    await request(small).get(`${H}/chroniques?code_departement=${dep}&page=6`).expect(400); // 6 × 40 > 200
    const walk = await hubeauWalk(small, `${H}/chroniques?code_departement=${dep}`);
    assert.equal(walk.rows.length, depCount);
    const ogc = await ogcAll(app, `/collections/chroniques/items?code_departement=${dep}&limit=1000`);
    assert.deepEqual(walk.rows, ogc.map((f) => f.properties));
    const page5 = await request(small).get(`${H}/chroniques?code_departement=${dep}&page=5`);
    assert.match(page5.body.next, /cursor=/, 'the link past the wall is a cursor');
    assert.match(pathOf(page5.body.last), /cursor=/);
  });

  it('maxDepth 0 lifts the wall for page numbers', async () => {
    const open = domainApp(catalog, { maxDepth: 0 });
    const res = await request(open).get(`${H}/chroniques?size=1000&page=12`).expect(200);
    assert.equal(res.body.data.length, Math.max(0, Math.min(1000, res.body.count - 11_000)));
  });
});

describe("Hub'Eau paths in /api", () => {
  it('are declared, with their parameters, in a valid OpenAPI 3.0 document', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const doc = JSON.parse((await request(app).get('/api').expect(200)).text);
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
    const chroniques = doc.paths[`${H}/chroniques`].get;
    for (const name of ['annee', 'code_departement', 'volume_min', 'bbox', 'distance', 'fields', 'format', 'sort', 'page', 'size', 'cursor']) {
      assert.ok(chroniques.parameters.some((p: { name: string }) => p.name === name), name);
    }
    assert.ok(doc.paths[`${H}/referentiel/points_prelevement.csv`]);
  });
});
