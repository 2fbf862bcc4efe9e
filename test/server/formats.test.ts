// Export formats of items (CSV, FlatGeobuf, GeoJSON text sequences), Swagger UI, and the memory
// of streaming a whole large collection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import type { Express } from 'express';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createApp, defaultParts } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { buildCollections } from '../../collections/build.js';
import { csvCell } from '../../server/formats/csv.js';
import type { CollectionDefinition } from '../../server/types.js';
import { buildFixture, fixtureDefinition } from '../fixtures.js';
import { ouvrages } from '../../collections/definitions/ouvrages.js';
import { openFileSource } from '../../collections/ingest/files.js';
import { binary, listen } from './formats-helpers.js';

const run = promisify(execFile);
const hasOgr = !spawnSync('ogrinfo', ['--version']).error;

// A collection that has its own longitude/latitude and values needing CSV quotes.
const notesDefinition: CollectionDefinition = {
  id: 'notes', title: 'Notes', description: 'Valeurs à citer', source: 'notes.fgb', idProperties: ['code'], geometryType: 'Point',
  properties: [
    { name: 'code', type: 'string', title: 'Code', sortable: true },
    { name: 'texte', type: 'string', title: 'Texte' },
    { name: 'liste', type: 'array', items: 'string', title: 'Liste' },
    { name: 'longitude', type: 'number', title: 'Longitude' },
    { name: 'latitude', type: 'number', title: 'Latitude' },
  ],
};
const NOTES = [
  { code: 'N1', texte: 'a;b', liste: ['x', 'y;z'], lon: 2.5, lat: 48.25 },
  { code: 'N2', texte: 'il dit "oui"', liste: [], lon: -1.5, lat: 47 },
  { code: 'N3', texte: 'ligne 1\nligne 2', liste: ['seul'], lon: 5, lat: 45.125 },
  { code: 'N4', texte: 'Besançon, été', liste: null, lon: 6.0241, lat: 47.238 },
];

// Hub'Eau's own fields (ouvrages): a CSV export must read back through the Hub'Eau file ingest.
const OUVRAGES = [
  { code_ouvrage: 'OPR0000000001', nom_ouvrage: 'FORAGE ; LE "PUITS"', code_departement: '33', ressource_cont_non_referencee: false, codes_points_prelevements: ['PTP1', 'PTP2'], lon: -0.58, lat: 44.84 },
  { code_ouvrage: 'OPR0000000002', nom_ouvrage: 'PRISE D\'EAU\nDE SURFACE', code_departement: '69', ressource_cont_non_referencee: true, codes_points_prelevements: ['PTP3'], lon: 4.83, lat: 45.76 },
];

let dir: string;
let catalog: Catalog;
let app: Express;
const SITES = '/collections/sites/items';

before(async () => {
  dir = await buildFixture();
  await buildCollections(dir, [
    { definition: notesDefinition, records: NOTES.map(({ lon, lat, ...p }) => ({ properties: { ...p, longitude: lon, latitude: lat }, lon, lat })) },
    { definition: ouvrages, records: OUVRAGES.map(({ lon, lat, ...p }) => ({ properties: { ...p, longitude: lon, latitude: lat }, lon, lat })) },
  ]);
  catalog = await openCatalog(dir, [fixtureDefinition, notesDefinition, ouvrages]);
  app = createApp({ info: { title: 'Test', description: 'Formats' }, catalog: () => catalog, parts: defaultParts() });
});
after(async () => {
  await catalog.close();
  rmSync(dir, { recursive: true, force: true });
});

async function geojson(query: string): Promise<any[]> {
  return (await request(app).get(`${SITES}?f=json&${query}`).expect(200)).body.features;
}

function csvLine(f: any): string {
  const p = f.properties;
  return [p.code, p.nom, p.annee, p.volume ?? '', p.usage, p.actif, p.tags.join(','), ...f.geometry.coordinates].join(';');
}

