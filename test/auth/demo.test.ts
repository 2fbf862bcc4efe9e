// The published demo (examples/access, read from the working directory) on a small default
// dataset: its three credential forms see exactly what credentials.json says, others do not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { PRODUCTEURS } from '../../collections/codelists.js';
import { buildDefaultDataset } from '../../collections/dataset.js';
import { collections } from '../../collections/definitions/index.js';
import { createApp } from '../../server/app.js';
import { loadAccessConfig } from '../../server/auth/config.js';
import { withAccess } from '../../server/auth/middleware.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { basic } from './helpers.js';

const DIR = join(process.cwd(), 'examples', 'access');
const skip = existsSync(join(DIR, 'config.yaml')) ? false : 'run from the repository root (examples/access)';

interface Credentials { apiKey: string; basic: { user: string; password: string }; jwt: string; restricted: string[] }

let catalog: Catalog;
let app: Express;
let credentials: Credentials;
let restrictedIds: string[];

before(async () => {
  if (skip) return;
  const data = mkdtempSync(join(tmpdir(), 'ogc-demo-'));
  await buildDefaultDataset(data, 0.01);
  catalog = await openCatalog(data, collections);
  const config = loadAccessConfig(join(DIR, 'config.yaml'));
  const access = withAccess(config, () => catalog);
  assert.deepEqual(access.warnings, [], 'the demo configuration matches the default data');
  app = createApp({ info: { title: 'Démo', description: 'Démo du contrôle d’accès' }, catalog: access.catalog, before: access.before });
  credentials = JSON.parse(readFileSync(join(DIR, 'credentials.json'), 'utf8')) as Credentials;
  restrictedIds = [...Object.entries(config.collections).filter(([, a]) => a === 'restricted').map(([id]) => id), ...config.views.filter((v) => v.access === 'restricted').map((v) => v.id)];
});
after(() => catalog?.close());

const ids = async (res: request.Test) => ((await res).body.collections as { id: string }[]).map((c) => c.id);

describe('examples/access demo', { skip }, () => {
  it('credentials.json has the documented shape; its secrets are not in keys.json', () => {
    assert.deepEqual(Object.keys(credentials), ['apiKey', 'basic', 'jwt', 'restricted']);
    assert.deepEqual(Object.keys(credentials.basic), ['user', 'password']);
    const keys = readFileSync(join(DIR, 'keys.json'), 'utf8');
    assert.ok(!keys.includes(credentials.apiKey.split('_').at(-1)!) && !keys.includes(credentials.basic.password));
    assert.ok(decodeJwt(credentials.jwt).exp! * 1000 > Date.now() + 30 * 86_400_000, 'the demo JWT is valid for a while yet');
    // Demo secrets say so wherever they are pasted.
    assert.match(credentials.basic.password, /^demo-only-/);
    assert.match(String(decodeJwt(credentials.jwt).note), /DEMO ONLY/);
    assert.match(readFileSync(join(DIR, 'README.md'), 'utf8'), /\*\*Demo only\.\*\*/);
  });
  it('config.json is the same configuration as config.yaml', () => {
    assert.deepEqual(loadAccessConfig(join(DIR, 'config.json')), loadAccessConfig(join(DIR, 'config.yaml')));
  });
  it('anonymous callers see no restricted collection, and get 401 on them', async () => {
    const seen = await ids(request(app).get('/collections'));
    assert.ok(seen.includes('points_prelevement') && seen.includes('ouvrages_public'));
    for (const id of restrictedIds) {
      assert.ok(!seen.includes(id), id);
      assert.equal((await request(app).get(`/collections/${id}/items`)).status, 401, id);
    }
    const paths = Object.keys(JSON.parse((await request(app).get('/api')).text).paths);
    for (const id of restrictedIds) assert.ok(!paths.some((p) => p.startsWith(`/collections/${id}/`)), id);
  });
  const forms: Record<string, (t: request.Test) => request.Test> = {
    'API key (header)': (t) => t.set('X-API-Key', credentials.apiKey),
    'API key (query)': (t) => t.query({ apikey: credentials.apiKey }),
    Basic: (t) => t.set('Authorization', basic(credentials.basic.user, credentials.basic.password)),
    JWT: (t) => t.set('Authorization', `Bearer ${credentials.jwt}`),
  };
  for (const [name, auth] of Object.entries(forms)) {
    it(`${name}: sees exactly the public collections plus credentials.restricted`, async () => {
      const seen = await ids(auth(request(app).get('/collections')));
      const anonymous = await ids(request(app).get('/collections'));
      assert.deepEqual(seen.filter((id) => !anonymous.includes(id)).sort(), [...credentials.restricted].sort());
      for (const id of credentials.restricted) {
        const res = await auth(request(app).get(`/collections/${id}/items`));
        assert.equal(res.status, 200, `${id}: ${res.text.slice(0, 200)}`);
        assert.ok(res.body.features.length > 0, id);
        assert.match(String(res.headers['cache-control']), /^private/);
      }
      for (const id of restrictedIds.filter((i) => !credentials.restricted.includes(i))) {
        assert.equal((await auth(request(app).get(`/collections/${id}/items`))).status, 403, id);
      }
    });
  }
  it('the views hold what their filters say', async () => {
    const aelb = new Set(PRODUCTEURS.find((p) => p.code === 'AELB')!.departements);
    let expected = 0;
    for await (const f of catalog.get('ouvrages')!.provider.scan()) if (aelb.has(f.properties.code_departement as string)) expected++;
    assert.ok(expected > 0);
    const view = await request(app).get('/collections/ouvrages_loire_bretagne/items?limit=1').set('X-API-Key', credentials.apiKey);
    assert.equal(view.body.numberMatched, expected);
    const pub = await request(app).get('/collections/ouvrages_public/items?limit=5');
    assert.equal(pub.body.numberMatched, (await catalog.get('ouvrages')!.provider.stats()).featuresCount);
    for (const f of pub.body.features) for (const hidden of ['commentaire', 'id_local_ouvrage', 'codes_points_prelevements']) assert.ok(!(hidden in f.properties), hidden);
  });
});
