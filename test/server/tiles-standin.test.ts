// Dataset tiles of the domain: aggregated volumes stand in for the ouvrages at national zooms
// (regions, départements, then communes and EPCI), the detailed collections from zoom 9.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { buildDefaultDataset } from '../../collections/dataset.js';
import { collections } from '../../collections/definitions/index.js';
import { domainParts } from '../../collections/parts.js';
import { decode, mercatorTile } from '../tiles/helpers.js';

let app: Express;
let catalog: Catalog;
let latestYear: number;

function get(path: string) {
  return request(app).get(path).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

/** Layer name → features' properties of the dataset tile holding (lon, lat) at zoom z. */
async function datasetTile(z: number, lon: number, lat: number, query = ''): Promise<Record<string, Record<string, unknown>[]>> {
  const [col, row] = mercatorTile(lon, lat, z).map(Math.floor);
  const res = await get(`/tiles/WebMercatorQuad/${z}/${row}/${col}${query}`);
  assert.ok(res.status === 200 || res.status === 204, `${z}/${row}/${col} → ${res.status}`);
  if (res.status === 204) return {};
  const tile = decode(res.body as Buffer);
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    out[name] = Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties);
  }
  return out;
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiles-standin-'));
  await buildDefaultDataset(dir, 0.02);
  catalog = await openCatalog(dir, collections);
  app = createApp({ info: { title: 'Domaine', description: 'Prélèvements' }, catalog: () => catalog, parts: domainParts() });
  const extent = (await request(app).get('/collections/volumes_regions').expect(200)).body.extent.temporal.interval[0];
  latestYear = Number(extent[1].slice(0, 4));
});
after(() => catalog?.close());

describe('aggregated volumes at national zooms (dataset tiles)', () => {
  it('zooms 0–4: only the regions, one all-usages feature each, of the latest year', async () => {
    for (const z of [0, 2, 4]) {
      const layers = await datasetTile(z, 2.35, 48.85); // Paris
      assert.deepEqual(Object.keys(layers), ['volumes_regions'], `z${z}`);
      const regions = layers.volumes_regions;
      assert.ok(regions.every((p) => p.code_usage === 'TOUS' && p.annee === latestYear), `z${z}`);
      const codes = regions.map((p) => p.code_region);
      assert.equal(new Set(codes).size, codes.length, 'one feature per region');
      assert.ok(codes.includes('11'), 'Île-de-France');
    }
  });

  it('datetime picks another year', async () => {
    const layers = await datasetTile(3, 2.35, 48.85, '?datetime=2015-01-01/2015-12-31');
    assert.ok(layers.volumes_regions.length > 0 && layers.volumes_regions.every((p) => p.annee === 2015));
  });

  it('zooms 5–6: the départements; 7–8: communes and EPCI; from 9: ouvrages, points and chroniques', async () => {
    const z5 = await datasetTile(5, 2.35, 48.85);
    assert.deepEqual(Object.keys(z5), ['volumes_departements']);
    assert.ok(z5.volumes_departements.some((p) => p.code_departement === '75'));
    const z8 = await datasetTile(8, 2.35, 48.85);
    assert.deepEqual(Object.keys(z8).sort(), ['volumes_communes', 'volumes_epci']);
    assert.ok(z8.volumes_communes.every((p) => p.code_usage === 'TOUS'));
    // Zoom 9 somewhere with ouvrages: the tile of the first ouvrage.
    const first = (await request(app).get('/collections/ouvrages/items?limit=1').expect(200)).body.features[0];
    const [lon, lat] = first.geometry.coordinates;
    const z9 = await datasetTile(9, lon, lat);
    assert.ok(z9.ouvrages?.length > 0, JSON.stringify(Object.keys(z9)));
    assert.ok(!Object.keys(z9).some((name) => name.startsWith('volumes_')));
    if (z9.chroniques) assert.ok(z9.chroniques.every((p) => p.cluster === true || p.annee === latestYear), 'chroniques of the latest year');
  });

  it('TileJSON and tileset give each layer its zooms; the style draws proportional symbols', async () => {
    const tj = (await request(app).get('/tiles/WebMercatorQuad?f=tilejson').expect(200)).body;
    const zooms = Object.fromEntries(tj.vector_layers.map((l: { id: string; minzoom: number; maxzoom: number }) => [l.id, [l.minzoom, l.maxzoom]]));
    assert.deepEqual(zooms.volumes_regions, [0, 4]);
    assert.deepEqual(zooms.volumes_departements, [5, 6]);
    assert.deepEqual(zooms.ouvrages, [9, 16]);
    assert.equal(zooms.forfaits_annexe2, undefined, 'no geometry, no layer');
    const ts = (await request(app).get('/tiles/WebMercatorQuad').expect(200)).body;
    const regions = ts.layers.find((l: { id: string }) => l.id === 'volumes_regions');
    assert.deepEqual([regions.minTileMatrix, regions.maxTileMatrix], ['0', '4']);

    const style = (await request(app).get('/styles/default').expect(200)).body;
    const symbols = style.layers.find((l: { id: string }) => l.id === 'volumes_regions-symbols');
    assert.equal(symbols.maxzoom, 5, 'MapLibre maxzoom is exclusive');
    assert.ok(JSON.stringify(symbols.paint['circle-radius']).includes('volume_hors_eau_turbinee'));
    assert.ok(JSON.stringify(symbols.paint['circle-radius']).includes('sqrt'), 'area proportional to the volume');
    const chroniques = style.layers.find((l: { id: string }) => l.id === 'chroniques-points');
    assert.equal(chroniques.minzoom, 9);
  });

  it('collection tiles of an aggregated collection keep every feature (no stand-in filter)', async () => {
    const [col, row] = mercatorTile(2.35, 48.85, 4).map(Math.floor);
    const res = await get(`/collections/volumes_regions/tiles/WebMercatorQuad/4/${row}/${col}?code_usage=AEP`).expect(200);
    const layer = decode(res.body as Buffer).layers.volumes_regions;
    const years = new Set(Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties.annee));
    assert.ok(years.size > 1, 'every year');
  });
});
