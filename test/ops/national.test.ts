// The national service end to end, on loopback: the default dataset published to object storage
// (s3rver, S3-compatible, honours Range), three replicas (the real CLI) serving s3://…, Redis, and
// nginx in front. GDAL and QGIS read every collection through nginx with exact counts; while
// autocannon loads pages, bbox, CQL2 and tiles, a new version is published: no request fails, every
// answer comes from one version, and a paging sequence started before the switch ends on its own.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { CLI, smallDataset } from '../e2e/server.js';
import { BUCKET, startS3, type S3Store } from '../storage/origins.js';
import { has, nginxBinary, startNginx, startRedis, startReplica, type Nginx, type RedisServer, type Replica } from './stack.js';

const COLLECTIONS = ['points_prelevement', 'ouvrages', 'chroniques', 'volumes_communes', 'volumes_epci', 'volumes_departements', 'volumes_regions', 'forfaits_annexe2'];
const PYTHON = '/usr/bin/python3';
const hasQgis = spawnSync(PYTHON, ['-c', 'import qgis.core'], { encoding: 'utf8' }).status === 0;
const skip = !nginxBinary() ? 'nginx (Debian nginx) is not installed'
  : !has('redis-server') ? 'redis-server (Debian redis-server) is not installed' : false;
const run = promisify(execFile);
const DATA = `s3://${BUCKET}/national`;

let s3: S3Store;
let redis: RedisServer;
let replicas: Replica[] = [];
let nginx: Nginx;
let second: string;

async function json(url: string): Promise<any> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return res.json();
}
const publish = (dir: string, id: string) => run(process.execPath, [CLI, 'publish', dir, '--out', DATA, '--id', id], { env: { ...process.env, LOG_LEVEL: 'warn' } });

