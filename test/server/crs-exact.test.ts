// A bbox (bbox-crs) or a filter geometry (filter-crs) is a shape in the CRS it is given in:
// a Lambert-93 rectangle selects exactly the points inside that rectangle in Lambert-93, not
// those inside its CRS84 envelope. Checked for every projected CRS the server supports, on a
// grid of points spread around the rectangle, against proj4 applied here point by point.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proj4 from 'proj4';
import request from 'supertest';
import type { Express } from 'express';
import { buildCollections } from '../../collections/build.js';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { CRS_DEFINITIONS } from '../../server/crs/index.js';
import type { CollectionDefinition } from '../../server/types.js';

const grid: CollectionDefinition = {
  id: 'grid', title: 'Grille', description: 'Points en grille', source: 'grid.fgb', idProperties: ['code'], geometryType: 'Point',
  properties: [{ name: 'code', type: 'string', title: 'Code' }, { name: 'zone', type: 'string', title: 'Zone' }],
};

// A centre in each projected CRS's area of use, the rectangle ±20 km around it. Brest is 7.4° west of
// Lambert-93's central meridian: its grid turns ~5° from the meridians there.
const ZONES: { epsg: number; lon: number; lat: number; half: number }[] = [
  { epsg: 2154, lon: -4.4, lat: 48.4, half: 20_000 },
  { epsg: 3857, lon: 2.35, lat: 48.85, half: 20_000 },
  { epsg: 5490, lon: -61.5, lat: 16.2, half: 20_000 },
  { epsg: 2972, lon: -53.0, lat: 4.0, half: 20_000 },
  { epsg: 2975, lon: 55.5, lat: -21.1, half: 20_000 },
  { epsg: 4471, lon: 45.15, lat: -12.8, half: 20_000 },
];

const defOf = (epsg: number) => CRS_DEFINITIONS.find((d) => d.epsg === epsg)!;
const uri = (epsg: number) => `http://www.opengis.net/def/crs/EPSG/0/${epsg}`;

interface Point { code: string; zone: string; lon: number; lat: number }
const points: Point[] = [];
for (const z of ZONES) {
  // 61 × 61 points over ±0.5°: many fall inside the CRS84 envelope of the rectangle but outside it.
  for (let i = 0; i <= 60; i++) {
    for (let j = 0; j <= 60; j++) {
      points.push({ code: `${z.epsg}-${i}-${j}`, zone: String(z.epsg), lon: +(z.lon - 0.5 + i / 60).toFixed(6), lat: +(z.lat - 0.5 + j / 60).toFixed(6) });
    }
  }
}

let app: Express;
let catalog: Catalog;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crs-exact-'));
  await buildCollections(dir, [{ definition: grid, records: points.map(({ lon, lat, ...properties }) => ({ properties, lon, lat })) }]);
  catalog = await openCatalog(dir, [grid]);
  app = createApp({ info: { title: 'Test', description: 'CRS exact' }, catalog: () => catalog });
});
after(() => catalog.close());

/** The rectangle, turned a little so that its CRS84 envelope differs from it: given by its four numbers. */
function rectangle(z: (typeof ZONES)[number]): [number, number, number, number] {
  const [x, y] = proj4(defOf(4326).proj4, defOf(z.epsg).proj4, [z.lon, z.lat]);
  return [x - z.half, y - z.half, x + z.half, y + z.half];
}

function expected(z: (typeof ZONES)[number], [minX, minY, maxX, maxY]: number[]): string[] {
  const d = defOf(z.epsg);
  const f = 10 ** d.decimals;
  return points.filter((p) => p.zone === String(z.epsg)).filter((p) => {
    // The value a client asking crs=<that CRS> would see (rounded as the server writes it).
    const [x, y] = proj4(defOf(4326).proj4, d.proj4, [p.lon, p.lat]).map((v) => Math.round(v * f) / f);
    return x >= minX && x <= maxX && y >= minY && y <= maxY;
  }).map((p) => p.code).sort();
}

async function allIds(query: string): Promise<{ ids: string[]; matched: number }> {
  const res = await request(app).get(`/collections/grid/items?limit=10000&${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { ids: res.body.features.map((f: { id: string }) => f.id).sort(), matched: res.body.numberMatched };
}

describe('bbox-crs and filter-crs are exact rectangles in their CRS', () => {
  for (const z of ZONES) {
    it(`bbox-crs EPSG:${z.epsg}: the points inside the rectangle, and only those`, async () => {
      const rect = rectangle(z);
      const want = expected(z, rect);
      assert.ok(want.length > 50, 'the rectangle holds points');
      const { ids, matched } = await allIds(`zone=${z.epsg}&bbox=${rect.join(',')}&bbox-crs=${encodeURIComponent(uri(z.epsg))}`);
      assert.deepEqual(ids, want);
      assert.equal(matched, want.length);
    });

    it(`filter-crs EPSG:${z.epsg}: BBOX and POLYGON literals are shapes in that CRS`, async () => {
      const rect = rectangle(z);
      const want = expected(z, rect);
      const [a, b, c, d] = rect;
      for (const filter of [
        `zone = '${z.epsg}' AND S_INTERSECTS(geometry, BBOX(${a},${b},${c},${d}))`,
        `zone = '${z.epsg}' AND S_WITHIN(geometry, POLYGON((${a} ${b},${c} ${b},${c} ${d},${a} ${d},${a} ${b})))`,
      ]) {
        // (S_WITHIN excludes the boundary: the same set here, no grid point lies on it.)
        const { ids } = await allIds(`filter=${encodeURIComponent(filter)}&filter-crs=${encodeURIComponent(uri(z.epsg))}`);
        assert.deepEqual(ids, want, filter);
      }
      const json = JSON.stringify({ op: 'and', args: [{ op: '=', args: [{ property: 'zone' }, String(z.epsg)] },
        { op: 's_intersects', args: [{ property: 'geometry' }, { bbox: [a, b, c, d] }] }] });
      const { ids } = await allIds(`filter-lang=cql2-json&filter=${encodeURIComponent(json)}&filter-crs=${encodeURIComponent(uri(z.epsg))}`);
      assert.deepEqual(ids, want, 'cql2-json');
    });
  }

  it('the CRS84 envelope of a Lambert-93 rectangle holds points the rectangle does not (the test is not vacuous)', async () => {
    const z = ZONES[0];
    const rect = rectangle(z);
    const inRect = expected(z, rect);
    const corners = [[rect[0], rect[1]], [rect[2], rect[1]], [rect[2], rect[3]], [rect[0], rect[3]]]
      .map((c) => proj4(defOf(z.epsg).proj4, defOf(4326).proj4, c));
    const env = [Math.min(...corners.map((c) => c[0])), Math.min(...corners.map((c) => c[1])), Math.max(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[1]))];
    const { ids } = await allIds(`zone=${z.epsg}&bbox=${env.join(',')}`);
    assert.ok(ids.length > inRect.length + 10, `${ids.length} in the envelope vs ${inRect.length} in the rectangle`);
  });

  it('EPSG:4326 bbox (lat,lon) selects the same points as the CRS84 bbox (lon,lat)', async () => {
    const a = await allIds('bbox=-4.6,48.1,-4.1,48.6');
    const b = await allIds(`bbox=48.1,-4.6,48.6,-4.1&bbox-crs=${encodeURIComponent(uri(4326))}`);
    assert.deepEqual(b.ids, a.ids);
    assert.ok(a.ids.length > 100);
  });
});
