// The OpenAPI-driven fuzzer (test/reliability/fuzz.ts) on the default dataset (scale 0.01) behind the
// published demo access configuration: 0 answers 5xx, 0 hangs, every 4xx an OGC body, every 2xx of
// its declared type and schema. FUZZ_COUNT requests (1,500 in `npm test`, 10,000 in
// `npm run test:reliability`), FUZZ_SEED fixes them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDefaultDataset } from '../../collections/dataset.js';
import { collections } from '../../collections/definitions/index.js';
import { SERVICE_INFO, TILES_OPTIONS } from '../../collections/service.js';
import { createApp, defaultParts, MAX_HEADER_SIZE } from '../../server/app.js';
import { loadAccessConfig } from '../../server/auth/config.js';
import { withAccess } from '../../server/auth/middleware.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { hardenServer } from '../../server/security.js';
import { get, operations, randomRequest, ResponseChecker, rng, type Caller } from './fuzz.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const TIMEOUT_MS = 30_000;
const DEMO = join(process.cwd(), 'examples', 'access');
const skip = existsSync(join(DEMO, 'config.yaml')) ? false : 'run from the repository root (examples/access)';

let dir: string;
let catalog: Catalog;
let server: Server;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ogc-fuzz-'));
  await buildDefaultDataset(dir, 0.01);
  catalog = await openCatalog(dir, collections);
  const config = loadAccessConfig(join(DEMO, 'config.yaml'));
  // Without its rate limits: the fuzzer would spend most requests on 429s.
  const access = withAccess({ ...config, rateLimit: null }, () => catalog);
  const app = createApp({ info: SERVICE_INFO, catalog: access.catalog, before: access.before, parts: defaultParts(TILES_OPTIONS) });
  server = hardenServer(createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(async () => {
  agent.destroy();
  server?.close();
  await catalog?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('OpenAPI-driven fuzzing', { skip }, () => {
  it(`${COUNT} requests (seed ${SEED}): no 5xx, no hang, OGC bodies on 4xx, declared types and schemas on 2xx`, async () => {
    const credentials = JSON.parse(readFileSync(join(DEMO, 'credentials.json'), 'utf8'));
    const callers: Caller[] = [
      { name: 'anonymous', headers: {} },
      { name: 'api key', headers: { 'X-API-Key': credentials.apiKey } },
      { name: 'apikey parameter', headers: {}, query: `apikey=${encodeURIComponent(credentials.apiKey)}` },
      { name: 'basic', headers: { Authorization: `Basic ${Buffer.from(`${credentials.basic.user}:${credentials.basic.password}`).toString('base64')}` } },
      { name: 'jwt', headers: { Authorization: `Bearer ${credentials.jwt}` } },
      { name: 'wrong key', headers: { 'X-API-Key': 'prk_000000000000_wrong' } },
      { name: 'odd authorization', headers: { Authorization: 'Basic %%%' } },
    ];
    // The document a full-access caller sees: every path, restricted collections included.
    const api = await get(port, '/api', { 'X-API-Key': credentials.apiKey }, agent, TIMEOUT_MS);
    assert.equal(api.status, 200);
    const doc = JSON.parse(api.body.toString('utf8'));
    const ops = operations(doc);
    assert.ok(ops.some((o) => o.path.startsWith('/collections/chroniques')), 'restricted collections fuzzed too');
    const ids: Record<string, string[]> = {};
    for (const c of catalog.list()) {
      const page = await get(port, `/collections/${c.definition.id}/items?limit=5&offset=7`, { 'X-API-Key': credentials.apiKey }, agent, TIMEOUT_MS);
      ids[c.definition.id] = (JSON.parse(page.body.toString('utf8')).features ?? []).map((f: { id: string }) => f.id);
    }
    const checker = new ResponseChecker(doc);
    const random = rng(SEED);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < COUNT; i++) {
      const r = randomRequest(random, ops, callers, ids);
      try {
        const answer = await get(port, r.url, r.headers, agent, TIMEOUT_MS);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        for (const p of checker.problems(r.op, answer)) failures.push(`#${i} ${r.caller} GET ${r.url.slice(0, 200)} [${r.headers.Accept ?? ''}]: ${p}`);
      } catch (error) {
        failures.push(`#${i} ${r.caller} GET ${r.url.slice(0, 200)}: ${(error as Error).message}`);
      }
      if (failures.length >= 20) break;
    }
    const spread = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
    assert.deepEqual(failures, [], `statuses ${spread}`);
    assert.ok((statuses.get(200) ?? 0) > COUNT / 10, `enough requests reach the data: ${spread}`);
  });
});
