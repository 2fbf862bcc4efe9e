// A full disk during ingest leaves the served data untouched: the data directory lives on a real
// small file system (tmpfs of a few MiB, mounted for the test; skipped when mounting is not
// allowed), filled up before a second ingest, which must fail without touching what is served.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { collections } from '../../collections/definitions/index.js';
import { ingestFromFiles } from '../../collections/ingest/index.js';
import { createApp } from '../../server/app.js';
import { ReloadingCatalog, resolveDataDir } from '../../server/catalog.js';
import { jsonPage } from '../ingest/hubeau-files.js';
import { standinData } from '../ingest/standin.js';

function writeInputs(dir: string, seed: number): void {
  const data = standinData(0.001, seed);
  writeFileSync(join(dir, 'ouvrages.json'), jsonPage(data['referentiel/ouvrages']));
  writeFileSync(join(dir, 'points.json'), jsonPage(data['referentiel/points_prelevement']));
  writeFileSync(join(dir, 'chroniques.json'), jsonPage(data.chroniques));
}

/** Every file under dir with its hash. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

/** Fills the file system of `dir` up to its last `leave` bytes. */
function fill(dir: string, leave: number): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  const size = statSync(join(dir, 'filler')).size;
  writeFileSync(join(dir, 'filler'), Buffer.alloc(Math.max(0, size - leave), 1));
}

describe('full disk during ingest', () => {
  const mount = mkdtempSync(join(tmpdir(), 'faults-enospc-'));
  let mounted = false;
  before(() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount]).status === 0;
  });
  after(() => {
    if (mounted) spawnSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  it('fails with ENOSPC and leaves the pointer, the served files and the answers as they were', async (t) => {
    if (!mounted) { t.skip('needs root to mount a small tmpfs (mount -t tmpfs): skipped'); return; }
    const root = join(mount, 'data');
    const inputs = mkdtempSync(join(tmpdir(), 'faults-enospc-inputs-'));
    writeInputs(inputs, 3);
    await ingestFromFiles({ out: root, files: [inputs] });
    const served = resolveDataDir(root);
    const before = snapshot(root);
    const reloading = await ReloadingCatalog.open(root, collections, { pollMs: 20 });
    try {
      const app = createApp({ info: { title: 'T', description: 'T' }, catalog: () => reloading.catalog() });
      const page = (await request(app).get('/collections/chroniques/items?limit=50&offset=10')).body.features;

      writeInputs(inputs, 4);
      fill(mount, 256 * 1024);
      const error = await ingestFromFiles({ out: root, files: [inputs] }).then(() => null, (e: NodeJS.ErrnoException) => e);
      assert.ok(error, 'the ingest must fail on a full disk');
      assert.ok(error.code === 'ENOSPC' || /ENOSPC|no space/i.test(String(error.message)), `a disk-full error: ${error.message}`);

      assert.equal(resolveDataDir(root), served, 'the pointer still names the served version');
      assert.deepEqual(snapshot(root), before, 'no file of the data directory changed, none left behind');
      await reloading.check();
      assert.equal(reloading.dataDir, served);
      const again = (await request(app).get('/collections/chroniques/items?limit=50&offset=10')).body.features;
      assert.ok(JSON.stringify(again) === JSON.stringify(page), 'the same features are served');
      assert.equal((await request(app).get('/readyz')).status, 200);

      // Space again: the same ingest goes through.
      rmSync(join(mount, 'filler'));
      await ingestFromFiles({ out: root, files: [inputs] });
      assert.notEqual(resolveDataDir(root), served);
    } finally {
      await reloading.close();
      rmSync(inputs, { recursive: true, force: true });
    }
  });
});
