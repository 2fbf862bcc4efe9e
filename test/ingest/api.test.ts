// ingest --from-api against the local stand-in: paging split below the depth limit, `next`
// followed, 503 then 429 (Retry-After) retried, the request rate limited, retries exhausted.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chroniques, ouvrages, pointsPrelevement } from '../../collections/definitions/index.js';
import { IngestError, ingestFromApi } from '../../collections/ingest/index.js';
import { servedFeatures, sortedIds, tempDir } from './helpers.js';
import { startStandin, type Standin } from './standin.js';

const OPTIONS = { pageSize: 20, maxDepth: 60, rate: 0, backoffMs: 5, years: [2008, 2023] as [number, number] };
const keyOf = (r: Record<string, unknown>, id: string[]) => id.map((p) => r[p]).join('_');

describe('ingest --from-api (stand-in)', () => {
  let standin: Standin;
  const root = tempDir();
  before(async () => {
    standin = await startStandin({
      scale: 0.001, seed: 7, maxDepth: 60,
      fail: (n) => (n === 4 ? { status: 503 } : n === 5 ? { status: 429, retryAfter: '1' } : undefined),
    });
  });
  after(() => standin.close());

  it('harvests every record, splitting by département then year, never paging too deep', async () => {
    const summary = await ingestFromApi({ ...OPTIONS, out: root, baseUrl: standin.base });
    for (const [def, path] of [[ouvrages, 'referentiel/ouvrages'], [pointsPrelevement, 'referentiel/points_prelevement'], [chroniques, 'chroniques']] as const) {
      const expected = standin.data[path].map((r) => keyOf(r, def.idProperties)).sort();
      assert.deepEqual(sortedIds(await servedFeatures(root, def)), expected, def.id);
      assert.equal(summary.tallies[def.id].kept, expected.length);
    }
    assert.equal(standin.statuses.filter((s) => s === 400).length, 0, 'a request paged beyond page × size');
    for (const url of standin.requests) {
      const q = new URL(url, 'http://x').searchParams;
      assert.ok(Number(q.get('page')) * Number(q.get('size')) <= 60, url);
    }
    assert.ok(standin.requests.some((u) => /chroniques\?.*code_departement=\d+.*annee=\d{4}|chroniques\?annee=\d{4}&code_departement/.test(u)), 'split by year');
    assert.ok(standin.requests.some((u) => /page=3/.test(u)), 'followed next links');
    assert.deepEqual(summary.harvest.warnings, []);
    assert.ok(!existsSync(join(root, '.ingest')), 'spools removed once served');
  });

  it('retried the 503 and the 429, waiting as long as Retry-After said', () => {
    assert.equal(standin.statuses[3], 503);
    assert.equal(standin.statuses[4], 429);
    assert.equal(standin.requests[4], standin.requests[5], 'the same page asked again');
    assert.ok(standin.statuses[5] < 300);
    assert.ok(standin.times[5] - standin.times[4] >= 990, `waited ${standin.times[5] - standin.times[4]} ms`);
  });

  it('limits the request rate', async () => {
    const s = await startStandin({ scale: 0.001, seed: 7 });
    try {
      await ingestFromApi({ ...OPTIONS, pageSize: 50, maxDepth: 20_000, out: tempDir(), baseUrl: s.base, rate: 25, endpoints: ['ouvrages', 'points_prelevement'] });
      // Starts are spaced by 40 ms; arrivals may bunch by the first connection's set-up time.
      const n = s.times.length;
      assert.ok(n >= 5);
      const span = s.times[n - 1] - s.times[0];
      assert.ok(span >= (n - 1) * 40 - 30, `${n} requests in ${span} ms`);
    } finally {
      await s.close();
    }
  });

  it('gives up after the retries, names the URL and publishes nothing', async () => {
    const s = await startStandin({ scale: 0.001, fail: () => ({ status: 500 }) });
    const out = tempDir();
    try {
      await assert.rejects(ingestFromApi({ ...OPTIONS, out, baseUrl: s.base, retries: 2 }),
        (e: Error) => e instanceof IngestError && e.message.includes(s.base) && /3 tentatives/.test(e.message));
      assert.equal(s.requests.length, 3);
      assert.ok(!existsSync(join(out, 'current')));
      assert.ok(!existsSync(join(out, 'versions')) || readdirSync(join(out, 'versions')).length === 0);
    } finally {
      await s.close();
    }
  });
});