describe('CSV', () => {
  it('header row, values, separator, no BOM, headers', async () => {
    const res = await request(app).get(`${SITES}?f=csv&limit=30`).expect(200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(res.headers['content-disposition'], 'attachment; filename="sites.csv"');
    assert.notEqual(res.text.charCodeAt(0), 0xfeff);
    const lines = res.text.split('\n');
    assert.equal(lines.at(-1), '');
    assert.equal(lines[0], 'code;nom;annee;volume;usage;actif;tags;longitude;latitude');
    assert.ok(lines.includes('S000;Paris;2019;2133111;AEP;true;AEP,Par;2.3522;48.8566'));
    assert.ok(lines.includes('S029;Saint-Denis;2021;;IND;false;IND,Sai;55.4504;-20.8823'));
    assert.deepEqual(lines.slice(1, -1), (await geojson('limit=30')).map(csvLine));
  });
  it('quotes values holding ; " or a line break, keeps the collection longitude/latitude', async () => {
    // The file is in Hilbert order: sortby gives the input order back.
    const res = await request(app).get('/collections/notes/items?f=csv&sortby=code&limit=10').expect(200);
    assert.equal(res.text, [
      'code;texte;liste;longitude;latitude',
      'N1;"a;b";"x,y;z";2.5;48.25',
      'N2;"il dit ""oui""";;-1.5;47',
      'N3;"ligne 1\nligne 2";seul;5;45.125',
      'N4;Besançon, été;;6.0241;47.238', ''].join('\n'));
    assert.equal(Buffer.from(res.text).includes(Buffer.from('Besançon, été')), true);
  });
  it('cells: numbers plain, booleans, null empty', () => {
    assert.deepEqual([1194388, 0.25, -3, true, false, null, undefined, NaN, ['a', 1], { a: 1 }].map(csvCell),
      ['1194388', '0.25', '-3', 'true', 'false', '', '', '', 'a,1', '"{""a"":1}"']);
  });
  it('properties= keeps the selection, in definition order', async () => {
    const res = await request(app).get(`${SITES}?f=csv&limit=1&properties=volume,code`).expect(200);
    assert.equal(res.text.split('\n')[0], 'code;volume;longitude;latitude');
  });
  it("reads back through the Hub'Eau CSV file ingest: same fields, same values", async () => {
    const res = await request(app).get('/collections/ouvrages/items?f=csv').expect(200);
    assert.equal(res.text.split('\n')[0], ouvrages.properties.map((p) => p.name).join(';'), "Hub'Eau field order");
    const file = join(dir, 'ouvrages-export.csv');
    writeFileSync(file, res.text);
    const source = openFileSource(file);
    assert.equal(source.endpoint.definition.id, 'ouvrages');
    const read: Record<string, unknown>[] = [];
    for await (const r of source.records()) read.push(r.properties);
    const byCode = new Map(read.map((p) => [p.code_ouvrage, p]));
    for (const f of (await request(app).get('/collections/ouvrages/items?f=json').expect(200)).body.features) {
      const back = byCode.get(f.id);
      assert.ok(back, f.id);
      for (const [k, v] of Object.entries(f.properties)) assert.deepEqual(back[k] ?? null, v, `${f.id} ${k}`);
    }
  });
});

describe('FlatGeobuf', () => {
  it('reads back with the flatgeobuf reader: same ids, properties and coordinates as GeoJSON', async () => {
    const res = await request(app).get(`${SITES}?f=fgb&limit=30`).buffer(true).parse(binary).expect(200);
    assert.equal(res.headers['content-type'], 'application/flatgeobuf');
    assert.equal(res.headers['content-disposition'], 'attachment; filename="sites.fgb"');
    let header: HeaderMeta | undefined;
    const read: any[] = [];
    for await (const f of deserialize(new Uint8Array(res.body), { headerMetaFn: (h: HeaderMeta) => { header = h; } })) read.push(f);
    assert.equal(header?.featuresCount, 0);
    assert.equal(header?.indexNodeSize, 0);
    assert.equal(header?.crs?.code, 4326);
    assert.deepEqual(header?.columns?.map((c) => c.name), fixtureDefinition.properties.map((p) => p.name));
    const expected = await geojson('limit=30');
    assert.equal(read.length, 30);
    read.forEach((f, i) => {
      assert.equal(f.properties.code, expected[i].id);
      const nulls = Object.fromEntries(Object.keys(expected[i].properties).map((k) => [k, null]));
      assert.deepEqual({ ...nulls, ...f.properties }, expected[i].properties);
      assert.deepEqual(f.geometry.coordinates, expected[i].geometry.coordinates);
    });
  });
  it('crs: the header names the EPSG code, lat,lon CRSs are written x first', async () => {
    const expected = (await geojson('limit=3'))[2].geometry.coordinates;
    for (const [code, swap] of [[4326, true], [2154, false]] as const) {
      const res = await request(app).get(`${SITES}?f=fgb&limit=3&crs=http://www.opengis.net/def/crs/EPSG/0/${code}`).buffer(true).parse(binary).expect(200);
      let header: HeaderMeta | undefined;
      const read: any[] = [];
      for await (const f of deserialize(new Uint8Array(res.body), { headerMetaFn: (h: HeaderMeta) => { header = h; } })) read.push(f);
      assert.equal(header?.crs?.code, code);
      const xy = read[2].geometry.coordinates;
      if (swap) assert.deepEqual(xy, expected);
      else assert.ok(xy[0] > 100_000 && xy[1] > 6_000_000, String(xy));
    }
  });
});

describe('GeoJSON text sequences', () => {
  it('RS before each feature, LF after, same features as GeoJSON', async () => {
    const res = await request(app).get(`${SITES}?f=geojsonseq&limit=30`).buffer(true).parse(binary).expect(200);
    assert.equal(res.headers['content-type'], 'application/geo+json-seq');
    assert.match(res.headers['content-disposition'], /^inline; filename="sites\.geojsons"$/);
    const text = res.body.toString('utf8');
    const records = text.split('\x1e');
    assert.equal(records.shift(), '');
    assert.equal(records.length, 30);
    assert.ok(records.every((r: string) => r.endsWith('\n') && !r.slice(0, -1).includes('\n')));
    assert.deepEqual(records.map((r: string) => JSON.parse(r)), await geojson('limit=30'));
  });
});

describe('paging, negotiation, links, OpenAPI', () => {
  it('limit absent streams the whole result; limit present gives a page', async () => {
    const whole = (await request(app).get(`${SITES}?f=csv`).expect(200)).text.split('\n');
    assert.equal(whole.length, 32);
    const page = (await request(app).get(`${SITES}?f=csv&offset=10&limit=5`).expect(200)).text.split('\n');
    assert.deepEqual(page.slice(1, -1), (await geojson('offset=10&limit=5')).map(csvLine));
    const filtered = (await request(app).get(`${SITES}?f=geojsonseq&usage=AEP`).expect(200)).text;
    assert.equal(filtered.split('\x1e').length - 1, 10);
    assert.equal((await request(app).get(`${SITES}?f=fgb&limit=2`).buffer(true).parse(binary).expect(200)).body.length > 0, true);
  });
  it('Accept media types choose the format', async () => {
    for (const [accept, type] of [['text/csv', 'text/csv; charset=utf-8'], ['application/flatgeobuf', 'application/flatgeobuf'], ['application/geo+json-seq', 'application/geo+json-seq']]) {
      const res = await request(app).get(`${SITES}?limit=1`).set('Accept', accept).buffer(true).parse(binary).expect(200);
      assert.equal(res.headers['content-type'], type);
    }
  });
  it('HEAD gives the headers without running the export', async () => {
    const res = await request(app).head(`${SITES}?f=fgb`).expect(200);
    assert.equal(res.headers['content-type'], 'application/flatgeobuf');
  });
  it('GeoJSON pages link to each format as alternate, for the same page (limit and offset kept)', async () => {
    const links = (await request(app).get(`${SITES}?limit=2&offset=4&usage=AEP`).expect(200)).body.links;
    for (const [key, type] of [['csv', 'text/csv'], ['fgb', 'application/flatgeobuf'], ['geojsonseq', 'application/geo+json-seq']]) {
      const link = links.find((l: any) => l.rel === 'alternate' && l.type === type);
      const params = new URL(link.href).searchParams;
      assert.deepEqual([params.get('f'), params.get('limit'), params.get('offset'), params.get('usage')], [key, '2', '4', 'AEP'], key);
    }
    // Without limit in the request, the page's default limit still keeps the alternate to one page.
    const csv = (await request(app).get(SITES).expect(200)).body.links.find((l: any) => l.type === 'text/csv');
    assert.equal(new URL(csv.href).searchParams.get('limit'), '10');
  });
  it('FlatGeobuf pages page through Link headers (next typed application/flatgeobuf, as QGIS follows them)', async () => {
    const total = (await request(app).get(`${SITES}?limit=1`).expect(200)).body.numberMatched as number;
    const seen: string[] = [];
    let url: string | undefined = `${SITES}?f=fgb&limit=7&usage=AEP`;
    let pages = 0;
    const aep = (await request(app).get(`${SITES}?limit=1000&usage=AEP`).expect(200)).body.features.map((f: any) => f.id);
    while (url && pages++ < 100) {
      const res: request.Response = await request(app).get(url).buffer(true).parse(binary).expect(200);
      assert.equal(res.headers['content-type'], 'application/flatgeobuf');
      for await (const f of deserialize(new Uint8Array(res.body))) seen.push(String(f.properties!.code));
      const links = String(res.headers.link ?? '');
      assert.match(links, /rel="self"; type="application\/flatgeobuf"/);
      const next = /<([^>]+)>; rel="next"; type="application\/flatgeobuf"/.exec(links)?.[1];
      if (next) {
        const params = new URL(next).searchParams;
        assert.deepEqual([params.get('f'), params.get('limit'), params.get('usage')], ['fgb', '7', 'AEP']);
      }
      url = next ? new URL(next).pathname + new URL(next).search : undefined;
    }
    assert.ok(aep.length > 7 && aep.length < total, 'the filter spans pages');
    assert.deepEqual(seen, aep, 'every filtered feature once, in order; the last page has no next');
  });
  it('the collection links to its whole content in each format', async () => {
    const links = (await request(app).get('/collections/sites').expect(200)).body.links;
    for (const [key, type] of [['csv', 'text/csv'], ['fgb', 'application/flatgeobuf'], ['geojsonseq', 'application/geo+json-seq']]) {
      const link = links.find((l: any) => l.rel === 'items' && l.type === type);
      assert.ok(link, type);
      assert.equal(new URL(link.href).search, `?f=${key}`);
    }
  });
  it('a single feature in each format, with its own file name', async () => {
    const csv = await request(app).get(`${SITES}/S004?f=csv`).expect(200);
    assert.equal(csv.headers['content-disposition'], 'attachment; filename="sites-S004.csv"');
    assert.equal(csv.text, 'code;nom;annee;volume;usage;actif;tags;longitude;latitude\nS004;Lyon;2020;1044500;IRR;true;IRR,Lyo;4.8357;45.764\n');
    const fgb = await request(app).get(`${SITES}/S004`).set('Accept', 'application/flatgeobuf').buffer(true).parse(binary).expect(200);
    assert.equal(fgb.headers['content-disposition'], 'attachment; filename="sites-S004.fgb"');
    const read: any[] = [];
    for await (const f of deserialize(new Uint8Array(fgb.body))) read.push(f);
    assert.deepEqual(read.map((f) => [f.properties.code, f.geometry.coordinates]), [['S004', [4.8357, 45.764]]]);
    const seq = await request(app).get(`${SITES}/S004?f=geojsonseq`).expect(200);
    assert.equal(JSON.parse(seq.text.slice(1)).id, 'S004');
    const links = (await request(app).get(`${SITES}/S004`).expect(200)).body.links;
    for (const type of ['text/csv', 'application/flatgeobuf', 'application/geo+json-seq']) assert.ok(links.some((l: any) => l.rel === 'alternate' && l.type === type), type);
  });
  it('file names stay safe whatever the feature id', async () => {
    const { safeFileName } = await import('../../server/routes/formats.js');
    assert.equal(safeFileName('a/b c"d;é'), 'a_b_c_d_');
    assert.equal(safeFileName(''), 'export');
  });
  it('bad input is a 400 naming the parameter, also on streamed formats', async () => {
    for (const [query, parameter] of [['f=csv&limit=abc', 'limit'], ['f=fgb&offset=-1', 'offset'], ['f=geojsonseq&bbox=1,2,3', 'bbox'],
      ['f=csv&sortby=code', 'sortby'], ['f=csv&filter=nom%20%3D', 'filter'], ['f=fgb&properties=nope', 'properties']]) {
      const res = await request(app).get(`${SITES}?${query}`).expect(400);
      assert.equal(res.body.code, 'InvalidParameterValue', query);
      assert.match(res.body.description, new RegExp(parameter), query);
    }
    await request(app).get(`${SITES}?f=xlsx`).expect(406);
  });
  it('OpenAPI lists the media types and the f values, and stays valid', async () => {
    const doc = JSON.parse((await request(app).get('/api').expect(200)).text);
    const op = doc.paths[`${SITES}`].get;
    assert.deepEqual(op.parameters.find((p: any) => p.name === 'f').schema.enum, ['json', 'html', 'csv', 'fgb', 'geojsonseq']);
    for (const m of ['text/csv', 'application/flatgeobuf', 'application/geo+json-seq']) assert.ok(op.responses[200].content[m], m);
    assert.deepEqual(doc.paths['/collections/sites'].get.parameters[0].schema.enum, ['json', 'html']);
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 1000));
  });
  // server/openapi.ts has no hook yet for the formats of a single feature (asked for).
  it('OpenAPI lists the formats of a single feature', async () => {
    const doc = JSON.parse((await request(app).get('/api').expect(200)).text);
    const op = doc.paths[`${SITES}/{featureId}`].get;
    for (const m of ['text/csv', 'application/flatgeobuf', 'application/geo+json-seq']) assert.ok(op.responses[200].content[m], m);
    assert.deepEqual(op.parameters.find((p: any) => p.name === 'f').schema.enum, ['json', 'html', 'csv', 'fgb', 'geojsonseq']);
  });
});

