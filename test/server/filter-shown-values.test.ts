// A filter is evaluated on the value a feature shows. Hub'Eau publishes `1900-01-01` for an unknown
// commissioning date: CQL2 (text and JSON) compares that date as it is written, while `datetime`
// reads it as an open start (the documented meaning of the placeholder for the temporal extent).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { buildCollections } from '../../collections/build.js';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import type { CollectionDefinition } from '../../server/types.js';

const definition: CollectionDefinition = {
  id: 'ouvrages_test', title: 'Ouvrages', description: 'Dates de mise en service', source: 'ouvrages_test.fgb',
  idProperties: ['code'], geometryType: 'Point',
  temporal: { start: 'debut', end: 'fin', kind: 'date', unknownValues: ['1900-01-01'] },
  properties: [
    { name: 'code', type: 'string', title: 'Code' },
    { name: 'debut', type: 'date', title: 'Début', nullable: true },
    { name: 'fin', type: 'date', title: 'Fin', nullable: true },
  ],
};

const RECORDS = [
  { code: 'placeholder', debut: '1900-01-01', fin: null },
  { code: 'placeholder_closed', debut: '1900-01-01', fin: '1995-06-30' },
  { code: 'old', debut: '1980-03-01', fin: null },
  { code: 'recent', debut: '2015-01-01', fin: null },
  { code: 'none', debut: null, fin: null },
];

let app: Express;
let catalog: Catalog;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shown-values-'));
  await buildCollections(dir, [{ definition, records: RECORDS.map((properties, i) => ({ properties, lon: 2 + i / 10, lat: 47 })) }]);
  catalog = await openCatalog(dir, [definition]);
  app = createApp({ info: { title: 'Test', description: 'Valeurs affichées' }, catalog: () => catalog });
});
after(() => catalog.close());

async function ids(query: string): Promise<string[]> {
  const res = await request(app).get(`/collections/ouvrages_test/items?limit=100&${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.numberMatched, res.body.features.length);
  return res.body.features.map((f: { id: string }) => f.id).sort();
}
const text = (f: string) => ids(`filter=${encodeURIComponent(f)}`);
const json = (f: unknown) => ids(`filter-lang=cql2-json&filter=${encodeURIComponent(JSON.stringify(f))}`);
const prop = { property: 'debut' };

describe('filters compare the value the feature shows', () => {
  it('the placeholder date is published as it is', async () => {
    const res = await request(app).get('/collections/ouvrages_test/items/placeholder').expect(200);
    assert.equal(res.body.properties.debut, '1900-01-01');
  });

  it("= DATE('1900-01-01') matches the features showing it (text and JSON)", async () => {
    const want = ['placeholder', 'placeholder_closed'];
    assert.deepEqual(await text("debut = DATE('1900-01-01')"), want);
    assert.deepEqual(await json({ op: '=', args: [prop, { date: '1900-01-01' }] }), want);
  });

  it('IS NULL matches only features showing null', async () => {
    assert.deepEqual(await text('debut IS NULL'), ['none']);
    assert.deepEqual(await json({ op: 'isNull', args: [prop] }), ['none']);
  });

  it("< DATE('2011-09-22') and T_BEFORE include the placeholder", async () => {
    const want = ['old', 'placeholder', 'placeholder_closed'];
    assert.deepEqual(await text("debut < DATE('2011-09-22')"), want);
    assert.deepEqual(await json({ op: '<', args: [prop, { date: '2011-09-22' }] }), want);
    assert.deepEqual(await text("T_BEFORE(debut, DATE('2011-09-22'))"), want);
    assert.deepEqual(await json({ op: 't_before', args: [prop, { date: '2011-09-22' }] }), want);
  });

  it('datetime keeps reading the placeholder as an unknown (open) start', async () => {
    // Running in 1950: open starts (placeholder or null) included; 'old' and 'recent' began later.
    assert.deepEqual(await ids('datetime=../1950-12-31'), ['none', 'placeholder', 'placeholder_closed']);
  });
});
