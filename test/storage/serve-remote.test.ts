// The real CLI serving the small default dataset from S3 (s3rver) and from an https-style origin:
// counts and pages equal to the local directory, range reads only, and storage that hangs or
// fails answering 504/503 with an OGC body instead of hanging.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collections } from '../../collections/definitions/index.js';
import { publishDirectory } from '../../server/storage/manifest.js';
import { CLI, smallDataset, startServer, type Running } from '../e2e/server.js';
import { BUCKET, startS3, staticOrigin, type Origin, type S3Store } from './origins.js';

const SERVE = ['--workers', '1', '--page-cache', '0'];

async function json(base: string, path: string): Promise<any> {
  const res = await fetch(`${base}${path}`);
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return res.json();
}

/** What a client sees of a collection: count, the ids of two pages and of a bbox page. */
async function view(base: string, id: string) {
  const first = await json(base, `/collections/${id}/items?limit=20`);
  const later = await json(base, `/collections/${id}/items?limit=20&offset=${Math.max(0, first.numberMatched - 30)}`);
  const bbox = await json(base, `/collections/${id}/items?limit=50&bbox=-1,44,4,47`);
  const ids = (page: any) => page.features.map((f: any) => f.id);
  return { matched: first.numberMatched, first: ids(first), later: ids(later), bboxMatched: bbox.numberMatched, bbox: ids(bbox) };
}

let local: string;
let localServer: Running;
const expected = new Map<string, Awaited<ReturnType<typeof view>>>();

before(async () => {
  local = smallDataset();
  localServer = await startServer(local, SERVE);
  for (const c of collections) expected.set(c.id, await view(localServer.base, c.id));
});
after(() => localServer.stop());

describe('serve --data s3://bucket/prefix', () => {
  let s3: S3Store;
  let server: Running;
  before(async () => {
    s3 = await startS3();
    // Not spawnSync: s3rver runs in this process and must keep answering.
    await promisify(execFile)(process.execPath, [CLI, 'publish', local, '--out', `s3://${BUCKET}/national`, '--id', 'v1'], { env: { ...process.env, LOG_LEVEL: 'warn' } });
    server = await startServer(`s3://${BUCKET}/national`, SERVE);
  });
  after(async () => { await server.stop(); await s3.close(); });

  it('answers every collection exactly as the local directory, reading ranges only', async () => {
    s3.proxy.reset();
    for (const c of collections) assert.deepEqual(await view(server.base, c.id), expected.get(c.id), c.id);
    const { traffic } = s3.proxy;
    assert.deepEqual(traffic.whole, [], 'no whole-object GET while serving');
    assert.ok(traffic.gets > 0);
    // A small part of the 21 MB: 3 queries × every collection read about half of it (mostly the outlines of
    // the volumes of départements and régions), a little more since files are stored in parts (a bbox over
    // every year reads one range of the index per year: +0.8 MB here).
    assert.ok(traffic.bytes < 0.55 * 21e6, `${traffic.bytes} bytes read`);
  });

  it('links pin the version published', async () => {
    const page = await json(server.base, '/collections/ouvrages/items?limit=5');
    assert.match(page.links.find((l: any) => l.rel === 'next').href, /[?&]v=v1(&|$)/);
  });
});

describe('serve --data https://… (an origin answering byte ranges)', () => {
  let origin: Origin;
  let server: Running;
  before(async () => {
    const root = mkdtempSync(join(tmpdir(), 'origin-'));
    await publishDirectory(local, root, 'h1');
    origin = await staticOrigin(root);
    server = await startServer(`${origin.url}/`, [...SERVE, '--storage-timeout', '1500']);
  });
  after(async () => { await server.stop(); await origin.close(); });

  it('answers as the local directory, by ranges only', async () => {
    origin.reset();
    for (const id of ['ouvrages', 'chroniques', 'volumes_regions']) assert.deepEqual(await view(server.base, id), expected.get(id), id);
    assert.deepEqual(origin.traffic.whole, []);
  });

  it('an origin that hangs gives a 504 with an OGC body, then the service recovers', async () => {
    origin.mode = 'hang';
    const res = await fetch(`${server.base}/collections/volumes_epci/items?limit=10&offset=500`);
    assert.equal(res.status, 504);
    const body = await res.json();
    assert.equal(body.code, 'StorageTimeout');
    assert.equal(typeof body.description, 'string');
    origin.mode = 'pass';
    await json(server.base, '/collections/volumes_epci/items?limit=10&offset=500');
  });

  it('an origin that fails gives a 503 with an OGC body', async () => {
    origin.mode = 'fail';
    const res = await fetch(`${server.base}/collections/volumes_communes/items?limit=10&offset=3000`);
    assert.equal(res.status, 503);
    const body = await res.json();
    assert.equal(body.code, 'StorageUnavailable');
    origin.mode = 'pass';
    await json(server.base, '/collections/volumes_communes/items?limit=10&offset=3000');
  });
});
