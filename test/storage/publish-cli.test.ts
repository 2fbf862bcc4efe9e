// The CLI publishing to S3 (s3rver): build-data --out s3://…, ingest --out s3://… (built in --work),
// then rollout back to the first version.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { collections } from '../../collections/definitions/index.js';
import { readManifest } from '../../server/storage/manifest.js';
import { CLI } from '../e2e/server.js';
import { startStandin, type Standin } from '../ingest/standin.js';
import { BUCKET, startS3, type S3Store } from './origins.js';

// Not execFileSync: s3rver and the stand-in API run in this process and must keep answering.
const cli = (args: string[]) => promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'warn' } });
const target = `s3://${BUCKET}/cli`;

describe('publishing to S3 from the CLI', () => {
  let s3: S3Store;
  let standin: Standin;
  let first: string;
  before(async () => {
    s3 = await startS3();
    standin = await startStandin({ scale: 0.001, seed: 5 });
  });
  after(async () => { await standin.close(); await s3.close(); });

  it('build-data --out s3://… publishes every collection and its manifest', async () => {
    await cli(['build-data', '--scale', '0.001', '--out', target]);
    const manifest = (await readManifest(target))!;
    first = manifest.version;
    const names = manifest.files.map((f) => f.name);
    for (const c of collections) assert.ok(names.includes(c.source), c.source);
    assert.ok(manifest.files.every((f) => f.size > 0 && /^[0-9a-f]{64}$/.test(f.sha256)));
  });

  it('ingest --out s3://… builds in --work and publishes a new version', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ingest-work-'));
    await cli(['ingest', '--from-api', '--base-url', standin.base, '--out', target, '--work', work, '--page-size', '20', '--rate', '0', '--years', '2008-2023']);
    const manifest = (await readManifest(target))!;
    assert.notEqual(manifest.version, first);
    assert.ok(manifest.files.some((f) => f.name === 'chroniques.fgb'));
  });

  it('rollout makes the first version current again', async () => {
    await cli(['rollout', first, '--data', target]);
    assert.equal((await readManifest(target))?.version, first);
    await assert.rejects(cli(['rollout', 'no-such-version', '--data', target]));
  });
});
