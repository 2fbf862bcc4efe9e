// The default dataset's volumes_departements and volumes_regions are polygons (vendored simplified
// boundaries, overseas included) that contain their ouvrages' points: a sample of every département.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Position } from 'geojson';
import { buildDefaultDataset } from '../../collections/dataset.js';
import { collections } from '../../collections/definitions/index.js';
import { DEPARTEMENTS, LABELS, LAND, REGIONS } from '../../collections/basemap/index.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { batchesOf, type Feature } from '../../server/types.js';

const require = createRequire(import.meta.url);
const regionOf = new Map<string, string>(require('@etalab/decoupage-administratif/data/departements.json').map((d: { code: string; region: string }) => [d.code, d.region]));

function inRing([x, y]: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
const inMultiPolygon = (p: Position, polygons: Position[][][]) => polygons.some(([outer, ...holes]) => inRing(p, outer) && !holes.some((h) => inRing(p, h)));
/** Distance in km from a point to the polygons' borders (local equirectangular, enough for a few km). */
function borderKm([x, y]: Position, polygons: Position[][][]): number {
  const k = Math.cos((y * Math.PI) / 180);
  let best = Infinity;
  for (const ring of polygons.flat()) {
    for (let i = 1; i < ring.length; i++) {
      const ax = (ring[i - 1][0] - x) * k, ay = ring[i - 1][1] - y, bx = (ring[i][0] - x) * k, by = ring[i][1] - y;
      const dx = bx - ax, dy = by - ay;
      const t = dx || dy ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy))) : 0;
      best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy) * 111.2);
    }
  }
  return best;
}

/** The full-resolution boundaries the vendored files were simplified from (tests only). */
const SHARED = join(process.cwd(), '../shared/geo');
function original(file: string): Map<string, Position[][][]> {
  const doc = JSON.parse(readFileSync(join(SHARED, file), 'utf8')) as { features: { properties: { code: string }; geometry: { type: string; coordinates: unknown } }[] };
  return new Map(doc.features.map((f) => [f.properties.code, (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as Position[][][]]));
}

async function all(catalog: Catalog, id: string): Promise<Feature[]> {
  const out: Feature[] = [];
  for await (const batch of batchesOf(catalog.get(id)!.provider)) out.push(...batch);
  return out;
}

describe('vendored boundaries in the default dataset', { timeout: 300_000 }, () => {
  let dir: string;
  let catalog: Catalog;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'maps-boundaries-'));
    await buildDefaultDataset(dir, 0.01);
    catalog = await openCatalog(dir, collections);
  });
  after(async () => { await catalog?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('vendored files: 101 départements and 18 régions (overseas included), land and labels, small', () => {
    assert.equal(DEPARTEMENTS.features.length, 101);
    assert.equal(REGIONS.features.length, 18);
    for (const code of ['971', '972', '973', '974', '976', '2A', '2B']) assert.ok(DEPARTEMENTS.features.some((f) => f.properties.code === code), code);
    assert.equal(LAND.features.length, 1);
    assert.equal(LABELS.features.length, 119);
    assert.ok(JSON.stringify(DEPARTEMENTS).length < 400_000);
  });

  for (const [id, codeField, areaOf, file] of [
    ['volumes_departements', 'code_departement', (d: string) => d, 'departements-avec-outre-mer.geojson'],
    ['volumes_regions', 'code_region', (d: string) => regionOf.get(d)!, 'regions-avec-outre-mer.geojson'],
  ] as const) {
    const skip = existsSync(join(SHARED, file)) ? false : `${SHARED}/${file} is missing`;
    it(`${id}: polygons that contain their ouvrages (sample of every area, overseas included)`, { skip }, async () => {
      const full = original(file);
      const areas = new Map<string, Position[][][]>();
      for (const f of await all(catalog, id)) {
        assert.equal(f.geometry?.type, 'MultiPolygon', `${id} ${f.id}`);
        areas.set(String(f.properties[codeField]), (f.geometry as { coordinates: Position[][][] }).coordinates);
      }
      const ouvrages = await all(catalog, 'ouvrages');
      const perArea = new Map<string, Feature[]>();
      for (const o of ouvrages) {
        const area = areaOf(String(o.properties.code_departement));
        const list = perArea.get(area) ?? [];
        if (list.length < 20) perArea.set(area, [...list, o]);
      }
      for (const code of id === 'volumes_departements' ? ['971', '972', '973', '974', '976'] : ['01', '02', '03', '04', '06']) assert.ok(perArea.has(code), `no ouvrage in ${code}`);
      let checked = 0, inside = 0;
      const wrong: string[] = [];
      for (const [code, sample] of perArea) {
        const polygons = areas.get(code);
        assert.ok(polygons, `${id}: no polygon for ${code}`);
        for (const o of sample) {
          const p = (o.geometry as { coordinates: Position }).coordinates;
          // The synthetic positions are a few km from their commune: some fall in the sea or over a
          // border. A point inside its full-resolution area must be inside the simplified one, unless
          // it lies within 1.5 km of the simplified border.
          if (!inMultiPolygon(p, full.get(code)!)) continue;
          checked++;
          if (inMultiPolygon(p, polygons)) inside++;
          else if (borderKm(p, polygons) > 1.5) wrong.push(`${o.id} (${code}) ${p} ${borderKm(p, polygons).toFixed(1)} km`);
        }
      }
      assert.ok(checked >= 100, `${checked}`);
      assert.deepEqual(wrong, []);
      assert.ok(inside / checked > 0.97, `${inside}/${checked} inside`);
    });
  }
});
