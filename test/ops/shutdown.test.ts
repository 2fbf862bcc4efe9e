// SIGTERM under load (eight whole-collection streams, each larger than the socket buffers): the server stops accepting, every request in flight completes whole, and
// the process exits 0 — one process, and node:cluster workers behind their primary.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { smallDataset } from '../e2e/server.js';
import { startReplica, until, type Replica } from './stack.js';

const started: Replica[] = [];
after(async () => { await Promise.all(started.map((r) => r.stop('SIGKILL'))); });

/** Starts `count` whole-collection streams and waits until each has sent its headers. */
async function inFlight(base: string, count: number) {
  const paths = Array.from({ length: count }, () => '/collections/volumes_communes/items?f=geojsonseq');
  const responses = await Promise.all(paths.map((p) => fetch(`${base}${p}`)));
  return responses.map((res, i) => ({ path: paths[i], res }));
}

async function matched(base: string, collection: string): Promise<number> {
  return ((await (await fetch(`${base}/collections/${collection}/items?limit=1`)).json()) as { numberMatched: number }).numberMatched;
}

for (const workers of [1, 2]) {
  describe(`SIGTERM with ${workers} worker${workers > 1 ? 's' : ''}`, { timeout: 120_000 }, () => {
    it('finishes the requests in flight, refuses new connections, exits 0', async () => {
      const replica = await startReplica(smallDataset(), ['--workers', String(workers), '--shutdown-timeout', '20', '--no-access-log'], { LOG_LEVEL: 'info' });
      started.push(replica);
      // The first worker answering is not all of them: a worker still starting gets no connection.
      await until(`${workers} workers serving`, async () => replica.log().split('\n').filter((l) => l.includes('"msg":"serving"')).length === workers);
      const expected = await matched(replica.base, 'volumes_communes');
      const streams = await inFlight(replica.base, 8);
      const exit = replica.stop('SIGTERM'); // every response has begun, none has ended
      const bodies = await Promise.all(streams.map(async ({ path, res }) => ({ path, status: res.status, text: await res.text() })));
      for (const { path, status, text } of bodies) {
        assert.equal(status, 200, path);
        assert.equal(text.split('\n').filter(Boolean).length, expected, path); // every feature, whole
      }
      assert.equal(await exit, 0);
      // The workers said how many requests were still running when the signal came: all eight.
      const stopping = replica.log().split('\n').filter((l) => l.includes('finishing the requests in flight')).map((l) => (JSON.parse(l) as { inFlight: number }).inFlight);
      assert.equal(stopping.length, workers);
      assert.equal(stopping.reduce((a, b) => a + b, 0), 8);
      await assert.rejects(fetch(`${replica.base}/conformance`)); // nothing listens any more
    });
  });
}
