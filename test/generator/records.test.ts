import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { collections } from '../../collections/definitions/index.js';
import { recordSchema } from '../../collections/definitions/schema.js';
import type { CollectionDefinition, PropertyDefinition } from '../../server/types.js';
import type { Rec } from '../../collections/generator/index.js';
import { materialise, str, type Materialised } from './helpers.js';

const def = (id: string): CollectionDefinition => collections.find((c) => c.id === id)!;
const streams: [string, (m: Materialised) => Rec[]][] = [
  ['ouvrages', (m) => m.ouvrages],
  ['points_prelevement', (m) => m.points],
  ['chroniques', (m) => m.chroniques],
];

function typeOk(p: PropertyDefinition, v: unknown): boolean {
  if (v === null) return p.nullable === true;
  switch (p.type) {
    case 'string': return typeof v === 'string';
    case 'integer': return Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'boolean': return typeof v === 'boolean';
    case 'date': return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));
    case 'array': return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
}

describe('generated records', () => {
  let m: Materialised;
  before(() => {
    m = materialise(0.02);
  });

  it('counts are near the estimates', () => {
    assert.equal(m.ouvrages.length, m.estimate.ouvrages);
    assert.ok(Math.abs(m.ouvrages.length - 2600) < 100, `ouvrages ${m.ouvrages.length}`);
    assert.ok(m.points.length >= m.ouvrages.length);
    for (const [got, want] of [[m.points.length, m.estimate.points], [m.chroniques.length, m.estimate.chroniques]]) {
      assert.ok(Math.abs(got - want) / want < 0.06, `${got} vs estimate ${want}`);
    }
    const perOuvrage = m.chroniques.length / m.ouvrages.length;
    assert.ok(perOuvrage > 7.5 && perOuvrage < 10.5, `chroniques per ouvrage ${perOuvrage}`);
  });

  for (const [id, get] of streams) {
    it(`${id}: every Hub'Eau field, in order, with its type`, () => {
      const d = def(id);
      const names = d.properties.map((p) => p.name);
      for (const r of get(m)) {
        assert.deepEqual(Object.keys(r.properties), names);
        for (const p of d.properties) {
          assert.ok(typeOk(p, r.properties[p.name]), `${id}.${p.name} = ${JSON.stringify(r.properties[p.name])}`);
          if (p.enum && r.properties[p.name] !== null) assert.ok(String(r.properties[p.name]) in p.enum, `${p.name} outside its code list`);
        }
        assert.ok(Number.isFinite(r.lon) && Number.isFinite(r.lat));
      }
    });

    it(`${id}: every record validates against the JSON Schema`, () => {
      const ajv = new Ajv({ allErrors: true, strict: true });
      ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
      ajv.addFormat('uri', /^https?:\/\/\S+$/);
      const validate = ajv.compile(recordSchema(def(id)));
      for (const r of get(m)) assert.ok(validate(r.properties), JSON.stringify(validate.errors));
    });
  }

  it('field counts match Hub\'Eau (28 / 28 / 23)', () => {
    assert.equal(def('ouvrages').properties.length, 28);
    assert.equal(def('points_prelevement').properties.length, 28);
    assert.equal(def('chroniques').properties.length, 23);
  });

  it('ids are unique and formatted as Hub\'Eau does', () => {
    const o = m.ouvrages.map((r) => str(r, 'code_ouvrage'));
    assert.equal(new Set(o).size, o.length);
    for (const c of o) assert.match(c, /^OPR\d{10}$/);
    for (const r of m.ouvrages) assert.equal(str(r, 'uri_ouvrage'), `https://id.eaufrance.fr/OuvragePrel/${str(r, 'code_ouvrage')}`);
    const p = m.points.map((r) => str(r, 'code_point_prelevement'));
    assert.equal(new Set(p).size, p.length);
    for (const c of p) assert.match(c, /^PTP\d{15}$/);
  });

  it('chroniques keys (ouvrage, annee, usage) are unique', () => {
    const keys = m.chroniques.map((r) => `${str(r, 'code_ouvrage')}_${r.properties.annee}_${str(r, 'code_usage')}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('points belong to an existing ouvrage and share its position', () => {
    const byCode = new Map(m.ouvrages.map((r) => [str(r, 'code_ouvrage'), r]));
    for (const pt of m.points) {
      const o = byCode.get(str(pt, 'code_ouvrage'));
      assert.ok(o, `orphan point ${str(pt, 'code_point_prelevement')}`);
      assert.equal(pt.lon, o.lon);
      assert.equal(pt.lat, o.lat);
      assert.equal(str(pt, 'code_commune_insee'), str(o, 'code_commune_insee'));
      assert.ok((o.properties.codes_points_prelevements as string[]).includes(str(pt, 'code_point_prelevement')));
    }
    const listed = m.ouvrages.reduce((n, r) => n + (r.properties.codes_points_prelevements as string[]).length, 0);
    assert.equal(listed, m.points.length);
  });

  it('ouvrage positions are the longitude/latitude properties', () => {
    for (const r of m.ouvrages) {
      assert.equal(r.properties.longitude, r.lon);
      assert.equal(r.properties.latitude, r.lat);
    }
    for (const r of m.chroniques) {
      assert.equal(r.properties.longitude, r.lon);
      assert.equal(r.properties.latitude, r.lat);
    }
  });

  it('chroniques refer to existing ouvrages, inside their exploitation period', () => {
    const byCode = new Map(m.ouvrages.map((r) => [str(r, 'code_ouvrage'), r]));
    for (const c of m.chroniques) {
      const o = byCode.get(str(c, 'code_ouvrage'));
      assert.ok(o);
      assert.equal(str(c, 'nom_ouvrage'), str(o, 'nom_ouvrage'));
      assert.equal(c.lon, o.lon);
      const year = c.properties.annee as number;
      const debut = str(o, 'date_exploitation_debut');
      const fin = o.properties.date_exploitation_fin as string | null;
      if (debut !== '1900-01-01') assert.ok(Number(debut.slice(0, 4)) <= year, `${debut} after ${year}`);
      if (fin) assert.ok(Number(fin.slice(0, 4)) >= year, `${fin} before ${year}`);
    }
  });
});
