// The QGIS layer definition of each collection: linked from the collection, well-formed, and
// loaded by QGIS 3.22 headless (QgsLayerDefinition) with the exact feature count, from the
// FlatGeobuf stream (default) and through OAPIF (?source=oapif).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallDataset, startServer, type Running } from './server.js';

const PYTHON = '/usr/bin/python3';
const hasQgis = spawnSync(PYTHON, ['-c', 'import qgis.core'], { encoding: 'utf8' }).status === 0;

const SCRIPT = `
import json, os, sys
from qgis.core import QgsApplication, QgsProject, QgsLayerDefinition
app = QgsApplication([], False); app.initQgis()
out = {}
for path in sys.argv[1:]:
    project = QgsProject.instance()
    project.clear()
    ok, message = QgsLayerDefinition.loadLayerDefinition(path, project, project.layerTreeRoot())
    layers = list(project.mapLayers().values())
    layer = layers[0] if layers else None
    out[path] = {'ok': ok, 'message': message, 'valid': bool(layer and layer.isValid()),
                 'provider': layer.providerType() if layer else None,
                 'count': sum(1 for _ in layer.getFeatures()) if layer and layer.isValid() else -1,
                 'name': layer.name() if layer else None}
print(json.dumps(out))
sys.stdout.flush()
os._exit(0)
`;

let server: Running;
const COLLECTIONS = ['points_prelevement', 'ouvrages', 'volumes_departements'];

describe('QGIS layer definitions (.qlr)', () => {
  before(async () => { server = await startServer(smallDataset()); });
  after(() => server?.stop());

  it('each collection links to its layer definition, which names the FlatGeobuf stream', async () => {
    const doc = await (await fetch(`${server.base}/collections/ouvrages`)).json() as { links: { href: string; type: string }[] };
    const link = doc.links.find((l) => l.type === 'application/x-qgis-layer-definition');
    assert.ok(link, 'link to the .qlr');
    const res = await fetch(link.href);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-disposition')), /attachment; filename="ouvrages\.qlr"/);
    const text = await res.text();
    assert.match(text, /<datasource>\/vsicurl_streaming\/http:\/\/127\.0\.0\.1:\d+\/collections\/ouvrages\/items\?f=fgb<\/datasource>/);
    assert.match(text, /<provider encoding="UTF-8">ogr<\/provider>/);
    const oapif = await (await fetch(`${server.base}/collections/ouvrages/qgis.qlr?source=oapif`)).text();
    assert.match(oapif, /<provider encoding="UTF-8">OAPIF<\/provider>/);
    assert.match(oapif, /typename=&#39;ouvrages&#39;/);
  });

  it('bad input: an unknown source is a 400 naming it, an unknown collection a 404', async () => {
    const bad = await fetch(`${server.base}/collections/ouvrages/qgis.qlr?source=wms`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { description: string }).description, /source/);
    assert.equal((await fetch(`${server.base}/collections/nope/qgis.qlr`)).status, 404);
  });

  it('QGIS loads each layer definition with the exact count, from the stream and through OAPIF', { skip: hasQgis ? false : 'python3-qgis (Debian) is not installed' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qlr-'));
    const files: { path: string; collection: string; provider: string }[] = [];
    for (const c of COLLECTIONS) {
      for (const source of ['fgb', 'oapif']) {
        const path = join(dir, `${c}-${source}.qlr`);
        writeFileSync(path, await (await fetch(`${server.base}/collections/${c}/qgis.qlr?source=${source}`)).text());
        files.push({ path, collection: c, provider: source === 'fgb' ? 'ogr' : 'OAPIF' });
      }
    }
    const result = spawnSync(PYTHON, ['-c', SCRIPT, ...files.map((f) => f.path)], {
      encoding: 'utf8', timeout: 300_000, env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', XDG_RUNTIME_DIR: dir, HOME: dir },
    });
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split('\n').pop()!);
    for (const f of files) {
      const total = ((await (await fetch(`${server.base}/collections/${f.collection}/items?limit=1`)).json()) as { numberMatched: number }).numberMatched;
      assert.equal(out[f.path].ok, true, `${f.path}: ${out[f.path].message}`);
      assert.equal(out[f.path].valid, true, f.path);
      assert.equal(out[f.path].provider, f.provider, f.path);
      assert.equal(out[f.path].count, total, `${f.path} count`);
    }
  });
});
