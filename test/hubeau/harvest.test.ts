// The project's own Hub'Eau client (`prelevements ingest --from-api`, written to Hub'Eau's contract:
// 206/200, `next` links, the page × size wall it splits queries under) harvests this server's
// Hub'Eau-compatible paths and rebuilds the same records.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chroniques, ouvrages, pointsPrelevement } from '../../collections/definitions/index.js';
import { ingestFromApi } from '../../collections/ingest/index.js';
import type { Catalog } from '../../server/catalog.js';
import { servedFeatures, tempDir } from '../ingest/helpers.js';
import { domainApp, H, openDomain } from './helpers.js';

let catalog: Catalog;
let server: Server;
let base: string;
const requests: string[] = [];
const statuses: number[] = [];

before(async () => {
  catalog = await openDomain();
  const app = domainApp(catalog, { maxDepth: 2000 });
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.on('finish', () => statuses.push(res.statusCode));
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${H}`;
});
after(async () => {
  await new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  await catalog?.close();
});

describe("ingest --from-api against the Hub'Eau-compatible paths", () => {
  it('harvests every record of the three endpoints, identical, without ever hitting the wall', async () => {
    const out = tempDir('hubeau-harvest-');
    const summary = await ingestFromApi({ out, baseUrl: base, pageSize: 500, maxDepth: 2000, rate: 0, backoffMs: 5, years: [2008, 2023] });
    for (const definition of [ouvrages, pointsPrelevement, chroniques]) {
      const original = new Map<string, Record<string, unknown>>();
      for await (const f of catalog.get(definition.id)!.provider.scan()) original.set(f.id, f.properties);
      const harvested = await servedFeatures(out, definition);
      assert.equal(harvested.length, original.size, definition.id);
      assert.equal(summary.tallies[definition.id].rejected, 0, definition.id);
      for (const f of harvested) assert.deepEqual(f.properties, original.get(f.id), `${definition.id} ${f.id}`);
    }
    assert.ok(!statuses.includes(400), 'no page beyond the wall was asked');
    assert.ok(statuses.includes(206) && statuses.includes(200));
    assert.ok(requests.some((u) => /page=2/.test(u)), 'next links followed');
  });
});
