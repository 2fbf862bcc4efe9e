// QGIS (Debian python3-qgis, provider OAPIF), headless: every collection with exact counts and a
// bbox-restricted read. (QGIS 3.22's OAPIF provider asks only CRS84; Part 2 is tested over HTTP.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallDataset, startServer, type Running } from './server.js';

const PYTHON = '/usr/bin/python3';
const hasQgis = spawnSync(PYTHON, ['-c', 'import qgis.core'], { encoding: 'utf8' }).status === 0;
const skip = hasQgis ? false : 'python3-qgis (Debian) is not installed';

const SCRIPT = `
import json, os, sys
from qgis.core import QgsApplication, QgsVectorLayer, QgsRectangle, QgsFeatureRequest, QgsCoordinateReferenceSystem
app = QgsApplication([], False); app.initQgis()
base, collections = sys.argv[1], sys.argv[2].split(',')
out = {}
for c in collections:
    layer = QgsVectorLayer(f"url='{base}' typename='{c}'", c, 'OAPIF')
    if not layer.isValid():
        out[c] = {'valid': False}; continue
    n = sum(1 for _ in layer.getFeatures())
    req = QgsFeatureRequest().setFilterRect(QgsRectangle(2.2, 48.7, 2.5, 49.0))
    nb = sum(1 for _ in layer.getFeatures(req))
    out[c] = {'valid': True, 'featureCount': layer.featureCount(), 'iterated': n, 'bbox': nb, 'fields': layer.fields().count()}
rb = QgsVectorLayer(f"url='{base}' typename='points_prelevement' restrictToRequestBBOX='1'", 'rb', 'OAPIF')
out['restricted'] = sum(1 for _ in rb.getFeatures(QgsFeatureRequest().setFilterRect(QgsRectangle(2.2, 48.7, 2.5, 49.0))))
print(json.dumps(out))
sys.stdout.flush()
os._exit(0)  # exitQgis() segfaults in headless scripts (QGIS 3.22)
`;

let server: Running;

async function matched(path: string): Promise<number> {
  const response = await fetch(`${server.base}${path}`, { headers: { accept: 'application/geo+json' } });
  return ((await response.json()) as { numberMatched: number }).numberMatched;
}

describe('QGIS OAPIF provider', { skip }, () => {
  before(async () => { server = await startServer(smallDataset()); });
  after(() => server?.stop());

  it('reads every collection with exact counts, and a bbox', async () => {
    const collections = ['points_prelevement', 'ouvrages', 'chroniques', 'volumes_communes', 'volumes_epci', 'volumes_departements', 'volumes_regions', 'forfaits_annexe2'];
    const xdg = mkdtempSync(join(tmpdir(), 'qgis-xdg-'));
    const result = spawnSync(PYTHON, ['-c', SCRIPT, server.base, collections.join(',')], {
      encoding: 'utf8', timeout: 300_000,
      env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', XDG_RUNTIME_DIR: xdg, HOME: xdg },
    });
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split('\n').pop()!);
    for (const c of collections) {
      const total = await matched(`/collections/${c}/items?limit=1`);
      assert.equal(out[c].valid, true, c);
      assert.equal(out[c].featureCount, total, `${c} featureCount`);
      assert.equal(out[c].iterated, total, `${c} iterated`);
      assert.equal(out[c].bbox, await matched(`/collections/${c}/items?bbox=2.2,48.7,2.5,49.0&limit=1`), `${c} bbox`);
    }
    // The uri the README documents (restrictToRequestBBOX: QGIS sends bbox=… per view extent).
    assert.equal(out.restricted, await matched('/collections/points_prelevement/items?bbox=2.2,48.7,2.5,49.0&limit=1'));
  });
});
