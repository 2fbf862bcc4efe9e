// GDAL's OAPIF driver, a real client, reads every collection with exact counts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, smallDataset, startServer, type Running } from './server.js';

// Every collection of the default dataset; forfaits_annexe2 has no geometry.
const COLLECTIONS = ['points_prelevement', 'ouvrages', 'chroniques', 'volumes_communes', 'volumes_epci', 'volumes_departements', 'volumes_regions', 'forfaits_annexe2'];
const FIRST_FIELD: Record<string, string> = {
  points_prelevement: 'code_point_prelevement', ouvrages: 'code_ouvrage', chroniques: 'code_ouvrage', volumes_communes: 'code_commune_insee',
  volumes_epci: 'code_epci', volumes_departements: 'code_departement', volumes_regions: 'code_region', forfaits_annexe2: 'code_forfait',
};
const skip = hasCommand('ogrinfo') ? false : 'ogrinfo (Debian gdal-bin) is not installed';
let server: Running;

function ogrinfo(args: string[]): string {
  const result = spawnSync('ogrinfo', ['-ro', ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 30 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

function featureCount(output: string): number {
  const match = /Feature Count: (\d+)/.exec(output);
  assert.ok(match, output);
  return Number(match[1]);
}

async function matched(path: string): Promise<number> {
  const response = await fetch(`${server.base}${path}`, { headers: { accept: 'application/geo+json' } });
  assert.equal(response.status, 200);
  return ((await response.json()) as { numberMatched: number }).numberMatched;
}

describe('GDAL OAPIF driver', { skip }, () => {
  before(async () => { server = await startServer(smallDataset()); });
  after(() => server?.stop());

  it('lists every collection as a layer', () => {
    const out = ogrinfo([`OAPIF:${server.base}`]);
    for (const c of COLLECTIONS) assert.match(out, new RegExp(`\\b${c}\\b`));
  });

  for (const collection of COLLECTIONS) {
    it(`${collection}: summary count equals numberMatched`, async () => {
      const out = ogrinfo(['-so', '-al', `OAPIF:${server.base}/collections/${collection}`]);
      assert.equal(featureCount(out), await matched(`/collections/${collection}/items?limit=1`));
      // GDAL 3.6 types a layer whose features all have a null geometry as "Unknown (any)".
      // Régions and départements carry the vendored boundaries' polygons.
      const geometry = collection === 'forfaits_annexe2' ? /Geometry: (None|Unknown \(any\))/
        : collection === 'volumes_regions' || collection === 'volumes_departements' ? /Geometry: Multi Polygon/ : /Geometry: Point/;
      assert.match(out, geometry);
      assert.match(out, new RegExp(`${FIRST_FIELD[collection]}: String`));
    });

    it(`${collection}: reading all features (paging) gives every feature once`, async () => {
      const out = ogrinfo(['-al', '-q', `OAPIF:${server.base}/collections/${collection}`]);
      const ids = [...out.matchAll(/^OGRFeature\(\w+\):(\d+)$/gm)];
      assert.equal(ids.length, await matched(`/collections/${collection}/items?limit=1`));
    });
  }

  it('-spat (bbox) over Paris gives the server\'s bbox count', async () => {
    const out = ogrinfo(['-al', '-q', '-spat', '2.2', '48.7', '2.5', '49.0', `OAPIF:${server.base}/collections/ouvrages`]);
    const n = (out.match(/^OGRFeature/gm) ?? []).length;
    assert.equal(n, await matched('/collections/ouvrages/items?bbox=2.2,48.7,2.5,49.0&limit=1'));
    assert.ok(n > 0, 'the Paris area has ouvrages');
  });

  it('Lambert-93: GDAL reads crs=EPSG:2154 output where PROJ (gdaltransform) puts the points', async () => {
    const l93 = encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/2154');
    const url = `${server.base}/collections/ouvrages/items?f=json&code_departement=33&limit=5`;
    const wgs = (await (await fetch(url, { headers: { accept: 'application/geo+json' } })).json()) as { features: { id: string; geometry: { coordinates: number[] } }[] };
    assert.ok(wgs.features.length > 0);
    const input = wgs.features.map((f) => f.geometry.coordinates.join(' ')).join('\n');
    const projected = spawnSync('gdaltransform', ['-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:2154', '--config', 'OGR_CT_FORCE_TRADITIONAL_GIS_ORDER', 'YES'], { input, encoding: 'utf8' });
    const expected = projected.stdout.trim().split('\n').map((line) => line.split(/\s+/).map(Number));
    const file = join(mkdtempSync(join(tmpdir(), 'l93-')), 'ouvrages.geojson');
    writeFileSync(file, await (await fetch(`${url}&crs=${l93}`)).text());
    const out = ogrinfo(['-al', '-q', '-geom=ISO_WKT', file]);
    const points = [...out.matchAll(/POINT \(([-\d.]+) ([-\d.]+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.equal(points.length, expected.length);
    points.forEach(([x, y], i) => {
      assert.ok(Math.abs(x - expected[i][0]) < 0.05 && Math.abs(y - expected[i][1]) < 0.05, `${x},${y} vs ${expected[i]}`);
      assert.ok(x > 300_000 && x < 500_000 && y > 6_300_000 && y < 6_500_000, 'Gironde in Lambert-93');
    });
  });

  it('-where attribute filter gives the server\'s filtered count', async () => {
    const out = ogrinfo(['-al', '-q', '-where', "code_usage = 'AEP'", `OAPIF:${server.base}/collections/chroniques`]);
    const n = (out.match(/^OGRFeature/gm) ?? []).length;
    assert.equal(n, await matched('/collections/chroniques/items?code_usage=AEP&limit=1'));
    assert.ok(n > 0);
  });
});
