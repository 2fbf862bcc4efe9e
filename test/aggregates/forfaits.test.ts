// The non-spatial collection forfaits_annexe2: its rows, the estimate it allows, and how the
// engine serves a collection without geometry.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { buildCollections } from '../../collections/build.js';
import { forfaitsInput } from '../../collections/dataset.js';
import { forfaitsAnnexe2 } from '../../collections/definitions/index.js';
import { estimateVolume, FORFAITS, forfaitRecords } from '../../collections/forfaits/index.js';
import { recordSchema } from '../../collections/definitions/schema.js';
import { Ajv } from 'ajv';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { tempDir } from '../ingest/helpers.js';

describe('forfaits de l’annexe II', () => {
  it('gives the arrêté’s flat rates', () => {
    const rate = (code: string) => FORFAITS.find((f) => f.code === code)!.volume;
    assert.deepEqual([rate('AEP-HAB'), rate('IRR-ASP'), rate('IRR-AUT'), rate('NEIGE'), rate('THERM'), rate('GRAN-EAU'), rate('GRAN-FERM'), rate('CANAL')],
      [85, 4000, 3000, 4000, 0.5, 1, 0.1, 1_540_000]);
    assert.equal(estimateVolume('AEP-HAB', 1200), 102_000);
    assert.equal(estimateVolume('CANAL', 2.5), 3_850_000);
    assert.throws(() => estimateVolume('XYZ', 1), /inconnu/);
    assert.ok(Math.abs(estimateVolume('HYDRO', 1_000_000 / 10) - (367 / 0.75) * 100_000) < 1e-6);
  });

  it('every row validates against the collection schema', () => {
    const validate = new Ajv({ strict: false }).compile(recordSchema(forfaitsAnnexe2));
    for (const r of forfaitRecords()) assert.ok(validate(r.properties), JSON.stringify(validate.errors));
  });
});

describe('serving a collection without geometry', () => {
  let app: Express;
  let catalog: Catalog;
  before(async () => {
    const dir = tempDir('prelevements-forfaits-');
    await buildCollections(dir, [forfaitsInput()]);
    catalog = await openCatalog(dir, [forfaitsAnnexe2]);
    app = createApp({ info: { title: 'Test', description: 'Test' }, catalog: () => catalog });
  });
  after(() => catalog.close());

  it('lists its items with null geometry', async () => {
    const res = await request(app).get('/collections/forfaits_annexe2/items?limit=100').expect(200);
    assert.equal(res.body.numberMatched, FORFAITS.length);
    assert.ok(res.body.features.every((f: { geometry: unknown }) => f.geometry === null));
    assert.deepEqual(res.body.features.map((f: { id: string }) => f.id), FORFAITS.map((f) => f.code));
  });

  it('serves one item by id and filters by property', async () => {
    const one = await request(app).get('/collections/forfaits_annexe2/items/THERM').expect(200);
    assert.equal(one.body.properties.volume_par_unite, 0.5);
    const irr = await request(app).get('/collections/forfaits_annexe2/items?code_usage=IRR').expect(200);
    assert.deepEqual(irr.body.features.map((f: { id: string }) => f.id), ['IRR-ASP', 'IRR-AUT']);
  });

  it('queryables have no geometry', async () => {
    const res = await request(app).get('/collections/forfaits_annexe2/queryables').expect(200);
    assert.equal(res.body.properties.geometry, undefined);
    assert.ok(res.body.properties.volume_par_unite);
  });

  // A file without geometry: no extent, and a bbox matches nothing (engine fixes of FlatGeobuf writer/provider).
  it('the collection document has no spatial extent', async () => {
    const res = await request(app).get('/collections/forfaits_annexe2').expect(200);
    assert.equal(res.body.extent.spatial, undefined);
  });

  it('a bbox on it is a 400 or an empty page, not a 500', async () => {
    const res = await request(app).get('/collections/forfaits_annexe2/items?bbox=0,0,1,1');
    assert.ok(res.status === 400 || (res.status === 200 && res.body.numberMatched === 0), `HTTP ${res.status}`);
  });
});
