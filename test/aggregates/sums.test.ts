// Every aggregate equals the sums recomputed from the chroniques FlatGeobuf, exactly: with the
// default (integer) volumes and with fractional volumes ingested from files.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { AdminAreas } from '../../collections/aggregates/areas.js';
import { buildCollections } from '../../collections/build.js';
import { ESTIMATED_MODES, MEASURED_MODES, USAGES } from '../../collections/codelists.js';
import { defaultInputs } from '../../collections/dataset.js';
import { chroniques, VOLUME_DEFINITIONS } from '../../collections/definitions/index.js';
import type { AggregateLevel } from '../../collections/definitions/volumes.js';
import { ingestFromFiles } from '../../collections/ingest/index.js';
import type { Feature } from '../../server/types.js';
import { servedFeatures, tempDir } from '../ingest/helpers.js';
import { jsonPage } from '../ingest/hubeau-files.js';
import { standinData } from '../ingest/standin.js';
import { referenceSum } from './reference.js';

interface Group { volumes: number[]; horsTurbinee: number[]; mesure: number[]; estime: number[]; autre: number[]; ouvrages: Set<string>; manquants: number }

/** Groups the chroniques per level × area × year × usage (and 'TOUS'), written independently of the aggregator. */
function recompute(rows: Feature[]): Record<AggregateLevel, Map<string, Group>> {
  const admin = AdminAreas.load();
  const out = { communes: new Map(), epci: new Map(), departements: new Map(), regions: new Map() } as Record<AggregateLevel, Map<string, Group>>;
  for (const { properties: p } of rows) {
    const commune = admin.commune(String(p.code_commune_insee));
    const dep = String(p.code_departement);
    const areas: [AggregateLevel, string | null | undefined][] = [
      ['communes', commune?.code ?? String(p.code_commune_insee)], ['epci', commune?.epci],
      ['departements', dep], ['regions', admin.departements.get(dep)?.region ?? commune?.region],
    ];
    for (const [level, area] of areas) {
      if (!area) continue;
      for (const usage of [String(p.code_usage), 'TOUS']) {
        const key = `${area}_${p.annee}_${usage}`;
        let g = out[level].get(key);
        if (!g) out[level].set(key, (g = { volumes: [], horsTurbinee: [], mesure: [], estime: [], autre: [], ouvrages: new Set(), manquants: 0 }));
        g.ouvrages.add(String(p.code_ouvrage));
        if (p.volume === null) { g.manquants++; continue; }
        const v = p.volume as number;
        g.volumes.push(v);
        if (p.code_usage !== USAGES.eauTurbinee.code) g.horsTurbinee.push(v);
        const mode = String(p.code_mode_obtention_volume);
        (MEASURED_MODES.includes(mode) ? g.mesure : ESTIMATED_MODES.includes(mode) ? g.estime : g.autre).push(v);
      }
    }
  }
  return out;
}

/** Rows compared, and groups where plain float addition would have drifted from the exact sum. */
async function compareAll(root: string): Promise<{ compared: number; drift: number }> {
  const rows = await servedFeatures(root, chroniques);
  const groups = recompute(rows);
  let compared = 0;
  let drift = 0;
  for (const [level, definition] of Object.entries(VOLUME_DEFINITIONS) as [AggregateLevel, typeof VOLUME_DEFINITIONS.communes][]) {
    const features = await servedFeatures(root, definition);
    assert.equal(features.length, groups[level].size, `${level}: as many rows as groups`);
    for (const f of features) {
      const g = groups[level].get(f.id);
      assert.ok(g, `${level} ${f.id} has no chronique`);
      const p = f.properties;
      assert.deepEqual(
        [p.volume_total, p.volume_hors_eau_turbinee, p.volume_mesure, p.volume_estime, p.volume_mode_autre, p.nombre_ouvrages, p.nombre_volumes_manquants],
        [referenceSum(g.volumes), referenceSum(g.horsTurbinee), referenceSum(g.mesure), referenceSum(g.estime), referenceSum(g.autre), g.ouvrages.size, g.manquants],
        `${level} ${f.id}`,
      );
      compared++;
      if (g.volumes.reduce((a, b) => a + b, 0) !== referenceSum(g.volumes)) drift++;
    }
  }
  // Nationally, the départements' all-usages rows add up to every chronique's volume.
  const all = rows.filter((r) => r.properties.volume !== null).map((r) => r.properties.volume as number);
  const deps = (await servedFeatures(root, VOLUME_DEFINITIONS.departements)).filter((f) => f.properties.code_usage === 'TOUS');
  assert.equal(referenceSum(deps.map((f) => f.properties.volume_total as number)), referenceSum(all));
  return { compared, drift };
}

describe('aggregates equal the sums of the chroniques', () => {
  const generated = tempDir('prelevements-agg-');
  before(async () => {
    await buildCollections(generated, defaultInputs(0.005, 5));
  });

  it('default dataset: every row of every level, to the last bit', async () => {
    const { compared } = await compareAll(generated);
    assert.ok(compared > 1000, `${compared} rows compared`);
  });

  it('fractional volumes ingested from files: exact sums, not float drift', async () => {
    const data = standinData(0.002, 9);
    const files = tempDir('prelevements-agg-files-');
    const fractional = data.chroniques.map((r, i) => ({ ...r, volume: r.volume === null ? null : (r.volume as number) + [0.1, 0.2, 0.3, 0.7][i % 4] }));
    writeFileSync(join(files, 'ouvrages.json'), jsonPage(data['referentiel/ouvrages']));
    writeFileSync(join(files, 'points.json'), jsonPage(data['referentiel/points_prelevement']));
    writeFileSync(join(files, 'chroniques.json'), jsonPage(fractional));
    const root = tempDir();
    await ingestFromFiles({ out: root, files: [files] });
    const { compared, drift } = await compareAll(root);
    assert.ok(compared > 500);
    assert.ok(drift > 0, 'the fixture has sums where naive addition drifts');
  });

  it('the all-usages row gives totals with and without turbined water', async () => {
    const regions = await servedFeatures(generated, VOLUME_DEFINITIONS.regions);
    const tous = regions.filter((f) => f.properties.code_usage === 'TOUS');
    const withTurbinee = tous.filter((f) => (f.properties.volume_total as number) > (f.properties.volume_hors_eau_turbinee as number));
    assert.ok(withTurbinee.length > 0, 'some region-year has turbined water');
    for (const f of regions.filter((x) => x.properties.code_usage === USAGES.eauTurbinee.code)) assert.equal(f.properties.volume_hors_eau_turbinee, 0);
    for (const f of tous) assert.match(String(f.properties.libelle_region), /\p{L}/u);
  });
});