describe('Swagger UI', () => {
  it('/api.html and /api?f=html load Swagger UI from the server itself', async () => {
    for (const path of ['/api.html', '/api?f=html']) {
      const res = await request(app).get(path).expect(200);
      assert.match(res.headers['content-type'], /text\/html/);
      assert.match(res.text, /\/assets\/swagger-ui\/swagger-ui-bundle\.js/);
      assert.match(res.text, /data-url="http:\/\/127\.0\.0\.1:\d+\/api\?f=json"/);
      assert.doesNotMatch(res.text, /https:\/\/(?!www\.)(unpkg|cdn)/);
    }
    assert.match((await request(app).get('/api').expect(200)).headers['content-type'], /openapi\+json/);
    await request(app).get('/api?f=xml').expect(406);
  });
  it('serves its assets, and only those', async () => {
    const js = await request(app).get('/assets/swagger-ui/swagger-ui-bundle.js').expect(200);
    assert.match(js.headers['content-type'], /javascript/);
    await request(app).get('/assets/swagger-ui/swagger-ui.css').expect(200).expect('content-type', /css/);
    assert.match((await request(app).get('/assets/swagger-ui/init.js').expect(200)).text, /validatorUrl: null/);
    await request(app).get('/assets/swagger-ui/index.html').expect(404);
    await request(app).get('/assets/swagger-ui/..%2Fpackage.json').expect(404);
  });
});

