// Defect "ingest drops records that real data contains": Hub'Eau publishes nulls in names, labels,
// coordinates, département, milieu… Such records are kept (null stays null, labels and département
// completed), only a missing or malformed key or a wrong type is refused, a code outside its list is
// kept and flagged, rejects are counted by reason; then the result is served: features readable by
// id and by attribute, null geometry through every format, chroniques kept.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { collections } from '../../collections/definitions/index.js';
import { formatSummary, ingestFromFiles, type IngestSummary } from '../../collections/ingest/index.js';
import { createApp } from '../../server/app.js';
import { openCatalog, resolveDataDir, type Catalog } from '../../server/catalog.js';
import { readRejects, tempDir } from './helpers.js';
import { jsonPage } from './hubeau-files.js';
import { standinData } from './standin.js';

type Row = Record<string, unknown>;
const data = standinData(0.001, 11);
const ouv = data['referentiel/ouvrages'];
const pts = data['referentiel/points_prelevement'];
const chr = data.chroniques;

const NULLED = ['nom_ouvrage', 'libelle_precision_coord', 'nom_commune', 'code_departement', 'libelle_departement', 'code_type_milieu', 'libelle_type_milieu', 'longitude', 'latitude'];
const chroniquesOf = (code: unknown) => chr.filter((c) => c.code_ouvrage === code);

