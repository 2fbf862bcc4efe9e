// Real QGIS (Debian python3-qgis, OAPIF provider) against the access layer: Basic credentials stored
// in an authcfg of QGIS's auth database, or in the connection, an API key in the URL, paging with
// each, and an anonymous connection that sees only public data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAccessFixture, type Fixture } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const hasQgis = spawnSync(PYTHON, ['-c', 'import qgis.core'], { encoding: 'utf8' }).status === 0;
const skip = hasQgis ? false : 'python3-qgis (Debian) is not installed';

// QgsDataSourceUri quotes values. Credentials either as the uri's own Basic fields, or — as a QGIS
// user stores them — in an authentication configuration (method "Basic") of QGIS's encrypted auth
// database, referenced by its authcfg id. pageSize makes QGIS page, so credentials must follow every
// page. QGIS adds an `id` field of its own to OAPIF layers.
const SCRIPT = `
import json, os, sys, tempfile
os.environ['QGIS_AUTH_DB_DIR_PATH'] = tempfile.mkdtemp(prefix='qgis-auth-')
from qgis.core import QgsApplication, QgsVectorLayer, QgsDataSourceUri, QgsAuthMethodConfig
app = QgsApplication([], False); app.initQgis()
o = json.loads(sys.argv[1])
authcfg = None
if o.get('authcfg'):
    am = QgsApplication.authManager()
    assert am.setMasterPassword('mot de passe maitre de test', True)
    cfg = QgsAuthMethodConfig(); cfg.setMethod('Basic'); cfg.setName('prelevements')
    cfg.setConfig('username', o['user']); cfg.setConfig('password', o['password'])
    assert am.storeAuthenticationConfig(cfg)[0]
    authcfg = cfg.id()
out = {}
for c in o['layers']:
    uri = QgsDataSourceUri()
    uri.setParam('url', o['url']); uri.setParam('typename', c)
    if o.get('pageSize'): uri.setParam('pageSize', str(o['pageSize']))
    if authcfg: uri.setAuthConfigId(authcfg)
    elif o.get('user'): uri.setUsername(o['user']); uri.setPassword(o['password'])
    layer = QgsVectorLayer(uri.uri(False), c, 'OAPIF')
    if not layer.isValid():
        out[c] = {'valid': False}; continue
    out[c] = {'valid': True, 'count': sum(1 for _ in layer.getFeatures()), 'fields': sorted(f.name() for f in layer.fields())}
print(json.dumps(out))
sys.stdout.flush()
os._exit(0)  # exitQgis() segfaults in headless scripts (QGIS 3.22)
`;

interface LayerResult { valid: boolean; count?: number; fields?: string[] }
interface Options { url: string; layers: string[]; user?: string; password?: string; authcfg?: boolean; pageSize?: number }

/** Asynchronous: the server answering QGIS runs in this very process. */
function qgis(options: Options): Promise<Record<string, LayerResult>> {
  return new Promise((resolve, reject) => {
    const home = mkdtempSync(join(tmpdir(), 'qgis-home-'));
    const child = spawn(PYTHON, ['-c', SCRIPT, JSON.stringify(options)], { env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', HOME: home, XDG_RUNTIME_DIR: home } });
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
  const items = (path: string) => seen.filter((r) => r.path.startsWith(path) && r.path.includes('/items'));
  it('an authcfg of QGIS (method Basic): the restricted collection and views load whole, page by page', async () => {
    seen.length = 0;
    const out = await qgis({ url: base, layers: ['secrets', 'secrets_aelb'], user: 'alice', password: fx.passwords.alice, authcfg: true, pageSize: 5 });
    assert.deepEqual(out.secrets, { valid: true, count: 24, fields: ['agence', 'code', 'id', 'montant_confidentiel', 'nom'] });
    assert.equal(out.secrets_aelb.count, 8);
    assert.ok(items('/collections/secrets/').length >= 5, `paged: ${JSON.stringify(seen)}`);
    assert.ok(seen.length > 0 && seen.every((r) => r.auth && r.status < 400), JSON.stringify(seen));
  });
  it('with Basic credentials in the connection uri', async () => {
    seen.length = 0;
    const out = await qgis({ url: base, layers: ['secrets'], user: 'alice', password: fx.passwords.alice });
    assert.deepEqual(out.secrets, { valid: true, count: 24, fields: ['agence', 'code', 'id', 'montant_confidentiel', 'nom'] });
    assert.ok(seen.length > 0 && seen.every((r) => r.auth && r.status < 400), JSON.stringify(seen));
  });
  it('with an API key in the URL, page by page', async () => {
    seen.length = 0;
    const out = await qgis({ url: `${base}/?apikey=${fx.keys.alice}`, layers: ['secrets'], pageSize: 5 });
    assert.equal(out.secrets.count, 24, JSON.stringify(seen));
    assert.ok(items('/collections/secrets/').length >= 5 && seen.every((r) => r.status < 400), JSON.stringify(seen));
  });
  it('anonymous: the public view loads without its hidden field, the restricted collection does not', async () => {
    const out = await qgis({ url: base, layers: ['secrets_ouverts', 'secrets'] });
    assert.deepEqual(out.secrets_ouverts, { valid: true, count: 24, fields: ['agence', 'code', 'id', 'nom'] });
    assert.equal(out.secrets.valid, false);
  });
  it('an authcfg with a wrong password: nothing loads', async () => {
    const out = await qgis({ url: base, layers: ['secrets_ouverts'], user: 'alice', password: 'mauvais mot de passe', authcfg: true });
    assert.equal(out.secrets_ouverts.valid, false);
  });
});
