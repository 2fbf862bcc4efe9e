// Keys and passwords: stored only as salted scrypt hashes; revocation and rotation apply to a
// running server; the `keys` commands.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import request from 'supertest';
import { registerAccessCommands } from '../../server/auth/cli.js';
import { createKey, hashSecret, listKeys, parseKey, readKeysFile, revokeKey, rotateKey, setPassword, verifySecret } from '../../server/auth/keys.js';
import { basic, buildAccessFixture, type Fixture } from './helpers.js';

let fx: Fixture;
before(async () => { fx = await buildAccessFixture(); });
after(() => fx.catalog.close());

const items = (key: string) => request(fx.app).get('/collections/secrets/items').set('X-API-Key', key);

describe('hashing', () => {
  it('scrypt with a fresh salt: two hashes of one secret differ, both verify', async () => {
    const a = await hashSecret('un secret');
    const b = await hashSecret('un secret');
    assert.match(a, /^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.notEqual(a, b);
    assert.equal(await verifySecret('un secret', a), true);
    assert.equal(await verifySecret('un secret', b), true);
    assert.equal(await verifySecret('un autre', a), false);
    assert.equal(await verifySecret('un secret', 'plain text'), false);
  });
  it('the keys file never contains a key, a secret or a password, and is private to its owner', async () => {
    const text = readFileSync(fx.keysPath, 'utf8');
    for (const key of Object.values(fx.keys)) {
      assert.ok(!text.includes(key), 'whole key stored');
      assert.ok(!text.includes(parseKey(key)!.secret), 'secret part stored');
      assert.ok(text.includes(parseKey(key)!.id), 'the id is what finds the record');
    }
    for (const password of Object.values(fx.passwords)) assert.ok(!text.includes(password));
    if (process.platform !== 'win32') assert.equal(statSync(fx.keysPath).mode & 0o077, 0);
    assert.ok(listKeys(fx.keysPath).every((k) => !('hash' in k)), 'list shows no hash');
  });
});

describe('revocation and rotation on a running server', () => {
  it('a revoked key is refused at once (the file is re-read when it changes)', async () => {
    const { key, record } = await createKey(fx.keysPath, { user: 'alice', label: 'à révoquer' });
    assert.equal((await items(key)).status, 200);
    revokeKey(fx.keysPath, record.id);
    assert.equal((await items(key)).status, 401);
    assert.equal(listKeys(fx.keysPath).find((k) => k.id === record.id)!.state, 'revoked');
  });
  it('rotation: the new key works, the old one stops now, or after its grace', async () => {
    const first = await createKey(fx.keysPath, { user: 'alice', restrictions: { ips: ['127.0.0.0/8', '::1'] } });
    const second = await rotateKey(fx.keysPath, first.record.id);
    assert.notEqual(second.key, first.key);
    assert.deepEqual(second.record.restrictions, { ips: ['127.0.0.0/8', '::1'] });
    assert.equal((await items(second.key)).status, 200);
    assert.equal((await items(first.key)).status, 401);
    const third = await rotateKey(fx.keysPath, second.record.id, 3600);
    assert.equal((await items(second.key)).status, 200, 'grace period');
    assert.equal((await items(third.key)).status, 200);
    const old = readKeysFile(fx.keysPath).keys.find((k) => k.id === second.record.id)!;
    assert.equal(old.rotatedTo, third.record.id);
    assert.ok(Date.parse(old.expires!) > Date.now());
    await assert.rejects(rotateKey(fx.keysPath, first.record.id), /revoked/);
  });
  it('an expired key is refused', async () => {
    const { key } = await createKey(fx.keysPath, { user: 'alice', expires: new Date(Date.now() - 1000).toISOString() });
    assert.equal((await items(key)).status, 401);
  });
  it('a changed password replaces the old one', async () => {
    await setPassword(fx.keysPath, 'alice', 'nouveau mot de passe');
    const get = (password: string) => request(fx.app).get('/collections/secrets').set('Authorization', basic('alice', password));
    assert.equal((await get('nouveau mot de passe')).status, 200);
    assert.equal((await get(fx.passwords.alice)).status, 401);
    await setPassword(fx.keysPath, 'alice', fx.passwords.alice);
    assert.equal((await get(fx.passwords.alice)).status, 200);
    await assert.rejects(setPassword(fx.keysPath, 'alice', 'court'), /12 characters/);
  });
});

/** Runs `prelevements keys …` in process, capturing what it writes. */
async function cli(...args: string[]): Promise<{ out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('prelevements').exitOverride();
  registerAccessCommands(program, { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => 'mot de passe lu sur stdin' });
  await program.parseAsync(['node', 'prelevements', 'keys', ...args]);
  return { out: out.join(''), err: err.join('') };
}

describe('prelevements keys', () => {
  it('create prints the key once, alone on stdout; list, rotate and revoke by id', async () => {
    const file = join(fx.dir, 'cli-keys.json');
    const created = await cli('create', '--user', 'alice', '--label', 'QGIS poste 12', '--ip', '10.0.0.0/8,2001:db8::/32', '--user-agent', 'QGIS/*', '-f', file);
    const key = created.out.trim();
    const { id } = parseKey(key)!;
    assert.match(created.err, new RegExp(`key ${id} created for alice`));
    assert.ok(!readFileSync(file, 'utf8').includes(key));
    const listed = await cli('list', '-f', file);
    assert.match(listed.out, new RegExp(`${id}\\s+active\\s+alice.*"QGIS poste 12".*10\\.0\\.0\\.0/8 2001:db8::/32 \\| QGIS/\\*`));
    const rotated = (await cli('rotate', id, '--grace', '1h', '-f', file)).out.trim();
    assert.ok(parseKey(rotated));
    const json = JSON.parse((await cli('list', '--json', '-f', file)).out);
    assert.equal(json.length, 2);
    assert.equal(json[0].rotatedTo, parseKey(rotated)!.id);
    await cli('revoke', parseKey(rotated)!.id, '-f', file);
    assert.match((await cli('list', '-f', file)).out, new RegExp(`${parseKey(rotated)!.id}\\s+revoked`));
  });
  it('the keys file can be found through --config', async () => {
    const { out } = await cli('create', '--user', 'zoe', '-c', fx.configPath);
    assert.equal(listKeys(fx.keysPath).at(-1)!.id, parseKey(out.trim())!.id);
  });
  it('password prints a generated password once; Basic accepts it', async () => {
    const { out } = await cli('password', 'yann', '-f', fx.keysPath);
    const password = out.trim();
    assert.ok(password.length >= 20);
    assert.ok(!readFileSync(fx.keysPath, 'utf8').includes(password));
    assert.equal((await request(fx.app).get('/collections/lieux').set('Authorization', basic('yann', password))).status, 200);
    await cli('password', 'yann', '--remove', '-f', fx.keysPath);
    assert.equal((await request(fx.app).get('/collections/lieux').set('Authorization', basic('yann', password))).status, 401);
  });
  it('refuses a malformed IP range or duration', async () => {
    await assert.rejects(cli('create', '--user', 'a', '--ip', '10.0.0.0/33', '-f', join(fx.dir, 'x.json')), /bad prefix/);
    await assert.rejects(cli('create', '--user', 'a', '--ip', 'example.org', '-f', join(fx.dir, 'x.json')), /not an IP/);
    await assert.rejects(cli('rotate', 'abc', '--grace', 'soon', '-f', fx.keysPath), /duration/);
  });
});
