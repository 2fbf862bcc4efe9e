// The ops modules on their own: request ids, route templates in the metrics, readiness checks,
// the rate-limit store falling back to local counts while Redis is unreachable (never an error),
// keys and data notices through a real redis-server when one is installed.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { pino } from 'pino';
import { rateLimit } from 'express-rate-limit';
import { requestId } from '../../server/ops/request-log.js';
import { FallbackStore } from '../../server/ops/rate-limit.js';
import { RedisLink, checkRedisUrl, redactUrl, runChecks, startOps, storageCheck, publishDataNotice, subscribeDataNotices, RedisKeysSource, withRedisKeys, opsStats } from '../../server/ops/index.js';
import { createKey, revokeKey } from '../../server/auth/index.js';
import { freePort, smallDataset } from '../e2e/server.js';
import { parsePrometheus, total } from './prometheus.js';
import { has, startRedis, startReplica, until, type RedisServer } from './stack.js';

const quiet = pino({ level: 'silent' });
const links: RedisLink[] = [];
after(async () => { await Promise.all(links.map((l) => l.close())); });

describe('request ids', () => {
  it('keeps a sane X-Request-Id, replaces anything else', () => {
    assert.equal(requestId('abc-123_x.y:z'), 'abc-123_x.y:z');
    for (const bad of ['', 'a b', 'x'.repeat(129), 'é', '<script>', 'a\r\nSet-Cookie: x', undefined]) {
      const id = requestId(bad);
      assert.notEqual(id, bad);
      assert.match(id, /^[0-9a-f-]{36}$/);
    }
  });
});

describe('Redis URLs', () => {
  it('accepts redis:// and rediss:// only, and hides passwords in logs', () => {
    assert.equal(checkRedisUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
    assert.throws(() => checkRedisUrl('http://x'), /redis:\/\//);
    assert.throws(() => checkRedisUrl('nope'), /not a URL/);
    assert.equal(redactUrl('redis://:secret@host:6379/0'), 'redis://:***@host:6379/0');
  });
});

describe('metrics and request logs in an app', () => {
  it('counts by route template and status, returns the request id, exposes Prometheus text', async () => {
    const ops = startOps({ logger: quiet });
    const app = express();
    app.use(...ops.observe);
    app.get('/collections/:collectionId/items', (_req, res) => { res.json({}); });
    app.use((_req, res) => { res.status(404).json({}); });
    const before = total(parsePrometheus((await request(app).get('/metrics')).text), 'prelevements_http_requests_total', { route: '/collections/:collectionId/items' });
    const res = await request(app).get('/collections/a/items').set('X-Request-Id', 'bad id');
    assert.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    assert.equal((await request(app).get('/collections/b/items').set('X-Request-Id', 'ok-1')).headers['x-request-id'], 'ok-1');
    await request(app).get('/nowhere/at/all');
    const text = (await request(app).get('/metrics')).text;
    const samples = parsePrometheus(text);
    assert.equal(total(samples, 'prelevements_http_requests_total', { route: '/collections/:collectionId/items', status: '200' }) - before, 2);
    assert.ok(total(samples, 'prelevements_http_requests_total', { route: 'unmatched', status: '404' }) >= 1);
    assert.ok(!text.includes('/collections/a/items'), 'raw paths never become labels');
    await ops.close();
  });

  it('reads storage and cache counters registered by other modules', async () => {
    opsStats.registerStorage('test-store', () => ({ requests: 7, bytes: 7 * 65_536, errors: 1 }));
    const counter = opsStats.cache('test-cache');
    counter.record(true); counter.record(true); counter.record(false);
    const ops = startOps({ logger: quiet });
    const app = express().use(...ops.observe);
    const samples = parsePrometheus((await request(app).get('/metrics')).text);
    assert.equal(total(samples, 'prelevements_storage_requests_total', { storage: 'test-store' }), 7);
    assert.equal(total(samples, 'prelevements_storage_bytes_total', { storage: 'test-store' }), 458_752);
    assert.equal(total(samples, 'prelevements_cache_hit_ratio', { cache: 'test-cache' }), 2 / 3);
    await ops.close();
  });

  it('reads the admission control gauges', async () => {
    opsStats.registerAdmission(() => ({ active: 3, queued: 5, shed: 2 }));
    const ops = startOps({ logger: quiet });
    const app = express().use(...ops.observe);
    const samples = parsePrometheus((await request(app).get('/metrics')).text);
    assert.equal(total(samples, 'prelevements_requests_in_flight', {}), 3);
    assert.equal(total(samples, 'prelevements_requests_queued', {}), 5);
    assert.equal(total(samples, 'prelevements_requests_shed_total', {}), 2);
    await ops.close();
  });
});

describe('readiness checks', () => {
  it('storage: a directory that exists, an unreachable URL, an unknown scheme', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-ready-'));
    assert.equal(await storageCheck(() => dir).check(), true);
    assert.equal(await storageCheck(() => join(dir, 'missing')).check(), false);
    const closed = await freePort();
    assert.equal(await storageCheck(() => `http://127.0.0.1:${closed}/`).check(), false);
    assert.equal(await storageCheck(() => 's3://bucket/x').check(), false);
    assert.equal(await storageCheck(() => 's3://bucket/x', async () => true).check(), true);
    const ops = startOps({ logger: quiet });
    assert.deepEqual(await runChecks([...ops.readiness, storageCheck(() => dir)]), { ready: true, checks: { accepting: true, storage: true } });
    await ops.close();
  });
});

describe('rate limits with Redis unreachable', () => {
  it('count locally: limits hold per process, never an error', async () => {
    const link = new RedisLink(`redis://127.0.0.1:${await freePort()}`, { commandTimeoutMs: 200 });
    links.push(link);
    let fallbacks = 0;
    const app = express();
    app.use(rateLimit({ windowMs: 60_000, limit: 3, store: new FallbackStore(link, 'ip', undefined, { onFallback: () => fallbacks++ }) }));
    app.get('/', (_req, res) => { res.send('ok'); });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await request(app).get('/')).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.equal(fallbacks, 5);
  });
});

