// Starts the real CLI (compiled dist/cli.js) on a free port over a data directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../cli.js', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let built: string | undefined;
/** One small default dataset per test process (scale 0.01 ≈ 1,300 ouvrages). */
export function smallDataset(): string {
  if (built) return built;
  const dir = mkdtempSync(join(tmpdir(), 'prelevements-e2e-'));
  const result = spawnSync(process.execPath, [CLI, 'build-data', '--scale', '0.01', '--out', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build-data failed: ${result.stderr}`);
  built = dir;
  return dir;
}

export interface Running { base: string; process: ChildProcess; stop(): Promise<void> }

export async function startServer(dataDir: string, extraArgs: string[] = []): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', String(port), '--host', '127.0.0.1', ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try { if ((await fetch(`${base}/`)).ok) break; } catch { /* starting */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`server did not start: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    process: child,
    stop: () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }),
  };
}

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}
