// Area polygons: union of adjacent polygons by shared edges (JSTS when they do not share them),
// boundary files recognised by level, and volumes_* built with polygons (when ../shared/geo is there).
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Position } from 'geojson';
import { AdminAreas } from '../../collections/aggregates/areas.js';
import { loadBoundaries } from '../../collections/aggregates/boundaries.js';
import { dissolve, type MultiPolygonCoords } from '../../collections/aggregates/dissolve.js';
import { collections, VOLUME_DEFINITIONS } from '../../collections/definitions/index.js';
import { ingestFromFiles } from '../../collections/ingest/index.js';
import { openCatalog, resolveDataDir } from '../../server/catalog.js';
import { servedFeatures, tempDir } from '../ingest/helpers.js';
import { jsonPage } from '../ingest/hubeau-files.js';
import { standinData } from '../ingest/standin.js';

const square = (x: number, y: number, size = 1): MultiPolygonCoords => [[[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]];

function area(m: MultiPolygonCoords): number {
  const ring = (r: Position[]) => r.slice(0, -1).reduce((s, p, i) => s + p[0] * r[i + 1][1] - r[i + 1][0] * p[1], 0) / 2;
  return m.reduce((s, polygon) => s + Math.abs(ring(polygon[0])) - polygon.slice(1).reduce((h, r) => h + Math.abs(ring(r)), 0), 0);
}

describe('dissolve', () => {
  it('merges a grid of squares into one ring', () => {
    const out = dissolve([square(0, 0), square(1, 0), square(0, 1), square(1, 1)]);
    assert.equal(out.length, 1);
    assert.equal(out[0].length, 1);
    assert.equal(area(out), 4);
    assert.equal(out[0][0].length, 9); // the 8 boundary vertices, closed
  });

  it('keeps the hole of a ring of squares and separate parts apart', () => {
    const ring = [];
    for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) if (x !== 1 || y !== 1) ring.push(square(x, y));
    const out = dissolve([...ring, square(10, 10)]);
    assert.equal(out.length, 2);
    const holed = out.find((p) => p.length === 2)!;
    assert.ok(holed, 'one polygon has a hole');
    assert.equal(area([holed]), 8);
  });

  it('falls back to a geometric union for overlapping polygons', () => {
    const out = dissolve([square(0, 0, 2), square(1, 1, 2)]);
    assert.equal(out.length, 1);
    assert.ok(Math.abs(area(out) - 7) < 1e-9);
  });
});

const GEO = join(process.cwd(), '..', 'shared', 'geo');
const geo = (name: string) => join(GEO, name);

describe('volumes_* with boundaries', { skip: !existsSync(GEO) && 'no ../shared/geo' }, () => {
  it('recognises régions, départements and communes files, and unions EPCI from communes', () => {
    const admin = AdminAreas.load();
    const maps = loadBoundaries([geo('regions-avec-outre-mer.geojson'), geo('departements-avec-outre-mer.geojson'), geo('communes-par-departement/communes-01-ain.geojson')], admin);
    assert.equal(maps.get('regions')!.size, 18);
    assert.equal(maps.get('departements')!.size, 101);
    const communes = maps.get('communes')!;
    const epci = maps.get('epci')!;
    assert.ok(epci.size > 5);
    for (const [code, polygon] of epci) {
      const members = admin.epcis.get(code)!.membres.map((c) => communes.get(c)!);
      const sum = members.reduce((s, m) => s + area(m), 0);
      assert.ok(Math.abs(area(polygon) - sum) < 1e-9 * sum, `EPCI ${code}: union area ${area(polygon)} vs communes ${sum}`);
    }
  });

  it('builds polygons for the areas, served as MultiPolygon collections', async () => {
    const data = standinData(0.004, 3);
    const files = tempDir('prelevements-geo-');
    writeFileSync(join(files, 'ouvrages.json'), jsonPage(data['referentiel/ouvrages']));
    writeFileSync(join(files, 'points.json'), jsonPage(data['referentiel/points_prelevement']));
    writeFileSync(join(files, 'chroniques.json'), jsonPage(data.chroniques));
    const root = tempDir();
    const summary = await ingestFromFiles({
      out: root, files: [files],
      boundaries: [`regions=${geo('regions-avec-outre-mer.geojson')}`, geo('departements-avec-outre-mer.geojson'), geo('communes-par-departement/communes-01-ain.geojson')],
    });
    assert.ok(summary.warnings.some((w) => /volumes_communes : \d+ zone/.test(w)), 'communes outside Ain have no polygon');
    const deps = await servedFeatures(root, VOLUME_DEFINITIONS.departements);
    assert.ok(deps.length > 0 && deps.every((f) => f.geometry?.type === 'MultiPolygon'));
    const ain = (await servedFeatures(root, VOLUME_DEFINITIONS.communes)).filter((f) => String(f.properties.code_commune_insee).startsWith('01'));
    assert.ok(ain.every((f) => f.geometry?.type === 'MultiPolygon'));
    const catalog = await openCatalog(resolveDataDir(root), collections);
    try {
      assert.equal(catalog.get('volumes_regions')!.definition.geometryType, 'MultiPolygon');
      assert.equal(catalog.get('chroniques')!.definition.geometryType, 'Point');
    } finally {
      await catalog.close();
    }
  });
});
