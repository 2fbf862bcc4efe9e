// Small fixtures made by code: a generic point collection with known values.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCollections } from '../collections/build.js';
import type { CollectionDefinition } from '../server/types.js';

export const CITIES: [string, number, number, number][] = [
  // name, lon, lat, population (real town-hall positions, rounded)
  ['Paris', 2.3522, 48.8566, 2133111], ['Lyon', 4.8357, 45.764, 522250], ['Marseille', 5.3698, 43.2965, 873076],
  ['Toulouse', 1.4442, 43.6047, 504078], ['Bordeaux', -0.5792, 44.8378, 261804], ['Lille', 3.0573, 50.6292, 236710],
  ['Nantes', -1.5536, 47.2184, 323204], ['Strasbourg', 7.7521, 48.5734, 290576], ['Besançon', 6.0241, 47.238, 119198],
  ['Saint-Denis', 55.4504, -20.8823, 153810],
];

export const fixtureDefinition: CollectionDefinition = {
  id: 'sites',
  title: 'Sites de test',
  description: 'Collection générique de test',
  source: 'sites.fgb',
  idProperties: ['code'],
  geometryType: 'Point',
  temporal: { start: 'annee', kind: 'year' },
  properties: [
    { name: 'code', type: 'string', title: 'Code', sortable: true },
    { name: 'nom', type: 'string', title: 'Nom', sortable: true },
    { name: 'annee', type: 'integer', title: 'Année', sortable: true },
    { name: 'volume', type: 'number', title: 'Volume', sortable: true },
    { name: 'usage', type: 'string', title: 'Usage', enum: { AEP: 'EAU POTABLE', IRR: 'IRRIGATION', IND: 'INDUSTRIE' } },
    { name: 'actif', type: 'boolean', title: 'Actif' },
    { name: 'tags', type: 'array', items: 'string', title: 'Étiquettes' },
  ],
};

export interface FixtureRecord { code: string; nom: string; annee: number; volume: number | null; usage: string; actif: boolean; tags: string[]; lon: number; lat: number }

/** 10 cities × 3 years (2019–2021) = 30 features; usage cycles AEP, IRR, IND. */
export function fixtureRecords(): FixtureRecord[] {
  const usages = ['AEP', 'IRR', 'IND'];
  const out: FixtureRecord[] = [];
  CITIES.forEach(([nom, lon, lat, population], c) => {
    for (let y = 0; y < 3; y++) {
      const i = c * 3 + y;
      out.push({ code: `S${String(i).padStart(3, '0')}`, nom, annee: 2019 + y, volume: i === 29 ? null : population * (y + 1), usage: usages[i % 3], actif: i % 2 === 0, tags: [usages[i % 3], nom.slice(0, 3)], lon, lat });
    }
  });
  return out;
}

export async function buildFixture(dir = mkdtempSync(join(tmpdir(), 'ogc-fixture-'))): Promise<string> {
  await buildCollections(dir, [{
    definition: fixtureDefinition,
    records: fixtureRecords().map(({ lon, lat, ...properties }) => ({ properties, lon, lat })),
  }]);
  return dir;
}
