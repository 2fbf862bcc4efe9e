// A national deployment on loopback: Redis, three replicas (the real CLI, one worker each) and
// nginx filled from deploy/nginx/. GDAL reads every collection through nginx; nginx caches public
// pages and tiles but never a restricted answer; a key's limit holds across replicas; a revoked
// key is refused by every replica within 5 s; Redis stopped and restarted; /metrics counts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import express from 'express';
import { smallDataset } from '../e2e/server.js';
import { parsePrometheus, total } from './prometheus.js';
import { has, keys, nginxBinary, startNginx, startRedis, startReplica, until, type Nginx, type RedisServer, type Replica } from './stack.js';

const COLLECTIONS = ['points_prelevement', 'ouvrages', 'chroniques', 'volumes_communes', 'volumes_epci', 'volumes_departements', 'volumes_regions', 'forfaits_annexe2'];
const PER_KEY = 30;
const skip = !nginxBinary() ? 'nginx (Debian nginx) is not installed'
  : !has('redis-server') ? 'redis-server (Debian redis-server) is not installed' : false;

let redis: RedisServer;
let replicas: Replica[] = [];
let nginx: Nginx;
let origin: Server;
let data: string;
let admin: string;
const keyOf: Record<string, { key: string; id: string }> = {};
const ALICE = { user: 'alice', password: 'alice-password-for-tests' };

function createKey(name: string): void {
  const r = keys(['create', '--user', 'alice', '--label', name, '-f', admin, '--redis', redis.url]);
  assert.equal(r.status, 0, r.err);
  const key = r.out.trim();
  keyOf[name] = { key, id: /^prk_([0-9a-f]{12})_/.exec(key)![1] };
}

