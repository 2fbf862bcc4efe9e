// Pieces of a national deployment started on loopback for the tests and the scale bench: Redis
// (Debian redis-server), replicas (the real CLI), nginx with the deploy/nginx template filled in.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, freePort } from '../e2e/server.js';

export function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** Debian puts nginx in /usr/sbin, not always in a user's PATH. */
export function nginxBinary(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) if (spawnSync(candidate, ['-v']).status === 0) return candidate;
  return undefined;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ready: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start`);
    await wait(100);
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => { child.once('exit', (code) => resolve(code)); child.kill(signal); });
}

export interface RedisServer { url: string; port: number; stop(): Promise<void>; start(): Promise<void> }

/** redis-server without persistence on a free port; can be stopped and started again on that port. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await until('redis-server', async () => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG', 10_000);
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop: async () => { if (child) await stopChild(child); } };
}

export interface Replica { base: string; port: number; child: ChildProcess; log(): string; stop(signal?: NodeJS.Signals): Promise<number | null> }

export async function startReplica(data: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve', '--data', data, '--port', String(port), '--host', '127.0.0.1', '--workers', '1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d) => { out = (out + d).slice(-200_000); });
  child.stderr!.on('data', (d) => { out = (out + d).slice(-200_000); });
  const base = `http://127.0.0.1:${port}`;
  await until(`replica ${port}: ${out}`, async () => {
    if (child.exitCode !== null) throw new Error(`replica exited: ${out}`);
    return (await fetch(`${base}/conformance`)).status < 500;
  });
  return { base, port, child, log: () => out, stop: (signal) => stopChild(child, signal) };
}

export interface Nginx { base: string; storageBase: string; dir: string; stop(): Promise<void>; accessLog(): string }

/** Fills `${NAME}` for the given names only (nginx's own `$vars` stay), like the nginx image's envsubst. */
export function fillTemplate(text: string, vars: Record<string, string>): string {
  const filled = text.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
  const left = /\$\{([A-Z_]+)\}/.exec(filled);
  if (left) throw new Error(`template variable ${left[1]} not given`);
  return filled;
}

export const TEMPLATE = join(process.cwd(), 'deploy', 'nginx', 'prelevements.conf.template');

/** nginx (not as a daemon) in front of `upstreams`, its storage cache in front of `storageOrigin`. */
export async function startNginx(upstreams: string[], storageOrigin: string, options: { cache?: boolean; workers?: number } = {}): Promise<Nginx> {
  const binary = nginxBinary();
  if (!binary) throw new Error('nginx missing');
  const dir = mkdtempSync(join(tmpdir(), 'prelevements-nginx-'));
  for (const sub of ['cache', 'logs', 'temp']) mkdirSync(join(dir, sub), { mode: 0o777 });
  const [port, storagePort] = [await freePort(), await freePort()];
  const site = fillTemplate(readFileSync(TEMPLATE, 'utf8'), {
    UPSTREAM_SERVERS: upstreams.map((u) => `server ${u.replace(/^https?:\/\//, '')} max_fails=0;`).join(' '),
    LISTEN: `127.0.0.1:${port}`, CACHE_DIR: join(dir, 'cache'), LOG_DIR: join(dir, 'logs'),
    STORAGE_LISTEN: `127.0.0.1:${storagePort}`, STORAGE_ORIGIN: storageOrigin,
  });
  // Without the API cache (benchmarks of the replicas themselves): every request reaches one.
  writeFileSync(join(dir, 'prelevements.conf'), options.cache === false ? site.replace('proxy_cache prelevements_api;', 'proxy_cache off;') : site);
  const root = process.getuid?.() === 0 ? 'user root;\n' : ''; // workers may write the temporary cache dirs
  writeFileSync(join(dir, 'nginx.conf'), `${root}worker_processes ${options.workers ?? 1};\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'logs', 'error.log')} warn;\n`
    + `events { worker_connections 1024; }\nhttp {\n  client_body_temp_path ${join(dir, 'temp')};\n  proxy_temp_path ${join(dir, 'temp')};\n`
    + `  fastcgi_temp_path ${join(dir, 'temp')};\n  uwsgi_temp_path ${join(dir, 'temp')};\n  scgi_temp_path ${join(dir, 'temp')};\n`
    + `  access_log off;\n  include ${join(dir, 'prelevements.conf')};\n}\n`);
  const check = spawnSync(binary, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t: ${check.stderr}`);
  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  await until('nginx', async () => (await fetch(`${base}/conformance`)).status < 500, 20_000);
  return {
    base, storageBase: `http://127.0.0.1:${storagePort}`, dir,
    accessLog: () => { try { return readFileSync(join(dir, 'logs', 'prelevements.log'), 'utf8'); } catch { return ''; } },
    stop: async () => { await stopChild(child, 'SIGQUIT'); },
  };
}

/** `prelevements keys …` (the real binary). */
export function keys(args: string[], env: NodeJS.ProcessEnv = {}): { out: string; err: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, 'keys', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

export { wait, until };
