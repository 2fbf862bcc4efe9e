import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bufferedTileBounds,
  getTileMatrixSet,
  tileBounds,
  tileMatrixLimits,
  validTile,
  WEB_MERCATOR_QUAD,
  WORLD_CRS84_QUAD,
} from '../../server/tiles/index.js';
import { crs84Tile, mercatorTile } from './helpers.js';

const close = (actual: number, expected: number, rel = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * rel, `${actual} ≠ ${expected}`);

test('WebMercatorQuad matches OGC 17-083r4 Annex D', () => {
  const tms = WEB_MERCATOR_QUAD;
  assert.equal(tms.uri, 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad');
  assert.equal(tms.crs, 'http://www.opengis.net/def/crs/EPSG/0/3857');
  assert.deepEqual(tms.orderedAxes, ['X', 'Y']);
  assert.equal(tms.tileMatrices.length, 25);
  const z0 = tms.tileMatrices[0];
  close(z0.scaleDenominator, 559082264.0287178);
  close(z0.cellSize, 156543.03392804097);
  close(z0.pointOfOrigin[0], -20037508.3427892, 1e-14);
  close(z0.pointOfOrigin[1], 20037508.3427892, 1e-14);
  // Registry values are printed with 15 significant digits.
  close(tms.tileMatrices[9].scaleDenominator, 1091957.54693108, 1e-14);
  close(tms.tileMatrices[24].scaleDenominator, 33.3238997476528, 1e-14);
  close(tms.tileMatrices[24].cellSize, 0.0093306919293428, 1e-14);
  tms.tileMatrices.forEach((m, z) => {
    assert.equal(m.id, String(z));
    assert.equal(m.matrixWidth, 2 ** z);
    assert.equal(m.matrixHeight, 2 ** z);
    assert.equal(m.tileWidth, 256);
    assert.equal(m.tileHeight, 256);
    assert.equal(m.cornerOfOrigin, 'topLeft');
  });
});

test('WorldCRS84Quad matches OGC 17-083r4 Annex D', () => {
  const tms = WORLD_CRS84_QUAD;
  assert.equal(tms.uri, 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WorldCRS84Quad');
  assert.equal(tms.crs, 'http://www.opengis.net/def/crs/OGC/1.3/CRS84');
  assert.deepEqual(tms.orderedAxes, ['Lon', 'Lat']);
  assert.equal(tms.tileMatrices.length, 18);
  const z0 = tms.tileMatrices[0];
  close(z0.scaleDenominator, 279541132.014358, 1e-14);
  assert.equal(z0.cellSize, 0.703125);
  assert.deepEqual(z0.pointOfOrigin, [-180, 90]);
  assert.equal(z0.matrixWidth, 2);
  assert.equal(z0.matrixHeight, 1);
  const z17 = tms.tileMatrices[17];
  close(z17.scaleDenominator, 2132.72958384978, 1e-14);
  assert.equal(z17.matrixWidth, 262144);
  assert.equal(z17.matrixHeight, 131072);
});

test('getTileMatrixSet only knows the two sets', () => {
  assert.equal(getTileMatrixSet('WebMercatorQuad'), WEB_MERCATOR_QUAD);
  assert.equal(getTileMatrixSet('WorldCRS84Quad'), WORLD_CRS84_QUAD);
  assert.equal(getTileMatrixSet('toString'), undefined);
  assert.equal(getTileMatrixSet('GNOSISGlobalGrid'), undefined);
});

test('tileBounds', () => {
  const world = tileBounds('WebMercatorQuad', 0, 0, 0);
  assert.equal(world.minX, -180);
  assert.equal(world.maxX, 180);
  close(world.maxY, 85.0511287798066, 1e-13);
  close(world.minY, -85.0511287798066, 1e-13);
  const sw = tileBounds('WebMercatorQuad', 1, 1, 0);
  assert.deepEqual([sw.minX, sw.maxX, sw.maxY], [-180, 0, 0]);
  assert.deepEqual(tileBounds('WorldCRS84Quad', 0, 0, 1), { minX: 0, minY: -90, maxX: 180, maxY: 90 });
  assert.deepEqual(tileBounds('WorldCRS84Quad', 1, 1, 3), { minX: 90, minY: -90, maxX: 180, maxY: 0 });
  // Paris' z9 tile contains Paris.
  const [x, y] = mercatorTile(2.3522, 48.8566, 9);
  const b = tileBounds(WEB_MERCATOR_QUAD, 9, Math.floor(y), Math.floor(x));
  assert.ok(b.minX <= 2.3522 && 2.3522 < b.maxX && b.minY < 48.8566 && 48.8566 <= b.maxY);
  assert.throws(() => tileBounds('WebMercatorQuad', 0, 0, 1), RangeError);
  assert.throws(() => tileBounds('Nope' as 'WebMercatorQuad', 0, 0, 0), RangeError);
});

test('bufferedTileBounds grows the tile by the MVT buffer', () => {
  const b = bufferedTileBounds('WorldCRS84Quad', 1, 0, 1);
  const t = tileBounds('WorldCRS84Quad', 1, 0, 1);
  close(t.minX - b.minX, (90 * 64) / 4096);
  assert.equal(b.maxY, 90);
  assert.equal(bufferedTileBounds('WebMercatorQuad', 0, 0, 0).maxY, 90);
});

test('validTile edge cases', () => {
  assert.ok(validTile('WebMercatorQuad', 0, 0, 0));
  assert.ok(validTile('WebMercatorQuad', 24, 2 ** 24 - 1, 2 ** 24 - 1));
  assert.ok(!validTile('WebMercatorQuad', 24, 2 ** 24, 0));
  assert.ok(!validTile('WebMercatorQuad', 25, 0, 0));
  assert.ok(!validTile('WebMercatorQuad', -1, 0, 0));
  assert.ok(!validTile('WebMercatorQuad', 3, -1, 0));
  assert.ok(!validTile('WebMercatorQuad', 3, 0, 8));
  assert.ok(!validTile('WebMercatorQuad', 1.5, 0, 0));
  assert.ok(!validTile('WebMercatorQuad', NaN, 0, 0));
  assert.ok(validTile('WorldCRS84Quad', 0, 0, 1));
  assert.ok(!validTile('WorldCRS84Quad', 0, 1, 0));
  assert.ok(!validTile('WorldCRS84Quad', 0, 0, 2));
  assert.ok(validTile('WorldCRS84Quad', 17, 131071, 262143));
  assert.ok(!validTile('WorldCRS84Quad', 18, 0, 0));
});

test('tileMatrixLimits for a France extent', () => {
  const france = { minX: -5.2, minY: 41.3, maxX: 9.6, maxY: 51.1 };
  const limits = tileMatrixLimits('WebMercatorQuad', france, 0, 14);
  assert.equal(limits.length, 15);
  assert.deepEqual(limits[0], { tileMatrix: '0', minTileRow: 0, maxTileRow: 0, minTileCol: 0, maxTileCol: 0 });
  assert.deepEqual(limits[5], { tileMatrix: '5', minTileRow: 10, maxTileRow: 11, minTileCol: 15, maxTileCol: 16 });
  for (const l of limits) {
    const z = Number(l.tileMatrix);
    const [x0, y0] = mercatorTile(france.minX, france.maxY, z);
    const [x1, y1] = mercatorTile(france.maxX, france.minY, z);
    assert.deepEqual(
      [l.minTileRow, l.maxTileRow, l.minTileCol, l.maxTileCol],
      [Math.floor(y0), Math.floor(y1), Math.floor(x0), Math.floor(x1)],
      `z${z}`,
    );
  }
  const geo = tileMatrixLimits('WorldCRS84Quad', france, 2, 9);
  assert.equal(geo[0].tileMatrix, '2');
  for (const l of geo) {
    const z = Number(l.tileMatrix);
    const [x0, y0] = crs84Tile(france.minX, france.maxY, z);
    const [x1, y1] = crs84Tile(france.maxX, france.minY, z);
    assert.deepEqual(
      [l.minTileRow, l.maxTileRow, l.minTileCol, l.maxTileCol],
      [Math.floor(y0), Math.floor(y1), Math.floor(x0), Math.floor(x1)],
    );
  }
  // Zooms beyond the set are left out; an extent ending on a tile edge stops there.
  assert.equal(tileMatrixLimits('WorldCRS84Quad', france, 16, 30).length, 2);
  const west = tileMatrixLimits('WorldCRS84Quad', { minX: -180, minY: -90, maxX: 0, maxY: 90 }, 0, 1);
  assert.deepEqual(west[0], { tileMatrix: '0', minTileRow: 0, maxTileRow: 0, minTileCol: 0, maxTileCol: 0 });
  assert.deepEqual(west[1], { tileMatrix: '1', minTileRow: 0, maxTileRow: 1, minTileCol: 0, maxTileCol: 1 });
});