describe('ingest keeps records with nulls', () => {
  const root = tempDir();
  const files = tempDir('prelevements-nullable-');
  // An ouvrage with every nullable thing null, and chroniques of its own.
  const bare = ouv.find((o) => chroniquesOf(o.code_ouvrage).length > 0)!;
  const bareRow: Row = { ...bare, ...Object.fromEntries(NULLED.map((f) => [f, null])) };
  // Labels null beside known codes: completed from the code lists.
  const labels = ouv.find((o) => o !== bare && o.code_type_milieu)!;
  const labelsRow: Row = { ...labels, libelle_type_milieu: null, libelle_precision_coord: null, code_departement: null, libelle_departement: null };
  const oddCode = ouv.find((o) => o !== bare && o !== labels)!;
  const oddRow: Row = { ...oddCode, code_precision_coord: 'Z' };
  const noKey: Row = { ...ouv[ouv.length - 1], code_ouvrage: null };
  const blankKey: Row = { ...ouv[ouv.length - 2], code_ouvrage: ' ' };
  const rest = ouv.filter((o) => o !== bare && o !== labels && o !== oddCode && o !== ouv[ouv.length - 1] && o !== ouv[ouv.length - 2]);
  const bareChronique = chroniquesOf(bare.code_ouvrage)[0];
  const chrRows: Row[] = chr.map((c) => (c === bareChronique ? { ...c, nom_ouvrage: null, libelle_usage: null, nom_commune: null, longitude: null, latitude: null, code_departement: null, libelle_departement: null } : c));
  const wrongType: Row = { ...chr[0], annee: 'deux mille' };
  let summary: IngestSummary;
  let catalog: Catalog;
  let app: ReturnType<typeof createApp>;

  before(async () => {
    writeFileSync(join(files, 'ouvrages.json'), jsonPage([bareRow, labelsRow, oddRow, noKey, blankKey, ...rest]));
    writeFileSync(join(files, 'points.json'), jsonPage(pts.map((p) => (p.code_ouvrage === bare.code_ouvrage ? { ...p, nom_point_prelevement: null, libelle_nature: null } : p))));
    writeFileSync(join(files, 'chroniques.json'), jsonPage([...chrRows, wrongType]));
    summary = await ingestFromFiles({ out: root, files: [files] });
    catalog = await openCatalog(resolveDataDir(root), collections);
    app = createApp({ info: { title: 'Test', description: 'Test' }, catalog: () => catalog });
  });
  after(() => catalog.close());

  it('rejects only what cannot be stored, counted by reason; no valid record lost', () => {
    const o = summary.tallies.ouvrages;
    assert.deepEqual([o.read, o.kept, o.rejected, o.flagged], [ouv.length, ouv.length - 2, 2, 1]);
    assert.deepEqual(o.reasons, { 'code_ouvrage : type attendu': 1, 'code_ouvrage : must match pattern "\\S"': 1 });
    assert.deepEqual(o.flags, { 'code_precision_coord : code hors de la liste': 1 });
    const p = summary.tallies.points_prelevement;
    assert.deepEqual([p.read, p.rejected], [pts.length, pts.filter((x) => x.code_ouvrage === ouv[ouv.length - 1].code_ouvrage || x.code_ouvrage === ouv[ouv.length - 2].code_ouvrage).length]);
    const c = summary.tallies.chroniques;
    assert.deepEqual([c.read, c.kept, c.rejected], [chr.length + 1, chr.length, 1], 'every chronique kept, the wrong type refused');
    assert.deepEqual(c.reasons, { 'annee : type attendu': 1 });
    const rejects = readRejects(root);
    const flagged = rejects.filter((r) => r.kept);
    assert.equal(flagged.length, 1);
    assert.equal(flagged[0].field, 'code_precision_coord');
    const text = formatSummary(summary);
    assert.match(text, /\| ouvrages \| rejet \| code_ouvrage : type attendu \| 1 \|/);
    assert.match(text, /\| ouvrages \| gardé, signalé \| code_precision_coord : code hors de la liste \| 1 \|/);
  });

  it('serves the bare ouvrage by id: nulls stay null, null geometry, département from the commune', async () => {
    const response = await request(app).get(`/collections/ouvrages/items/${bare.code_ouvrage}`);
    assert.equal(response.status, 200, response.text.slice(0, 300));
    const f = response.body;
    assert.equal(f.geometry, null);
    for (const field of ['nom_ouvrage', 'code_type_milieu', 'libelle_type_milieu', 'longitude', 'latitude']) assert.equal(f.properties[field], null, field);
    assert.equal(f.properties.code_departement, bare.code_departement, 'département from the commune code');
    assert.equal(f.properties.libelle_departement, bare.libelle_departement);
    assert.equal(f.properties.nom_commune, bare.nom_commune, 'commune name from the COG');
    assert.equal(f.properties.libelle_precision_coord, bare.libelle_precision_coord, 'label from the code list');
  });

  it('completes labels from the code lists and keeps an odd code', async () => {
    const l = (await request(app).get(`/collections/ouvrages/items/${labels.code_ouvrage}`)).body;
    assert.equal(l.properties.libelle_type_milieu, labels.libelle_type_milieu);
    assert.equal(l.properties.libelle_precision_coord, labels.libelle_precision_coord);
    assert.equal(l.properties.code_departement, labels.code_departement);
    assert.notEqual(l.geometry, null);
    const odd = (await request(app).get(`/collections/ouvrages/items/${oddCode.code_ouvrage}`)).body;
    assert.equal(odd.properties.code_precision_coord, 'Z');
  });

  it('finds null-geometry features by attribute, in every format', async () => {
    const filter = encodeURIComponent(`nom_ouvrage IS NULL`);
    const page = await request(app).get(`/collections/ouvrages/items?filter=${filter}`);
    assert.equal(page.status, 200);
    assert.deepEqual(page.body.features.map((f: { id: string }) => f.id), [bare.code_ouvrage]);
    const csv = await request(app).get(`/collections/ouvrages/items?filter=${filter}&f=csv`);
    assert.equal(csv.status, 200);
    assert.equal(csv.text.trim().split('\n').length, 2);
    assert.ok(csv.text.includes(String(bare.code_ouvrage)));
    const fgb = await request(app).get(`/collections/ouvrages/items?filter=${filter}&f=fgb`).buffer(true);
    assert.equal(fgb.status, 200);
    const all = await request(app).get('/collections/ouvrages/items?limit=10000&f=csv');
    assert.equal(all.status, 200);
    assert.equal(all.text.trim().split('\n').length, ouv.length - 2 + 1);
    const everything = await request(app).get('/collections/ouvrages/items?limit=10000&bbox=-180,-90,180,90');
    assert.equal(everything.status, 200);
    assert.ok(!everything.body.features.some((f: { id: string }) => f.id === bare.code_ouvrage), 'no geometry: outside every bbox');
    for (const [z, x, y] of [[0, 0, 0], [5, 16, 11]]) {
      const tile = await request(app).get(`/collections/ouvrages/tiles/WebMercatorQuad/${z}/${y}/${x}`);
      assert.ok(tile.status === 200 || tile.status === 204, `tile ${z}: ${tile.status}`);
    }
  });

  it('keeps the chroniques of that ouvrage, readable by id, counted in the aggregates', async () => {
    const id = `${bareChronique.code_ouvrage}_${bareChronique.annee}_${bareChronique.code_usage}`;
    const c = await request(app).get(`/collections/chroniques/items/${id}`);
    assert.equal(c.status, 200);
    assert.equal(c.body.geometry, null, 'no coordinates of its own, its ouvrage has none');
    assert.equal(c.body.properties.libelle_usage, bareChronique.libelle_usage, 'label from the code list');
    assert.equal(c.body.properties.code_departement, bareChronique.code_departement);
    const others = chroniquesOf(bare.code_ouvrage).slice(1);
    for (const o of others) assert.equal((await request(app).get(`/collections/chroniques/items/${o.code_ouvrage}_${o.annee}_${o.code_usage}`)).status, 200);
    const commune = await request(app).get(`/collections/volumes_communes/items?limit=10000&filter=${encodeURIComponent(`code_commune_insee = '${bare.code_commune_insee}'`)}`);
    assert.equal(commune.status, 200);
    assert.ok(commune.body.features.length >= 1, 'its commune has volumes');
  });
});
