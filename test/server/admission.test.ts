// Admission control: at most N requests run at once, the others wait in arrival order; past the
// queue's bound or its longest wait, a quick 503 with Retry-After and an OGC body; probes never wait;
// a client gone while waiting frees its place.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { admission } from '../../server/admission.js';

/** A route that answers when the test says so, recording the order requests started in. */
function gatedApp(options: Parameters<typeof admission>[0]) {
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const app = express();
  const gate = admission(options);
  app.get('/healthz', (_req, res) => { res.send('ok'); });
  app.use(gate.middleware);
  app.get('/work/:name', (req, res) => {
    const name = req.params.name;
    started.push(name);
    gates.set(name, () => res.send(name));
  });
  return { app, started, gates, gate };
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => { const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s)); });
}

function get(server: Server, path: string, signal?: AbortSignal): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false, signal }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const until = async (test: () => boolean) => { while (!test()) await new Promise((r) => setTimeout(r, 5)); };

describe('admission control', () => {
  let server: Server;
  let ctx: ReturnType<typeof gatedApp>;
  before(async () => { ctx = gatedApp({ concurrency: 2, queue: 3, maxWaitMs: 60_000 }); server = await listen(ctx.app); });
  after(() => server.close());

  it('runs two at once, the rest in arrival order; a full queue answers 503 at once; probes never wait', async () => {
    const answers: Promise<{ status: number; body: string }>[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      answers.push(get(server, `/work/${name}`));
      await until(() => ctx.gate.stats().active + ctx.gate.stats().queued === answers.length);
    }
    assert.deepEqual(ctx.started, ['a', 'b']);
    assert.deepEqual(ctx.gate.stats(), { active: 2, queued: 3, shed: 0 });
    // The sixth finds the queue full.
    const refused = await get(server, '/work/f');
    assert.equal(refused.status, 503);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    const body = JSON.parse(refused.body);
    assert.equal(body.code, 'ServiceUnavailable');
    assert.ok(body.description);
    assert.equal((await get(server, '/healthz')).status, 200, 'probes are not queued');
    // Releasing one lets the first waiting in.
    ctx.gates.get('b')!();
    await until(() => ctx.started.length === 3);
    assert.deepEqual(ctx.started, ['a', 'b', 'c']);
    ctx.gates.get('a')!();
    await until(() => ctx.started.length === 4);
    ctx.gates.get('c')!();
    await until(() => ctx.started.length === 5);
    assert.deepEqual(ctx.started, ['a', 'b', 'c', 'd', 'e']);
    ctx.gates.get('d')!();
    ctx.gates.get('e')!();
    assert.deepEqual((await Promise.all(answers)).map((a) => a.body), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(ctx.gate.stats().shed, 1);
  });
});

describe('admission control: waits and departures', () => {
  it('a request waiting longer than maxWait gets a 503; one whose client left frees its place', async () => {
    const ctx = gatedApp({ concurrency: 1, queue: 10, maxWaitMs: 50 });
    const server = await listen(ctx.app);
    try {
      const first = get(server, '/work/a');
      await until(() => ctx.started.length === 1);
      const gone = new AbortController();
      const leaving = get(server, '/work/gone', gone.signal).catch(() => null);
      const late = get(server, '/work/late');
      await until(() => ctx.gate.stats().queued === 2);
      gone.abort();
      await leaving;
      await new Promise((r) => setTimeout(r, 80)); // past maxWait
      ctx.gates.get('a')!();
      assert.equal((await first).status, 200);
      const waited = await late;
      assert.equal(waited.status, 503, 'waited past maxWait');
      assert.deepEqual(ctx.started, ['a'], 'neither the departed nor the late request ran');
      await until(() => ctx.gate.stats().active === 0);
      const next = get(server, '/work/next');
      await until(() => ctx.started.length === 2);
      ctx.gates.get('next')!();
      assert.equal((await next).status, 200, 'the places were freed');
    } finally {
      server.close();
    }
  });
});
