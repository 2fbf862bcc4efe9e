// The provider suite's data: a seeded collection with every property type, few-valued codes,
// many-valued names, nulls, dates (with a placeholder) and arrays, so that indexes have work.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCollections } from '../../collections/build.js';
import type { CollectionDefinition } from '../../server/types.js';

export const suiteDefinition: CollectionDefinition = {
  id: 'points',
  title: 'Points',
  description: 'Provider suite collection',
  source: 'points.fgb',
  idProperties: ['code'],
  geometryType: 'Point',
  temporal: { start: 'annee', kind: 'year' },
  properties: [
    { name: 'code', type: 'string', title: 'Code', sortable: true },
    { name: 'nom', type: 'string', title: 'Nom' },
    { name: 'annee', type: 'integer', title: 'Année', sortable: true },
    { name: 'volume', type: 'number', title: 'Volume', sortable: true, nullable: true },
    { name: 'usage', type: 'string', title: 'Usage', enum: { AEP: 'Eau potable', IRR: 'Irrigation', IND: 'Industrie', ENE: 'Énergie' } },
    { name: 'departement', type: 'string', title: 'Département' },
    { name: 'actif', type: 'boolean', title: 'Actif' },
    { name: 'debut', type: 'date', title: 'Début' },
    { name: 'tags', type: 'array', items: 'string', title: 'Étiquettes' },
  ],
};

export const USAGES = ['AEP', 'IRR', 'IND', 'ENE'];
export const DEPARTEMENTS = Array.from({ length: 20 }, (_, i) => String(i + 1).padStart(2, '0'));

/** mulberry32: a small seeded generator, so a failure can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FEATURES = 3000;

/** The same collection without geometry (no R-tree in the file: another read path). */
export const tableDefinition: CollectionDefinition = { ...suiteDefinition, id: 'table', source: 'table.fgb', geometryType: null };

export async function buildSuiteData(dir = mkdtempSync(join(tmpdir(), 'provider-suite-')), spatial = true): Promise<string> {
  const rnd = random(18);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const records = Array.from({ length: FEATURES }, (_, i) => {
    const volume = rnd() < 0.1 ? null : Math.round(rnd() * 1e6) / 10;
    const day = 1 + Math.floor(rnd() * 28);
    return {
      properties: {
        code: `P${String(i).padStart(5, '0')}`, nom: `Point ${Math.floor(rnd() * 2000)}`, annee: 2008 + Math.floor(rnd() * 16), volume,
        usage: rnd() < 0.05 ? null : pick(USAGES), departement: pick(DEPARTEMENTS), actif: rnd() < 0.5,
        debut: rnd() < 0.05 ? '1900-01-01' : `20${String(10 + Math.floor(rnd() * 14))}-0${1 + Math.floor(rnd() * 9)}-${String(day).padStart(2, '0')}`,
        tags: [pick(USAGES), pick(DEPARTEMENTS)],
      },
      lon: -5 + rnd() * 13, lat: 42 + rnd() * 9,
    };
  });
  await buildCollections(dir, [spatial ? { definition: suiteDefinition, records } : { definition: tableDefinition, records: records.map((r) => ({ ...r, lon: null, lat: null })) }]);
  return dir;
}