async function metrics(replica: Replica) {
  const res = await fetch(`${replica.base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  return parsePrometheus(await res.text());
}

const basic = `Basic ${Buffer.from(`${ALICE.user}:${ALICE.password}`).toString('base64')}`;

describe('replicas behind nginx with Redis', { skip, timeout: 600_000 }, () => {
  before(async () => {
    data = smallDataset();
    redis = await startRedis();
    const dir = mkdtempSync(join(tmpdir(), 'prelevements-scale-'));
    // The replicas' configuration names a keys file that stays empty: keys reach them through Redis only.
    writeFileSync(join(dir, 'access.yaml'), [
      'default: public',
      'views:', '  ouvrages_restreints:', '    from: ouvrages', "    filter: \"code_departement IN ('18', '36', '37')\"",
      'permissions:', '  users:', '    alice: ["*"]',
      'keys: replica-keys.json', 'keysReloadMs: 1000',
      'rateLimit:', '  windowMs: 120000', '  perIp: 1000000', `  perKey: ${PER_KEY}`, '',
    ].join('\n'));
    mkdirSync(join(dir, 'admin'));
    admin = join(dir, 'admin', 'keys.json');
    for (const name of ['limit', 'revoke', 'down', 'back']) createKey(name);
    const p = spawnSync(process.execPath, [join(process.cwd(), 'dist', 'cli.js'), 'keys', 'password', 'alice', '--stdin', '-f', admin, '--redis', redis.url], { input: ALICE.password, encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    replicas = await Promise.all([0, 1, 2].map(() => startReplica(data, ['--config', join(dir, 'access.yaml'), '--redis', redis.url])));
    // An object-storage stand-in honouring Range (express.static), for nginx's slice cache.
    const app = express();
    app.use(express.static(data));
    origin = await new Promise<Server>((resolve) => { const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s)); });
    const address = origin.address();
    nginx = await startNginx(replicas.map((r) => r.base), `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  });

  after(async () => {
    await nginx?.stop();
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.stop();
    origin?.close();
  });

  it('GDAL reads every collection through nginx with exact counts', { skip: has('ogrinfo') ? false : 'ogrinfo (gdal-bin) missing' }, async () => {
    for (const collection of COLLECTIONS) {
      const res = await fetch(`${replicas[0].base}/collections/${collection}/items?limit=1`);
      const matched = ((await res.json()) as { numberMatched: number }).numberMatched;
      const out = spawnSync('ogrinfo', ['-ro', '-al', '-q', `OAPIF:${nginx.base}/collections/${collection}`], { encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 30 });
      assert.equal(out.status, 0, out.stderr);
      assert.equal([...out.stdout.matchAll(/^OGRFeature\(\w+\):\d+$/gm)].length, matched, collection);
    }
  });

  it('balances over the replicas and returns the request id', async () => {
    const upstreams = new Set<string>();
    for (let i = 0; i < 9; i++) {
      const res = await fetch(`${nginx.base}/collections/ouvrages`, { headers: { Authorization: basic, 'X-Request-Id': `test-${i}` } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-request-id'), `test-${i}`);
      upstreams.add(res.headers.get('x-upstream') ?? '');
      await res.arrayBuffer();
    }
    assert.equal(upstreams.size, 3, [...upstreams].join(' '));
  });

  it('caches public pages and tiles (X-Cache-Status)', async () => {
    for (const path of ['/collections/points_prelevement/items?limit=7', '/collections/ouvrages/tiles/WebMercatorQuad/5/11/16', '/collections']) {
      const first = await fetch(`${nginx.base}${path}`);
      await first.arrayBuffer();
      assert.ok([200, 204].includes(first.status), `${path}: ${first.status}`);
      assert.equal(first.headers.get('x-cache-status'), 'MISS', path);
      const second = await fetch(`${nginx.base}${path}`);
      await second.arrayBuffer();
      assert.equal(second.headers.get('x-cache-status'), 'HIT', path);
    }
  });

  it('never serves a restricted answer from the cache, nor stores an authenticated one', async () => {
    const path = '/collections/ouvrages_restreints/items?limit=3';
    for (let i = 0; i < 3; i++) {
      const authed = await fetch(`${nginx.base}${path}`, { headers: { Authorization: basic } });
      assert.equal(authed.status, 200);
      assert.match(authed.headers.get('cache-control') ?? '', /private/);
      assert.equal(authed.headers.get('x-cache-status'), 'BYPASS');
      assert.equal(((await authed.json()) as { features: unknown[] }).features.length, 3);
      const anonymous = await fetch(`${nginx.base}${path}`);
      assert.equal(anonymous.status, 401);
      assert.notEqual(anonymous.headers.get('x-cache-status'), 'HIT');
      await anonymous.arrayBuffer();
    }
    // A public page fetched with credentials is not stored: the anonymous caller misses.
    const listed = await fetch(`${nginx.base}/collections?f=json`, { headers: { Authorization: basic } });
    assert.ok(((await listed.json()) as { collections: { id: string }[] }).collections.some((c) => c.id === 'ouvrages_restreints'));
    const anonymous = await fetch(`${nginx.base}/collections?f=json`);
    assert.equal(anonymous.headers.get('x-cache-status'), 'MISS');
    assert.ok(!((await anonymous.json()) as { collections: { id: string }[] }).collections.some((c) => c.id === 'ouvrages_restreints'));
  });

  it("holds a key's rate limit across replicas", async () => {
    const statuses: number[] = [];
    const upstreams = new Set<string>();
    for (let i = 0; i < PER_KEY + 3; i++) {
      const res = await fetch(`${nginx.base}/conformance`, { headers: { 'X-API-Key': keyOf.limit.key } });
      statuses.push(res.status);
      upstreams.add(res.headers.get('x-upstream') ?? '');
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses.slice(0, PER_KEY), Array(PER_KEY).fill(200));
    assert.deepEqual(statuses.slice(PER_KEY), [429, 429, 429]);
    assert.equal(upstreams.size, 3);
    for (const replica of replicas) {
      const res = await fetch(`${replica.base}/conformance`, { headers: { 'X-API-Key': keyOf.limit.key } });
      assert.equal(res.status, 429, replica.base);
    }
  });

  it('a revoked key is refused by every replica within 5 s', async () => {
    for (const replica of replicas) assert.equal((await fetch(`${replica.base}/conformance`, { headers: { 'X-API-Key': keyOf.revoke.key } })).status, 200);
    const r = keys(['revoke', keyOf.revoke.id, '-f', admin, '--redis', redis.url]);
    assert.equal(r.status, 0, r.err);
    const started = Date.now();
    await Promise.all(replicas.map((replica) => until(`revocation on ${replica.base}`, async () => (await fetch(`${replica.base}/conformance`, { headers: { 'X-API-Key': keyOf.revoke.key } })).status === 401, 5000)));
    assert.ok(Date.now() - started < 5000);
  });

  it('keeps serving while Redis is down, and shares limits again once it is back', async () => {
    await redis.stop();
    await Promise.all(replicas.map((replica) => until('redis_up 0', async () => total(await metrics(replica), 'prelevements_redis_up') === 0, 10_000)));
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${nginx.base}/collections/ouvrages/items?limit=2`, { headers: { 'X-API-Key': keyOf.down.key } });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      const anonymous = await fetch(`${nginx.base}/collections/chroniques/items?limit=${i + 1}`);
      assert.equal(anonymous.status, 200);
      await anonymous.arrayBuffer();
    }
    const fallbacks = (await Promise.all(replicas.map(metrics))).map((m) => total(m, 'prelevements_rate_limit_local_fallback_total'));
    assert.ok(fallbacks.reduce((a, b) => a + b) >= 12, fallbacks.join(','));
    await redis.start();
    await Promise.all(replicas.map((replica) => until('redis_up 1', async () => total(await metrics(replica), 'prelevements_redis_up') === 1, 15_000)));
    const statuses: number[] = [];
    for (let i = 0; i < PER_KEY + 1; i++) {
      const res = await fetch(`${nginx.base}/conformance`, { headers: { 'X-API-Key': keyOf.back.key } });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses.slice(0, PER_KEY), Array(PER_KEY).fill(200));
    assert.equal(statuses[PER_KEY], 429);
  });

  it('/metrics parses as Prometheus text and counts the requests sent', async () => {
    const sum = async () => (await Promise.all(replicas.map(metrics))).reduce((a, m) => a + total(m, 'prelevements_http_requests_total'), 0);
    const before = await sum();
    const sent = 12;
    for (let i = 1; i <= sent; i++) {
      const res = await fetch(`${nginx.base}/collections/forfaits_annexe2/items?limit=${i}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-cache-status'), 'MISS'); // each one reached a replica
      await res.arrayBuffer();
    }
    assert.equal(await sum() - before, sent);
    const m = await metrics(replicas[0]);
    assert.ok(total(m, 'prelevements_http_requests_total', { route: '/collections/:collectionId/items', status: '200' }) > 0);
    assert.ok(total(m, 'prelevements_http_request_duration_seconds_count') > 0);
    assert.ok(m.some((s) => s.name === 'prelevements_data_version_info' && s.value === 1));
    assert.ok(m.some((s) => s.name === 'prelevements_cache_hits_total' && s.labels.cache === 'page'));
  });

  it('caches the storage origin by slices (Range)', async () => {
    const file = readdirSync(data, { recursive: true, withFileTypes: true }).find((e) => e.isFile() && e.name.endsWith('.fgb'))!;
    const path = relative(data, join(file.parentPath, file.name));
    const bytes = readFileSync(join(data, path));
    for (const expected of ['MISS', 'HIT']) {
      const res = await fetch(`${nginx.storageBase}/${path}`, { headers: { Range: 'bytes=100-1099' } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('x-cache-status'), expected);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes.subarray(100, 1100));
    }
  });
});
