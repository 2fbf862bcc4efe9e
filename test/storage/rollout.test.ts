// Versioned rollout through the manifest, on a local directory and on S3 (s3rver): a new version
// picked up, paging pinned across the switch, 410 past the grace, corrupt or incomplete manifests
// refused while the old version keeps being served, ETags carrying the version.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createApp } from '../../server/app.js';
import { ReloadingCatalog } from '../../server/catalog.js';
import { s3Client } from '../../server/storage/location.js';
import { activateVersion, MANIFEST_FILE, publishDirectory, readManifest } from '../../server/storage/manifest.js';
import { openStore } from '../../server/storage/store.js';
import { buildCollections } from '../../collections/build.js';
import { publishBuild } from '../../collections/publish.js';
import { buildFixture, fixtureDefinition, fixtureRecords } from '../fixtures.js';
import { BUCKET, startS3, type S3Store } from './origins.js';

/** Version B: the same 30 sites renumbered (T…) and two more: a page of A never holds a B id. */
async function buildVariant(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ogc-variant-'));
  const records = fixtureRecords().map((r, i) => ({ ...r, code: `T${String(i).padStart(3, '0')}` }));
  records.push({ ...records[0], code: 'T900' }, { ...records[1], code: 'T901' });
  await buildCollections(dir, [{ definition: fixtureDefinition, records: records.map(({ lon, lat, ...properties }) => ({ properties, lon, lat })) }]);
  return dir;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(condition(), what);
}

let s3: S3Store;
let dirA: string;
let dirB: string;
before(async () => {
  s3 = await startS3();
  dirA = await buildFixture();
  dirB = await buildVariant();
});
after(() => s3.close());