describe('GDAL reads the exports', { skip: !hasOgr && 'ogrinfo not installed' }, () => {
  // GDAL 3.6's /vsicurl/ needs a file size (Content-Length) and byte ranges, which a stream has
  // not: it fails to open. Its sequential reader /vsicurl_streaming/ reads the stream as it comes,
  // and a downloaded file reads like any other.
  let server: Server;
  let base = '';
  before(async () => { ({ server, base } = await listen(app)); });
  after(() => server.close());

  it('ogrinfo reads the FlatGeobuf stream', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-al', '-so', `/vsicurl_streaming/${base}${SITES}?f=fgb`]);
    assert.match(stdout, /Layer name: sites/);
    assert.match(stdout, /Geometry: Point/);
    assert.match(stdout, /Feature Count: 30/);
    assert.match(stdout, /Extent: \(-1\.553600, -20\.882300\) - \(55\.450400, 50\.629200\)/);
    for (const field of ['code: String', 'annee: Integer', 'volume: Real', 'actif: Integer\\(Boolean\\)']) assert.match(stdout, new RegExp(field));
  });
  it('ogrinfo reads the CSV (; detected, longitude/latitude as the point)', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-al', '-so', '-oo', 'X_POSSIBLE_NAMES=longitude', '-oo', 'Y_POSSIBLE_NAMES=latitude', '-oo', 'AUTODETECT_TYPE=YES',
      `CSV:/vsicurl_streaming/${base}${SITES}?f=csv`]);
    assert.match(stdout, /Feature Count: 30/);
    assert.match(stdout, /Geometry: Point/);
    assert.match(stdout, /Extent: \(-1\.553600, -20\.882300\) - \(55\.450400, 50\.629200\)/);
    for (const field of ['code: String', 'annee: Integer', 'tags: String', 'longitude: Real', 'latitude: Real']) assert.match(stdout, new RegExp(field));
  });
  it('ogrinfo reads the GeoJSON text sequence stream', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-al', '-so', `GeoJSONSeq:/vsicurl_streaming/${base}${SITES}?f=geojsonseq`]);
    assert.match(stdout, /Feature Count: 30/);
    assert.match(stdout, /Geometry: Point/);
  });
  it('ogrinfo reads downloaded files under the name Content-Disposition gives', async () => {
    const downloads = mkdtempSync(join(tmpdir(), 'ogc-downloads-'));
    try {
      for (const [f, driver] of [['fgb', 'FlatGeobuf'], ['csv', 'CSV'], ['geojsonseq', 'GeoJSONSeq']]) {
        const res = await request(app).get(`${SITES}?f=${f}&usage=IRR`).buffer(true).parse(binary).expect(200);
        const name = /filename="([^"]+)"/.exec(res.headers['content-disposition'])![1];
        writeFileSync(join(downloads, name), res.body);
        const { stdout } = await run('ogrinfo', ['-ro', '-al', '-so', '-oo', 'X_POSSIBLE_NAMES=longitude', '-oo', 'Y_POSSIBLE_NAMES=latitude', join(downloads, name)]);
        assert.match(stdout, new RegExp(`using driver \`${driver}'`), f);
        assert.match(stdout, /Feature Count: 10/, f);
        assert.match(stdout, /Geometry: Point/, f);
      }
    } finally {
      rmSync(downloads, { recursive: true, force: true });
    }
  });
});
