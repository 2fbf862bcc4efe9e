// The real CLI: `ingest --from-api` killed (SIGKILL) mid-harvest then run again, `ingest
// --from-files` exit codes and summary, and `serve` picking up a new version without restart.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chroniques } from '../../collections/definitions/index.js';
import { freePort } from '../e2e/server.js';
import { servedFeatures, sortedIds, tempDir } from './helpers.js';
import { jsonPage } from './hubeau-files.js';
import { standinData, startStandin, type Standin } from './standin.js';

// Compiled (dist/test) the CLI is dist/cli.js; under tsx it is cli.ts, run through tsx.
const compiled = import.meta.url.endsWith('.js');
const CLI = fileURLToPath(new URL(compiled ? '../../cli.js' : '../../cli.ts', import.meta.url));
const NODE_ARGS = compiled ? [CLI] : ['--import', 'tsx', CLI];

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function cli(args: string[], onStart?: (child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout!.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => { stderr += d; });
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(child);
  });
}

const API_ARGS = ['--page-size', '20', '--rate', '0', '--years', '2008-2023'];

describe('prelevements ingest / serve (CLI)', () => {
  let standin: Standin;
  const root = tempDir('prelevements-cli-');
  before(async () => { standin = await startStandin({ scale: 0.001, seed: 5, delayMs: 15 }); });
  after(() => standin.close());

  it('a harvest killed with SIGKILL resumes on the next run, without duplicates', async () => {
    const killed = await cli(['ingest', '--from-api', '--base-url', standin.base, '--out', root, ...API_ARGS], (child) => {
      const timer = setInterval(() => { if (standin.requests.length >= 12) { clearInterval(timer); child.kill('SIGKILL'); } }, 5);
    });
    assert.equal(killed.signal, 'SIGKILL');
    const before = standin.requests.length;
    const run = await cli(['ingest', '--from-api', '--base-url', standin.base, '--out', root, ...API_ARGS]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\| chroniques \| \d+ \| \d+ \| 0 \|/);
    const served = await servedFeatures(root, chroniques);
    assert.deepEqual(sortedIds(served), standin.data.chroniques.map((r) => `${r.code_ouvrage}_${r.annee}_${r.code_usage}`).sort());
    assert.ok(standin.requests.length - before < standin.requests.length - 1, 'the second run did not start over');
    assert.ok(!standin.requests.slice(before).includes(standin.requests[1]), 'pages fetched before the kill are not fetched again');
  });

  it('stops with a non-zero exit code naming a file it cannot read', async () => {
    const bad = join(tempDir(), 'chroniques.json');
    writeFileSync(bad, '{"count": 3, "data": [{"code_ouvrage": "OPR0000000001", "annee": 2020, "code_usage": "AEP", "volume": 1');
    const run = await cli(['ingest', '--from-files', bad, '--out', tempDir()]);
    assert.notEqual(run.code, 0);
    assert.ok(run.stderr.includes(bad), run.stderr);
  });

  it('serve picks up a version published while it runs, without restart', async () => {
    const port = await freePort();
    const server = spawn(process.execPath, [...NODE_ARGS, 'serve', '--data', root, '--port', String(port), '--host', '127.0.0.1', '--workers', '1'], {
      env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}/collections/chroniques/items?limit=1`;
    const matched = async () => {
      try { return ((await (await fetch(url)).json()) as { numberMatched: number }).numberMatched; } catch { return undefined; }
    };
    try {
      let first: number | undefined;
      for (let i = 0; i < 300 && first === undefined; i++) { first = await matched(); if (first === undefined) await new Promise((r) => setTimeout(r, 100)); }
      assert.equal(first, standin.data.chroniques.length);
      const data = standinData(0.002, 6);
      const files = tempDir('prelevements-cli-files-');
      writeFileSync(join(files, 'o.json'), jsonPage(data['referentiel/ouvrages']));
      writeFileSync(join(files, 'p.json'), jsonPage(data['referentiel/points_prelevement']));
      writeFileSync(join(files, 'c.json'), jsonPage(data.chroniques));
      const run = await cli(['ingest', '--from-files', files, '--out', root]);
      assert.equal(run.code, 0, run.stderr);
      let now: number | undefined;
      for (let i = 0; i < 100 && now !== data.chroniques.length; i++) { await new Promise((r) => setTimeout(r, 100)); now = await matched(); }
      assert.equal(now, data.chroniques.length);
      assert.equal(server.exitCode, null, 'the same server process');
    } finally {
      await new Promise((resolve) => { server.once('exit', resolve); server.kill('SIGTERM'); });
    }
  });
});