for (const kind of ['local', 's3'] as const) {
  describe(`rollout through current.json (${kind})`, () => {
    const location = kind === 'local' ? mkdtempSync(join(tmpdir(), 'ogc-rollout-')) : `s3://${BUCKET}/rollout`;
    let reloading: ReloadingCatalog;
    let app: ReturnType<typeof createApp>;
    const errors: string[] = [];
    const firstPages: { body: any; etag: string }[] = [];

    before(async () => {
      await publishDirectory(dirA, location, 'A1');
      reloading = await ReloadingCatalog.open(location, [fixtureDefinition], {
        pollMs: 60_000, graceMs: 400, verify: 'sha256', onError: (error) => errors.push(String((error as Error).message)),
      });
      app = createApp({ info: { title: 'T', description: 'D' }, catalog: () => reloading.catalog(), versions: reloading });
    });
    after(() => reloading.close());

    it('serves the published version and pins paging links and ETags to it', async () => {
      assert.equal(reloading.currentVersion(), 'A1');
      const res = await request(app).get('/collections/sites/items?limit=7').expect(200);
      assert.equal(res.body.numberMatched, 30);
      const next = res.body.links.find((l: any) => l.rel === 'next');
      assert.match(next.href, /[?&]v=A1(&|$)/);
      assert.ok(res.headers.etag);
      firstPages.push({ body: res.body, etag: res.headers.etag });
    });

    it('reads ranges only while serving (no whole-object GET)', async () => {
      if (kind !== 's3') return;
      s3.proxy.reset();
      await request(app).get('/collections/sites/items?limit=5&offset=20').expect(200);
      await request(app).get('/collections/sites/items/S007').expect(200);
      assert.deepEqual(s3.proxy.traffic.whole, []);
    });

    it('picks up a new manifest on checkNow (the pub/sub hook), and pinned paging stays on the old version', async () => {
      await publishDirectory(dirB, location, 'B1');
      assert.equal(await reloading.checkNow(), true);
      assert.equal(reloading.currentVersion(), 'B1');
      // A QGIS-style walk started on A1 before the switch: every page from A1, no duplicate, none missing.
      const ids: string[] = firstPages[0].body.features.map((f: any) => f.id);
      let next = firstPages[0].body.links.find((l: any) => l.rel === 'next');
      while (next) {
        const url = new URL(next.href);
        const res = await request(app).get(url.pathname + url.search).expect(200);
        assert.equal(res.body.numberMatched, 30);
        ids.push(...res.body.features.map((f: any) => f.id));
        next = res.body.links.find((l: any) => l.rel === 'next');
      }
      assert.equal(ids.length, 30);
      assert.equal(new Set(ids).size, 30);
      assert.ok(ids.every((id) => id.startsWith('S')), 'only ids of version A1');
      // A new sequence starts on B1, with another ETag for the same query.
      const fresh = await request(app).get('/collections/sites/items?limit=7').expect(200);
      assert.equal(fresh.body.numberMatched, 32);
      assert.match(fresh.body.links.find((l: any) => l.rel === 'next').href, /v=B1/);
      assert.notEqual(fresh.headers.etag, firstPages[0].etag);
      await request(app).get('/collections/sites/items?limit=7').set('If-None-Match', firstPages[0].etag).expect(200);
    });

    it('answers 410 naming the new version once the grace period is over', async () => {
      await until(() => reloading.retiredVersions().length === 0, 'the old version retired after its grace');
      const res = await request(app).get('/collections/sites/items?limit=7&offset=7&v=A1').expect(410);
      assert.equal(res.body.code, 'VersionGone');
      assert.match(res.body.description, /A1/);
      assert.match(res.body.description, /B1/);
    });

    it('refuses a bad v with a 400 naming it', async () => {
      const res = await request(app).get('/collections/sites/items?v=..%2Fx').expect(400);
      assert.match(res.body.description, /« v »/);
      await request(app).get('/collections/sites/items?v=B1&v=B1').expect(400);
      await request(app).get('/collections/sites?v=B1').expect(200);
      // The rest of the query is kept byte for byte when v is taken out.
      const filtered = await request(app).get("/collections/sites/items?filter=nom%20%3D%20'Lyon'&v=B1&limit=2").expect(200);
      assert.equal(filtered.body.numberMatched, 3);
      assert.match(filtered.body.links.find((l: any) => l.rel === 'next').href, /filter=.*v=B1/);
    });

    it('refuses a manifest whose file is corrupt (checksum) and keeps serving its version', async () => {
      const manifest = await publishDirectory(dirA, location, 'C1-corrupt');
      const key = `${manifest.base}sites.fgb`;
      const bytes = readFileSync(join(dirA, 'sites.fgb'));
      bytes[bytes.length - 5] ^= 0xff; // same size, other content
      if (kind === 'local') writeFileSync(join(location, key), bytes);
      else await s3Client().send(new PutObjectCommand({ Bucket: BUCKET, Key: `rollout/${key}`, Body: bytes }));
      assert.equal(await reloading.checkNow(), false);
      assert.equal(reloading.currentVersion(), 'B1');
      assert.ok(errors.some((e) => /checksum mismatch/.test(e)), errors.join('\n'));
      await request(app).get('/collections/sites/items?limit=1').expect(200);
    });

    it('refuses a manifest naming a missing file', async () => {
      const store = openStore(location);
      const manifest = (await readManifest(location))!;
      const broken = { ...manifest, version: 'D1-missing', base: 'versions/D1-missing/' };
      await store.putText(MANIFEST_FILE, JSON.stringify(broken));
      assert.equal(await reloading.checkNow(), false);
      assert.equal(reloading.currentVersion(), 'B1');
      assert.ok(errors.some((e) => /D1-missing.*missing/.test(e)), errors.join('\n'));
    });

    it('rolls back to a published version (rollout)', async () => {
      await activateVersion(location, 'A1');
      assert.equal(await reloading.checkNow(), true);
      assert.equal(reloading.currentVersion(), 'A1');
      const res = await request(app).get('/collections/sites/items?limit=1').expect(200);
      assert.equal(res.body.numberMatched, 30);
    });
  });
}

describe('build straight to object storage', () => {
  it('publishBuild builds locally, uploads the files, then the manifest', async () => {
    const target = `s3://${BUCKET}/built`;
    const manifest = await publishBuild(target, async (dir) => { await buildFixture(dir); }, undefined, 'E1');
    assert.deepEqual(manifest.files.map((f) => f.name), ['sites.fgb', 'sites.fgb.cols', 'sites.fgb.ids']);
    assert.equal((await readManifest(target))?.version, 'E1');
  });
});
