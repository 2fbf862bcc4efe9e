// An interrupted harvest resumes from its checkpoint: nothing fetched twice, nothing lost, the
// same final data as a harvest that ran through; a page spooled but not checkpointed (killed
// between the two writes) is cut off on resume.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chroniques, ouvrages, pointsPrelevement } from '../../collections/definitions/index.js';
import { ingestFromApi } from '../../collections/ingest/index.js';
import type { CheckpointState } from '../../collections/ingest/spool.js';
import type { Feature } from '../../server/types.js';
import { servedFeatures, tempDir } from './helpers.js';
import { startStandin, type Standin } from './standin.js';

const OPTIONS = { pageSize: 20, maxDepth: 60, rate: 0, backoffMs: 5, years: [2008, 2023] as [number, number] };
const snapshot = (features: Feature[]) => features.map((f) => JSON.stringify([f.id, f.properties, f.geometry])).sort();

/** Runs a harvest that aborts after `pages` committed pages of `endpoint`; resolves once stopped. */
async function interrupted(standin: Standin, out: string, endpoint: string, pages: number): Promise<void> {
  const controller = new AbortController();
  let seen = 0;
  await assert.rejects(ingestFromApi({
    ...OPTIONS, out, baseUrl: standin.base, signal: controller.signal,
    onPage: (e) => { if (e.endpoint === endpoint && ++seen === pages) controller.abort(new Error('interrompu')); },
  }), /interrompu/);
}

describe('interrupted harvest, then resume', () => {
  let standin: Standin;
  const reference = tempDir();
  const resumed = tempDir();
  let referenceRequests = 0;

  before(async () => {
    standin = await startStandin({ scale: 0.001, seed: 11, maxDepth: 60 });
    await ingestFromApi({ ...OPTIONS, out: reference, baseUrl: standin.base });
    referenceRequests = standin.requests.length;
  });
  after(() => standin.close());

  let firstRequest = 0;
  it('stops with a checkpoint and spools, publishing nothing', async () => {
    firstRequest = standin.requests.length;
    await interrupted(standin, resumed, 'chroniques', 10);
    const checkpoint = JSON.parse(readFileSync(join(resumed, '.ingest', 'checkpoint.json'), 'utf8')) as CheckpointState;
    assert.equal(checkpoint.endpoints.ouvrages?.complete, true);
    const inProgress = Object.values(checkpoint.endpoints).find((e) => !e.complete)!;
    assert.ok(inProgress.records > 0);
    assert.ok(!existsSync(join(resumed, 'current')));
  });

  it('a page spooled after the last checkpoint is cut off on resume', async () => {
    await interrupted(standin, resumed, 'chroniques', 15); // a second interruption, further on
    const checkpoint = JSON.parse(readFileSync(join(resumed, '.ingest', 'checkpoint.json'), 'utf8')) as CheckpointState;
    const [id, state] = Object.entries(checkpoint.endpoints).find(([, e]) => !e.complete)!;
    const spool = join(resumed, '.ingest', `${id}.ndjson`);
    assert.equal(statSync(spool).size, state.bytes);
    // As if killed between writing a page and saving the checkpoint (the line even cut short).
    const ghost = standin.data.chroniques[0];
    appendFileSync(spool, `{"$page":"http://ghost"}\n${JSON.stringify(ghost)}\n{"code_ouvrage":"OPR`);
  });

  it('resumes to the same data as an uninterrupted harvest, without refetching or duplicates', async () => {
    const summary = await ingestFromApi({ ...OPTIONS, out: resumed, baseUrl: standin.base });
    assert.equal(summary.harvest.resumed, true);
    // The three runs together asked for no page the uninterrupted harvest did not.
    const requests = standin.requests.length - firstRequest;
    assert.ok(requests <= referenceRequests + 2, `${requests} requests in three runs, ${referenceRequests} in one`);
    for (const def of [ouvrages, pointsPrelevement, chroniques]) {
      assert.equal(summary.tallies[def.id].rejected, 0, `${def.id}: a record came twice`);
      const got = await servedFeatures(resumed, def);
      assert.equal(new Set(got.map((f) => f.id)).size, got.length);
      assert.deepEqual(snapshot(got), snapshot(await servedFeatures(reference, def)), def.id);
    }
    assert.ok(!existsSync(join(resumed, '.ingest')));
  });

  it('refuses a checkpoint made with other parameters', async () => {
    const out = tempDir();
    await interrupted(standin, out, 'ouvrages', 3);
    await assert.rejects(ingestFromApi({ ...OPTIONS, pageSize: 30, out, baseUrl: standin.base }), /paramètres différents/);
    const fresh = await ingestFromApi({ ...OPTIONS, pageSize: 30, out, baseUrl: standin.base, fresh: true });
    assert.equal(fresh.harvest.resumed, false);
  });
});