const noRedis = has('redis-server') ? false : 'redis-server (Debian redis-server) is not installed';

describe('through a real Redis', { skip: noRedis }, () => {
  let redis: RedisServer;
  after(() => redis?.stop());

  it('keys edited with --redis reach a server within a second; notices reach subscribers', async () => {
    redis = await startRedis();
    const server = new RedisLink(redis.url); links.push(server);
    const admin = new RedisLink(redis.url); links.push(admin);
    const source = new RedisKeysSource(server, 200);
    const path = join(mkdtempSync(join(tmpdir(), 'ops-keys-')), 'keys.json');
    const { record } = await withRedisKeys(admin, path, true, () => createKey(path, { user: 'u' }));
    await until('key seen', async () => source.current()?.keys.some((k) => k.id === record.id) === true, 5000);
    await withRedisKeys(admin, path, true, () => revokeKey(path, record.id));
    await until('revocation seen', async () => Boolean(source.current()?.keys.find((k) => k.id === record.id)?.revoked), 5000);
    source.close();

    const heard: string[] = [];
    const stop = subscribeDataNotices(server, (n) => heard.push(n.version));
    await until('subscribed', async () => { await publishDataNotice(admin, 'v-test'); return heard.includes('v-test'); }, 5000);
    stop();
  });

  it('serve --redis hears a data notice and checks its data', async () => {
    const replica = await startReplica(smallDataset(), ['--redis', redis.url, '--no-access-log'], { LOG_LEVEL: 'info' });
    try {
      const admin = new RedisLink(redis.url); links.push(admin);
      await until('notice heard', async () => {
        await publishDataNotice(admin, 'v-serve');
        await new Promise((r) => setTimeout(r, 200));
        return replica.log().includes('"msg":"data notice"') && replica.log().includes('v-serve');
      }, 15_000);
    } finally {
      assert.equal(await replica.stop(), 0);
    }
  });
});
