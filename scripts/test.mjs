// Runs the test suite with TMPDIR set to a directory of its own, removed afterwards: what the tests
// and the clients they start (QGIS, Chromium, GDAL, nginx) leave in the temporary directory goes with it.
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'prelevements-test-'));
const targets = process.argv.slice(2);
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...(targets.length ? targets : ['dist/test/'])], {
  stdio: 'inherit', env: { ...process.env, TMPDIR: dir },
});
rmSync(dir, { recursive: true, force: true });
process.exit(run.status ?? 1);
