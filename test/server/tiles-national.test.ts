// Every tile over France, zooms 0 to 8, of the national (synthetic) dataset stays under 500,000 bytes; zooms 9–16 sampled around cities.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, defaultParts } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { bufferedTileBounds, clustersOnly, encodeTile, lonLatToTile } from '../../server/tiles/index.js';
import type { Feature } from '../../server/types.js';
import { buildDefaultDataset } from '../../collections/dataset.js';
import { collections } from '../../collections/definitions/index.js';
import { SERVICE_INFO, TILES_OPTIONS } from '../../collections/service.js';
import { assertSameTile } from '../tiles/helpers.js';

let app: Express;
let catalog: Catalog;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiles-national-'));
  await buildDefaultDataset(dir, 0.05);
  catalog = await openCatalog(dir, collections);
  app = createApp({ info: SERVICE_INFO, catalog: () => catalog, parts: defaultParts(TILES_OPTIONS) });
});
after(() => catalog.close());

/** A tile's response with its body as bytes. */
const getTile = (path: string) => request(app).get(path).buffer(true).parse((r, cb) => { const c: Buffer[] = []; r.on('data', (d: Buffer) => c.push(d)); r.on('end', () => cb(null, Buffer.concat(c))); });

describe('tile size over the national dataset', () => {
  it('no tile of chroniques or the dataset exceeds 500,000 bytes at zooms 0–8', async () => {
    let tiles = 0;
    let largest = 0;
    for (let z = 0; z <= 8; z++) {
      const [minCol, minRow] = lonLatToTile('WebMercatorQuad', z, -5.5, 51.5);
      const [maxCol, maxRow] = lonLatToTile('WebMercatorQuad', z, 10, 41);
      for (let row = Math.floor(minRow); row <= Math.floor(maxRow); row++) {
        for (let col = Math.floor(minCol); col <= Math.floor(maxCol); col++) {
          for (const path of [`/collections/chroniques/tiles/WebMercatorQuad/${z}/${row}/${col}`, `/tiles/WebMercatorQuad/${z}/${row}/${col}`]) {
            const res = await getTile(path);
            assert.ok(res.status === 200 || res.status === 204, `${path} → ${res.status}`);
            const size = res.status === 200 ? (res.body as Buffer).length : 0;
            assert.ok(size <= 500_000, `${path}: ${size} bytes`);
            largest = Math.max(largest, size);
            tiles++;
          }
        }
      }
    }
    assert.ok(tiles > 100 && largest > 0, `${tiles} tiles, largest ${largest} bytes`);
  });

  it('nor at zooms 9–16 around the densest places (3 × 3 tiles around each city)', async () => {
    let tiles = 0;
    let drawn = 0;
    for (let z = 9; z <= 16; z++) {
      for (const [lon, lat] of [[2.35, 48.85], [-0.58, 44.84], [5.37, 43.3], [1.44, 43.6]]) {
        const [c, r] = lonLatToTile('WebMercatorQuad', z, lon, lat).map(Math.floor);
        for (let row = r - 1; row <= r + 1; row++) {
          for (let col = c - 1; col <= c + 1; col++) {
            for (const path of [`/collections/chroniques/tiles/WebMercatorQuad/${z}/${row}/${col}`, `/tiles/WebMercatorQuad/${z}/${row}/${col}`]) {
              const res = await getTile(path);
              assert.ok(res.status === 200 || res.status === 204, `${path} → ${res.status}`);
              assert.ok(res.status === 204 || (res.body as Buffer).length <= 500_000, `${path}: ${(res.body as Buffer).length} bytes`);
              if (res.status === 200) drawn++;
              tiles++;
            }
          }
        }
      }
    }
    assert.equal(tiles, 8 * 4 * 9 * 2);
    assert.ok(drawn > tiles / 4, `${drawn} of ${tiles} tiles hold features`);
  });

  it('a dense tile (read lean, or from the pre-aggregates) is the same tile as one read whole, sums up to rounding', async () => {
    const layer = catalog.list().find((c) => c.definition.id === 'chroniques')!;
    let dense = 0;
    for (const [z, lon, lat] of [[4, 2.35, 48.85], [5, 2.35, 48.85], [5, -0.58, 44.84], [6, 1.44, 43.6], [9, 2.35, 48.85]] as const) {
      const [col, row] = lonLatToTile('WebMercatorQuad', z, lon, lat).map(Math.floor);
      const features: Feature[] = [];
      for await (const f of layer.provider.scan(bufferedTileBounds('WebMercatorQuad', z, row, col))) features.push(f);
      if (clustersOnly(features, 'WebMercatorQuad', z, row, col)) dense++;
      const whole = encodeTile([{ name: 'chroniques', features }], 'WebMercatorQuad', z, row, col,
        { sumProperty: TILES_OPTIONS.sumProperty?.chroniques, maxBytes: 500_000 });
      const res = await getTile(`/collections/chroniques/tiles/WebMercatorQuad/${z}/${row}/${col}`);
      assert.equal(res.status, 200);
      assertSameTile(whole, res.body as Buffer, 'chroniques', `tile ${z}/${row}/${col}`);
    }
    assert.ok(dense >= 3, `${dense} dense tiles among those compared`);
  });
});
