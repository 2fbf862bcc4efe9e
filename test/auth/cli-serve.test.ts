// The real CLI: `prelevements serve --config examples/access/config.yaml` on a small generated
// dataset, then its JSON twin with a keys file of its own, managed by `prelevements keys …` while
// the server runs (create, list, rotate, revoke, password).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get as get_ } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { basic } from './helpers.js';

const CLI = fileURLToPath(new URL('../../cli.js', import.meta.url));
const DEMO = join(process.cwd(), 'examples', 'access');
const skip = existsSync(join(DEMO, 'config.yaml')) ? false : 'run from the repository root (examples/access)';

interface Credentials { apiKey: string; basic: { user: string; password: string }; jwt: string; restricted: string[] }

const env = () => {
  const e: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
  for (const name of ['ACCESS_CONFIG', 'PORT', 'HOST', 'DATA_DIR', 'SCALE', 'BASE_URL', 'WORKERS', 'PRELEVEMENTS_KEYS_FILE']) delete e[name];
  return e;
};

interface Served { child: ChildProcess; base: string; log: () => string }

/** Starts `serve` on a free port; resolves with its address once it logs "serving". */
function serve(config: string, data: string): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--config', config, '--data', data, '--scale', '0.01', '--port', '0', '--host', '127.0.0.1', '--workers', '1'], { env: env() });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d) => { out += d; });
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"msg":"serving"'));
      if (line) resolve({ child, base: (JSON.parse(line).url as string).replace('localhost', '127.0.0.1'), log: () => out });
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${out}`)));
  });
}

function stop(served: Served | undefined): Promise<void> {
  if (!served || served.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => { served.child.once('exit', () => resolve()); served.child.kill('SIGTERM'); });
}

/** `prelevements keys …`, the real binary. */
function keys(...args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, 'keys', ...args], { encoding: 'utf8', env: env() });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

const get = (base: string, path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
const ids = async (res: Response) => ((await res.json()) as { collections: { id: string }[] }).collections.map((c) => c.id);

let data: string;
let yaml: Served | undefined;
let json: Served | undefined;
let credentials: Credentials;

before(async () => {
  if (skip) return;
  data = mkdtempSync(join(tmpdir(), 'ogc-cli-serve-'));
  credentials = JSON.parse(readFileSync(join(DEMO, 'credentials.json'), 'utf8')) as Credentials;
  yaml = await serve(join(DEMO, 'config.yaml'), data); // builds the default dataset at scale 0.01 first
});
after(async () => { await stop(yaml); await stop(json); });

describe('prelevements serve --config examples/access/config.yaml', { skip, timeout: 240_000 }, () => {
  it('anonymous: public collections only; 401 with challenges on restricted ones', async () => {
    const seen = await ids(await get(yaml!.base, '/collections'));
    assert.ok(seen.includes('ouvrages_public') && seen.includes('points_prelevement'), seen.join());
    for (const id of [...credentials.restricted, 'chroniques_aelb']) {
      assert.ok(!seen.includes(id), id);
      const res = await get(yaml!.base, `/collections/${id}/items`);
      assert.equal(res.status, 401, id);
      assert.match(res.headers.get('www-authenticate') ?? '', /Basic realm=.*Bearer realm=/);
      assert.deepEqual(Object.keys(await res.json()).sort(), ['code', 'description']);
    }
  });
  const forms: Record<string, () => [string, Record<string, string>]> = {
    'X-API-Key': () => ['', { 'X-API-Key': credentials.apiKey }],
    '?apikey=': () => [`apikey=${encodeURIComponent(credentials.apiKey)}`, {}],
    Basic: () => ['', { Authorization: basic(credentials.basic.user, credentials.basic.password) }],
    'Bearer JWT': () => ['', { Authorization: `Bearer ${credentials.jwt}` }],
  };
  for (const [name, form] of Object.entries(forms)) {
    it(`${name}: the credentials of credentials.json see exactly their restricted ids, privately`, async () => {
      const [query, headers] = form();
      const q = (path: string) => (query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path);
      const anonymous = await ids(await get(yaml!.base, '/collections'));
      const seen = await ids(await get(yaml!.base, q('/collections'), headers));
      assert.deepEqual(seen.filter((id) => !anonymous.includes(id)).sort(), [...credentials.restricted].sort());
      for (const id of credentials.restricted) {
        const res = await get(yaml!.base, q(`/collections/${id}/items?limit=2`), headers);
        assert.equal(res.status, 200, id);
        assert.match(res.headers.get('cache-control') ?? '', /^private/, id);
        assert.equal(((await res.json()) as { features: unknown[] }).features.length, 2, id);
      }
      assert.equal((await get(yaml!.base, q('/collections/chroniques_aelb/items'), headers)).status, 403);
    });
  }
  it('a wrong key or an altered JWT is 401, even on public resources', async () => {
    assert.equal((await get(yaml!.base, '/collections', { 'X-API-Key': `${credentials.apiKey.slice(0, -3)}abc` })).status, 401);
    assert.equal((await get(yaml!.base, '/collections', { Authorization: `Bearer ${credentials.jwt.slice(0, -3)}abc` })).status, 401);
  });
});

describe('prelevements serve --config config.json, keys managed while it runs', { skip, timeout: 240_000 }, () => {
  let dir: string;
  let config: string;
  before(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'ogc-cli-keys-'));
    config = join(dir, 'config.json');
    // The demo's JSON twin, with a keys file of its own (re-read at once) and the demo JWKS.
    const demo = JSON.parse(readFileSync(join(DEMO, 'config.json'), 'utf8')) as Record<string, unknown> & { jwt: Record<string, unknown> };
    writeFileSync(config, JSON.stringify({ ...demo, keys: 'keys.json', keysReloadMs: 0, jwt: { ...demo.jwt, jwks: join(DEMO, 'jwks.json') } }));
    json = await serve(config, data);
  });

  it('create prints the key once; it works at once and is stored hashed', async () => {
    const created = keys('create', '--user', 'demo', '--label', 'poste SIG', '--config', config);
    assert.equal(created.status, 0, created.err);
    const key = created.out.trim();
    assert.match(key, /^prk_[0-9a-f]{12}_[\w-]{43}$/);
    assert.equal(created.out, `${key}\n`, 'nothing else on stdout');
    const file = readFileSync(join(dir, 'keys.json'), 'utf8');
    assert.ok(!file.includes(key) && !file.includes(key.split('_')[2]));
    assert.match(file, /"hash": "scrypt\$/);
    assert.equal((await get(json!.base, '/collections/ouvrages/items?limit=1', { 'X-API-Key': key })).status, 200);

    const listed = keys('list', '--config', config);
    assert.match(listed.out, new RegExp(`${key.split('_')[1]}\\s+active\\s+demo.*"poste SIG"`));
    assert.ok(!listed.out.includes(key.split('_')[2]));

    const rotated = keys('rotate', key.split('_')[1], '--config', config);
    assert.equal(rotated.status, 0, rotated.err);
    const fresh = rotated.out.trim();
    assert.equal((await get(json!.base, '/collections/ouvrages', { 'X-API-Key': key })).status, 401, 'the rotated key stops');
    assert.equal((await get(json!.base, '/collections/ouvrages', { 'X-API-Key': fresh })).status, 200, 'its successor works');

    const revoked = keys('revoke', fresh.split('_')[1], '--config', config);
    assert.equal(revoked.status, 0, revoked.err);
    assert.equal(revoked.out, '');
    assert.equal((await get(json!.base, '/collections/ouvrages', { 'X-API-Key': fresh })).status, 401, 'a revoked key stops');
    assert.match(keys('list', '--config', config).out, new RegExp(`${fresh.split('_')[1]}\\s+revoked`));
  });
  it('a Basic password for a user without grants: public 200, restricted 403', async () => {
    const set = keys('password', 'invite', '--config', config);
    assert.equal(set.status, 0, set.err);
    const auth = { Authorization: basic('invite', set.out.trim()) };
    assert.equal((await get(json!.base, '/collections/ouvrages_public', auth)).status, 200);
    assert.equal((await get(json!.base, '/collections/ouvrages', auth)).status, 403);
  });
  it('mistakes: one line on stderr, exit code 1', () => {
    const r = keys('revoke', 'aaaaaaaaaaaa', '--config', config);
    assert.equal(r.status, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /^prelevements keys revoke: no key aaaaaaaaaaaa\n$/);
  });
  it('a configuration with a mistake stops serve with its message', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'collections:\n  ouvrages: secret\n');
    const r = spawnSync(process.execPath, [CLI, 'serve', '--config', bad, '--data', data, '--port', '0', '--workers', '1'], { encoding: 'utf8', env: env() });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^prelevements serve: .*bad\.yaml: collections\.ouvrages: "public" or "restricted" expected/);
  });
});

describe('prelevements serve --workers 2: rate limits counted once for all workers', { skip, timeout: 240_000 }, () => {
  let served: Served | undefined;
  after(() => stop(served));
  it('the limit per address holds whichever worker answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ogc-cli-workers-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'default: public\nrateLimit:\n  windowMs: 3600000\n  perIp: 3\n  perKey: 0\n');
    const child = spawn(process.execPath, [CLI, 'serve', '--config', config, '--data', data, '--port', '0', '--host', '127.0.0.1', '--workers', '2'], { env: env() });
    // Both workers log "serving" (one shared port); wait for the two.
    served = await new Promise<Served>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const lines = out.split('\n').filter((l) => l.includes('"msg":"serving"'));
        if (lines.length === 2) resolve({ child, base: (JSON.parse(lines[0]).url as string).replace('localhost', '127.0.0.1'), log: () => out });
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${out}`)));
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      // A new connection each time, so the primary hands them to the workers in turn.
      statuses.push(await new Promise<number>((resolve, reject) => {
        get_(`${served!.base}/conformance`, { agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
      }));
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
  });
});
