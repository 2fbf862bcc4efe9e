// Real QGIS (Debian python3-qgis, OAPIF provider) against the access layer: Basic credentials in
// the connection, an API key in the URL, and an anonymous connection that sees only public data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import { buildAccessFixture, type Fixture } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const hasQgis = spawnSync(PYTHON, ['-c', 'import qgis.core'], { encoding: 'utf8' }).status === 0;
const skip = hasQgis ? false : 'python3-qgis (Debian) is not installed';

// QgsDataSourceUri quotes values; credentials go in the uri as QGIS's own "Basic" fields. QGIS adds
// an `id` field of its own to OAPIF layers.
const SCRIPT = `
import json, os, sys
from qgis.core import QgsApplication, QgsVectorLayer, QgsDataSourceUri
app = QgsApplication([], False); app.initQgis()
url, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
for c in sys.argv[4].split(','):
    uri = QgsDataSourceUri()
    uri.setParam('url', url); uri.setParam('typename', c)
    if user: uri.setUsername(user); uri.setPassword(password)
    layer = QgsVectorLayer(uri.uri(False), c, 'OAPIF')
    if not layer.isValid():
        out[c] = {'valid': False}; continue
    out[c] = {'valid': True, 'count': sum(1 for _ in layer.getFeatures()), 'fields': sorted(f.name() for f in layer.fields())}
print(json.dumps(out))
sys.stdout.flush()
os._exit(0)  # exitQgis() segfaults in headless scripts (QGIS 3.22)
`;

interface LayerResult { valid: boolean; count?: number; fields?: string[] }

/** Asynchronous: the server answering QGIS runs in this very process. */
function qgis(url: string, user: string, password: string, layers: string[]): Promise<Record<string, LayerResult>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SCRIPT, url, user, password, layers.join(',')], { env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', () => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try { resolve(JSON.parse(line)); } catch { reject(new Error(`QGIS said: ${out}\n${err}`)); }
    });
  });
}

let fx: Fixture;
let server: Server;
let base: string;
const seen: { path: string; auth: boolean; status: number }[] = [];

before(async () => {
  if (skip) return;
  fx = await buildAccessFixture();
  server = fx.app.listen(0, '127.0.0.1');
  server.on('request', (req, res) => res.on('finish', () => seen.push({ path: req.url ?? '', auth: Boolean(req.headers.authorization), status: res.statusCode })));
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(async () => {
  if (skip) return;
  await new Promise((resolve) => server.close(resolve));
  await fx.catalog.close();
});

describe('QGIS OAPIF', { skip, timeout: 180_000 }, () => {
  it('with Basic credentials: the restricted collection and views load whole', async () => {
    seen.length = 0;
    const out = await qgis(base, 'alice', fx.passwords.alice, ['secrets', 'secrets_aelb']);
    assert.deepEqual(out.secrets, { valid: true, count: 24, fields: ['agence', 'code', 'id', 'montant_confidentiel', 'nom'] });
    assert.equal(out.secrets_aelb.count, 8);
    assert.ok(seen.length > 0 && seen.every((r) => r.auth && r.status < 400), JSON.stringify(seen));
  });
  it('with an API key in the URL', async () => {
    seen.length = 0;
    const out = await qgis(`${base}/?apikey=${fx.keys.alice}`, '', '', ['secrets']);
    assert.equal(out.secrets.count, 24, JSON.stringify(seen));
  });
  it('anonymous: the public view loads without its hidden field, the restricted collection does not', async () => {
    const out = await qgis(base, '', '', ['secrets_ouverts', 'secrets']);
    assert.deepEqual(out.secrets_ouverts, { valid: true, count: 24, fields: ['agence', 'code', 'id', 'nom'] });
    assert.equal(out.secrets.valid, false);
  });
  it('with a wrong password: nothing loads', async () => {
    const out = await qgis(base, 'alice', 'mauvais mot de passe', ['secrets_ouverts']);
    assert.equal(out.secrets_ouverts.valid, false);
  });
});
