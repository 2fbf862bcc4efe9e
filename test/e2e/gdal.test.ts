// GDAL's OAPIF driver, a real client, reads every collection with exact counts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hasCommand, smallDataset, startServer, type Running } from './server.js';

const COLLECTIONS = ['points_prelevement', 'ouvrages', 'chroniques'];
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
      assert.match(out, /Geometry: Point/);
      assert.match(out, /code_ouvrage: String/);
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

  it('-where attribute filter gives the server\'s filtered count', async () => {
    const out = ogrinfo(['-al', '-q', '-where', "code_usage = 'AEP'", `OAPIF:${server.base}/collections/chroniques`]);
    const n = (out.match(/^OGRFeature/gm) ?? []).length;
    assert.equal(n, await matched('/collections/chroniques/items?code_usage=AEP&limit=1'));
    assert.ok(n > 0);
  });
});
