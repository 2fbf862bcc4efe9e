// Atomic swap and hot reload: builds go to a new version, the pointer switches only when the
// whole build succeeded, and a server hammered while versions swap never mixes two of them.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../server/app.js';
import { ReloadingCatalog, resolveDataDir } from '../../server/catalog.js';
import { buildCollections } from '../../collections/build.js';
import { buildDefaultDataset, defaultInputs } from '../../collections/dataset.js';
import { chroniques, collections } from '../../collections/definitions/index.js';
import { buildVersion, publishVersion } from '../../collections/ingest/versions.js';
import { servedFeatures, tempDir } from './helpers.js';

/** Waits (up to 10 s: a loaded CI host is slow) for what the server does after an answer has ended. */
async function settles(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('versions, atomic swap and hot reload', () => {
  const root = tempDir('prelevements-swap-');
  let versionA: string, versionB: string;
  const ids: Record<string, string[]> = {};
  let reloading: ReloadingCatalog;
  let server: Server;
  let base: string;
  const swaps: string[] = [];

  before(async () => {
    versionA = (await buildVersion(root, defaultInputs(0.001, 1))).dir;
    ids[versionA] = (await servedFeatures(root, chroniques)).map((f) => f.id);
    versionB = (await buildVersion(root, defaultInputs(0.002, 2))).dir;
    ids[versionB] = (await servedFeatures(root, chroniques)).map((f) => f.id);
    publishVersion(root, versionA);
    reloading = await ReloadingCatalog.open(root, collections, { pollMs: 25, graceMs: 100, onSwap: (_from, to) => swaps.push(to) });
    const app = createApp({ info: { title: 'Test', description: 'Test' }, catalog: () => reloading.catalog() });
    server = createServer((req, res) => { reloading.track(res); app(req, res); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await reloading.close();
  });

  it('builds each version in its own directory and points at the last one', () => {
    assert.notEqual(versionA, versionB);
    assert.ok(ids[versionA].length !== ids[versionB].length);
    assert.equal(readdirSync(join(root, 'versions')).length, 2);
    assert.equal(readFileSync(join(root, 'current'), 'utf8').trim(), join('versions', versionA.split('/').pop()!));
  });

  it('concurrent requests during swaps each see one version, whole', async () => {
    const deadline = Date.now() + 3000;
    const seen = new Set<string>();
    let responses = 0;
    const flipper = (async () => {
      for (let i = 0; Date.now() < deadline - 200; i++) {
        publishVersion(root, i % 2 === 0 ? versionB : versionA);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const client = async (k: number) => {
      while (Date.now() < deadline) {
        const offset = (k * 37 + responses * 11) % 900;
        const res = await fetch(`${base}/collections/chroniques/items?limit=20&offset=${offset}`);
        assert.equal(res.status, 200);
        const body = await res.json() as { numberMatched: number; features: { id: string }[] };
        const version = [versionA, versionB].find((v) => ids[v].length === body.numberMatched);
        assert.ok(version, `numberMatched ${body.numberMatched} is neither version's`);
        assert.deepEqual(body.features.map((f) => f.id), ids[version].slice(offset, offset + 20), 'features of another version');
        seen.add(version);
        responses++;
      }
    };
    await Promise.all([flipper, ...Array.from({ length: 6 }, (_, k) => client(k))]);
    assert.ok(swaps.length >= 3, `${swaps.length} swaps`);
    assert.equal(seen.size, 2, 'both versions were served');
    assert.ok(responses > 50, `${responses} responses`);
  });

  it('closes swapped-out catalogs once their requests are done', async () => {
    await settles(() => reloading.retiredCount === 0);
    assert.equal(reloading.retiredCount, 0);
  });

  it('a request begun before a swap finishes on its version, whose catalog closes after it', async () => {
    const big = tempDir('prelevements-big-');
    const large = (await buildVersion(big, defaultInputs(0.01, 3))).dir; // chroniques ≈ 6 MB: read in several chunks
    const expected = (await servedFeatures(big, chroniques)).slice(0, 10_000).map((f) => f.id);
    const small = (await buildVersion(big, defaultInputs(0.001, 4))).dir;
    publishVersion(big, large);
    const r = await ReloadingCatalog.open(big, collections, { pollMs: 10_000, graceMs: 50 });
    const app = createApp({ info: { title: 'Test', description: 'Test' }, catalog: () => r.catalog() });
    const slow = createServer((req, res) => { r.track(res); app(req, res); });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const response = await new Promise<IncomingMessage>((resolve) => get(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/collections/chroniques/items?limit=10000`, resolve));
      response.pause(); // the server fills the socket and waits for it to drain
      await new Promise((resolve) => setTimeout(resolve, 100));
      publishVersion(big, small);
      assert.equal(await r.check(), true);
      await new Promise((resolve) => setTimeout(resolve, 300)); // well past the grace period
      assert.equal(r.retiredCount, 1, 'the old catalog is still open for the running request');
      const chunks: Buffer[] = [];
      const ended = new Promise((resolve, reject) => { response.on('end', resolve); response.on('error', reject); response.on('close', resolve); });
      response.on('data', (c: Buffer) => chunks.push(c));
      response.resume();
      await ended;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { features: { id: string }[] };
      assert.deepEqual(body.features.map((f) => f.id), expected);
      await settles(() => r.retiredCount === 0);
      assert.equal(r.retiredCount, 0);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
      await r.close();
    }
  });

  it('a failed build leaves the pointer and the served data as they were', async () => {
    const pointer = readFileSync(join(root, 'current'), 'utf8');
    const before = readdirSync(join(root, 'versions')).sort();
    function* failing() {
      yield { properties: { code_forfait: 'X' }, lon: null, lat: null };
      throw new Error('source en panne');
    }
    const [input] = defaultInputs(0.001);
    await assert.rejects(buildVersion(root, [input, { definition: collections.at(-1)!, records: failing() }]), /source en panne/);
    assert.equal(readFileSync(join(root, 'current'), 'utf8'), pointer);
    assert.deepEqual(readdirSync(join(root, 'versions')).sort(), before);
    assert.equal(await reloading.check(), false);
  });

  it('keeps serving the old version when the pointer names a broken one', async () => {
    const errors: string[] = [];
    const dir = tempDir('prelevements-broken-');
    const broken = join(dir, 'versions', 'empty');
    const r = await ReloadingCatalog.open(root, collections, { pollMs: 10_000, onError: (_e, target) => errors.push(target) });
    try {
      const served = r.dataDir;
      publishVersion(root, broken);
      assert.equal(await r.check(), false);
      assert.equal(r.dataDir, served);
      assert.deepEqual(errors, [broken]);
    } finally {
      publishVersion(root, versionA);
      await r.close();
    }
  });

  it('build-data on a versioned directory adds a version and switches to it', async () => {
    const dir = tempDir('prelevements-bd-');
    const first = (await buildVersion(dir, defaultInputs(0.001, 1))).dir;
    await buildDefaultDataset(dir, 0.001, undefined, 2);
    const now = resolveDataDir(dir);
    assert.notEqual(now, first);
    assert.ok(now.startsWith(join(dir, 'versions')));
    assert.equal(readdirSync(join(dir, 'versions')).length, 2);
  });

  it('still serves a directory of files without pointer', async () => {
    const flat = tempDir('prelevements-flat-');
    await buildCollections(flat, defaultInputs(0.001, 1));
    assert.equal(resolveDataDir(flat), flat);
    const r = await ReloadingCatalog.open(flat, collections);
    try {
      assert.equal((await r.catalog().get('chroniques')!.provider.stats()).featuresCount, ids[versionA].length);
      assert.ok(!existsSync(join(flat, 'current')));
    } finally {
      await r.close();
    }
  });
});