describe('national service: object storage, three replicas, Redis, nginx', { skip, timeout: 900_000 }, () => {
  before(async () => {
    const first = smallDataset();
    // The next version differs (another scale): an answer mixing the two would show it.
    second = mkdtempSync(join(tmpdir(), 'prelevements-v2-'));
    await run(process.execPath, [CLI, 'build-data', '--scale', '0.006', '--out', second], { env: { ...process.env, LOG_LEVEL: 'warn' } });
    s3 = await startS3(); // in this process: publish and the replicas reach it through AWS_ENDPOINT_URL
    await publish(first, 'v1');
    redis = await startRedis();
    replicas = await Promise.all([0, 1, 2].map(() => startReplica(DATA, ['--redis', redis.url, '--poll', '1', '--verify', 'size', '--page-cache', '0'], s3.env)));
    nginx = await startNginx(replicas.map((r) => r.base), s3.url, { cache: false });
  });

  after(async () => {
    await nginx?.stop();
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.stop();
    await s3?.close();
  });

  it('GDAL reads every collection through nginx with exact counts', { skip: has('ogrinfo') ? false : 'ogrinfo (gdal-bin) missing' }, async () => {
    for (const c of COLLECTIONS) {
      const total = (await json(`${replicas[0].base}/collections/${c}/items?limit=1`)).numberMatched;
      // Never spawnSync here: the S3 server runs in this process and must keep answering.
      const r = await run('ogrinfo', ['-ro', '-so', '-al', `OAPIF:${nginx.base}`, c], { encoding: 'utf8', timeout: 300_000 });
      assert.match(r.stdout, new RegExp(`Feature Count: ${total}\\b`), `${c}: ${r.stdout.slice(0, 400)}`);
    }
  });

  it('QGIS reads every collection through nginx with exact counts', { skip: hasQgis ? false : 'python3-qgis (Debian) is not installed' }, async () => {
    const script = `
import json, os, sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False); app.initQgis()
out = {}
for c in sys.argv[2].split(','):
    layer = QgsVectorLayer(f"url='{sys.argv[1]}' typename='{c}'", c, 'OAPIF')
    out[c] = sum(1 for _ in layer.getFeatures()) if layer.isValid() else -1
print(json.dumps(out)); sys.stdout.flush(); os._exit(0)
`;
    const home = mkdtempSync(join(tmpdir(), 'qgis-national-'));
    const r = await run(PYTHON, ['-c', script, nginx.base, COLLECTIONS.join(',')], {
      encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', XDG_RUNTIME_DIR: home, HOME: home },
    });
    const counts = JSON.parse(r.stdout.trim().split('\n').pop()!);
    for (const c of COLLECTIONS) assert.equal(counts[c], (await json(`${replicas[0].base}/collections/${c}/items?limit=1`)).numberMatched, c);
  });

  it('a new version published under load: no failure, one version per answer, a paging sequence ends on its own', async () => {
    const v1Count = (await json(`${nginx.base}/collections/chroniques/items?limit=1`)).numberMatched;
    // A QGIS-style walk (next links) started before the switch.
    let page = await json(`${nginx.base}/collections/chroniques/items?limit=200`);
    assert.match(page.links.find((l: any) => l.rel === 'next').href, /[?&]v=v1(&|$)/);
    const ids: string[] = page.features.map((f: any) => f.id);

    const cql = encodeURIComponent("code_usage = 'AEP' AND annee >= 2015");
    const load = autocannon({
      url: nginx.base, connections: 100, duration: 30, timeout: 20,
      requests: [
        { method: 'GET', path: '/collections/ouvrages/items?limit=100&offset=300' },
        { method: 'GET', path: '/collections/points_prelevement/items?bbox=1,45,4,48&limit=50' },
        { method: 'GET', path: `/collections/chroniques/items?limit=50&filter=${cql}` },
        { method: 'GET', path: '/collections/ouvrages/tiles/WebMercatorQuad/9/175/259' },
        { method: 'GET', path: '/tiles/WebMercatorQuad/5/11/16' },
      ],
    });
    // Answers sampled during the load: each is whole and of one version (count and links agree).
    const samples: { version: string; matched: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const p = await json(`${nginx.base}/collections/chroniques/items?limit=5`);
        samples.push({ version: /[?&]v=([^&]+)/.exec(p.links.find((l: any) => l.rel === 'next').href)![1], matched: p.numberMatched });
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await new Promise((r) => setTimeout(r, 5000));
    await publish(second, 'v2');
    // Keep walking the v1 sequence while the replicas switch.
    for (let next = page.links.find((l: any) => l.rel === 'next'); next; next = page.links.find((l: any) => l.rel === 'next')) {
      page = await json(next.href.replace(/^http:\/\/[^/]+/, nginx.base));
      ids.push(...page.features.map((f: any) => f.id));
    }
    const result = await load;
    sampling = false;
    await sampler;

    assert.equal(result.errors, 0, 'no connection error');
    assert.equal(result.timeouts, 0, 'no timeout');
    assert.equal(result.non2xx, 0, 'every answer 2xx');
    assert.ok(result.requests.total > 100, `${result.requests.total} requests`);
    assert.equal(ids.length, v1Count, 'the sequence started on v1 has every feature of v1');
    assert.equal(new Set(ids).size, ids.length, 'no duplicate');
    const byVersion = new Map<string, Set<number>>();
    for (const s of samples) byVersion.set(s.version, (byVersion.get(s.version) ?? new Set()).add(s.matched));
    assert.deepEqual([...byVersion.get('v1') ?? []], [v1Count], 'every v1 answer counts v1');
    const v2 = [...byVersion.get('v2') ?? []];
    assert.equal(v2.length, 1, `v2 answers seen during the load: ${JSON.stringify(samples.slice(-3))}`);
    assert.notEqual(v2[0], v1Count, 'v2 is another dataset');
    // Every replica serves v2 now.
    for (const r of replicas) assert.equal((await json(`${r.base}/collections/chroniques/items?limit=1`)).numberMatched, v2[0]);
  });
});
