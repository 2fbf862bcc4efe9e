// Dataset tiles are rendered once and cached by ETag: the key must tell scopes apart even when two
// collections report the same version (remote files with one Last-Modified second, copies).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { buildCollections } from '../../collections/build.js';
import { createApp } from '../../server/app.js';
import { parseAccessConfig } from '../../server/auth/config.js';
import { createKey } from '../../server/auth/keys.js';
import { withAccess } from '../../server/auth/middleware.js';
import { Catalog, openCatalog } from '../../server/catalog.js';
import type { CollectionDefinition, Provider } from '../../server/types.js';
import { decode } from '../tiles/helpers.js';

const def = (id: string): CollectionDefinition => ({
  id, title: id, description: id, source: `${id}.fgb`, idProperties: ['code'], geometryType: 'Point',
  properties: [{ name: 'code', type: 'string', title: 'Code' }],
});

/** The same provider reporting a fixed version. */
function sameVersion(provider: Provider): Provider {
  return Object.assign(Object.create(provider) as Provider, { stats: async () => ({ ...(await provider.stats()), version: 'v1' }) });
}

let base: Catalog;
let app: Express;
const keys: Record<string, string> = {};

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ogc-tiles-scope-'));
  const point = (code: string) => ({ properties: { code }, lon: 2, lat: 47 });
  await buildCollections(dir, [{ definition: def('part_a'), records: [point('A1')] }, { definition: def('part_b'), records: [point('B1')] }]);
  base = await openCatalog(dir, [def('part_a'), def('part_b')]);
  const catalog = new Catalog(base.list().map((c) => ({ definition: c.definition, provider: sameVersion(c.provider) })));
  const keysFile = join(dir, 'keys.json');
  keys.anne = (await createKey(keysFile, { user: 'anne' })).key;
  keys.bert = (await createKey(keysFile, { user: 'bert' })).key;
  const config = parseAccessConfig({ collections: { part_a: 'restricted', part_b: 'restricted' }, permissions: { users: { anne: ['part_a'], bert: ['part_b'] } }, keys: keysFile, rateLimit: false });
  const access = withAccess(config, () => catalog);
  app = createApp({ info: { title: 'T', description: 'T' }, catalog: access.catalog, before: access.before });
});
after(() => base.close());

const tile = (key: string) => request(app).get('/tiles/WebMercatorQuad/0/0/0').set('X-API-Key', key).buffer(true).parse((res, cb) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
});

describe('dataset tiles of two scopes whose layers report one version', () => {
  // The scoped catalog tags versions with collection ids; versions alone would collide here.
  it('each caller gets its own layer, never the other one cached', async () => {
    const a = await tile(keys.anne);
    assert.deepEqual(Object.keys(decode(a.body as Buffer).layers), ['part_a']);
    const b = await tile(keys.bert);
    assert.deepEqual(Object.keys(decode(b.body as Buffer).layers), ['part_b']);
    assert.notEqual(a.headers.etag, b.headers.etag);
    assert.equal((await tile(keys.bert).set('If-None-Match', String(a.headers.etag))).status, 200);
  });
});
