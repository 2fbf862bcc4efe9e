// API keys and Basic passwords, stored as salted scrypt hashes in a JSON keys file: the file never
// holds a secret. A key reads `prk_<id>_<secret>`: the id finds its record, so a request costs
// one scrypt, not one per stored key.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

export interface KeyRestrictions {
  /** CIDR ranges (IPv4 or IPv6) or single addresses the key may be used from. */
  ips?: string[];
  /** Referer patterns, `*` matching anything (e.g. `https://*.example.org/*`). */
  referers?: string[];
  /** User-Agent patterns, `*` matching anything (e.g. `QGIS/*`). */
  userAgents?: string[];
}

export interface KeyRecord {
  id: string;
  /** Owner: the key grants what this user is granted. */
  user: string;
  label?: string;
  hash: string;
  created: string;
  /** ISO date after which the key no longer works (rotation grace, temporary keys). */
  expires?: string;
  revoked?: string;
  /** Id of the key that replaced this one. */
  rotatedTo?: string;
  restrictions?: KeyRestrictions;
}

export interface KeysFile {
  version: 1;
  keys: KeyRecord[];
  /** Basic authentication: user → password hash. */
  users: Record<string, { hash: string; updated: string }>;
}

const SCRYPT: ScryptOptions & { N: number; r: number; p: number } = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;
const KEY_PATTERN = /^prk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

function derive(secret: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash` (base64url), a fresh 16-byte salt each time. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, SCRYPT, KEY_LENGTH);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const expected = Buffer.from(parts[5], 'base64url');
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || expected.length === 0) return false;
  const actual = await derive(secret, Buffer.from(parts[4], 'base64url'), { N, r, p, maxmem: SCRYPT.maxmem }, expected.length);
  return timingSafeEqual(actual, expected);
}

export function parseKey(key: string): { id: string; secret: string } | null {
  const m = KEY_PATTERN.exec(key);
  return m ? { id: m[1], secret: m[2] } : null;
}

function newKey(): { id: string; key: string } {
  const id = randomBytes(6).toString('hex');
  return { id, key: `prk_${id}_${randomBytes(32).toString('base64url')}` };
}

export function emptyKeysFile(): KeysFile {
  return { version: 1, keys: [], users: {} };
}

export function readKeysFile(path: string): KeysFile {
  if (!existsSync(path)) return emptyKeysFile();
  const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeysFile>;
  if (!Array.isArray(data.keys)) throw new Error(`${path}: not a keys file (no "keys" list)`);
  return { version: 1, keys: data.keys, users: data.users ?? {} };
}

/** Written beside and renamed over, readable by its owner only. */
export function writeKeysFile(path: string, data: KeysFile): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

export function keyState(record: KeyRecord, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (record.revoked) return 'revoked';
  if (record.expires && Date.parse(record.expires) <= now) return 'expired';
  return 'active';
}

// --- Management (the `prelevements keys` commands) ------------------------------------------------

export interface CreateKeyOptions { user: string; label?: string; expires?: string; restrictions?: KeyRestrictions }

/** Adds a key; the clear key is returned once and never stored. */
export async function createKey(path: string, options: CreateKeyOptions): Promise<{ key: string; record: KeyRecord }> {
  if (!options.user) throw new Error('a key belongs to a user');
  const data = readKeysFile(path);
  const { id, key } = newKey();
  const record: KeyRecord = { id, user: options.user, label: options.label, hash: await hashSecret(key), created: new Date().toISOString(), expires: options.expires, restrictions: options.restrictions };
  data.keys.push(JSON.parse(JSON.stringify(record)) as KeyRecord); // drops undefined fields
  writeKeysFile(path, data);
  return { key, record };
}

export type KeySummary = Omit<KeyRecord, 'hash'> & { state: 'active' | 'revoked' | 'expired' };

export function listKeys(path: string): KeySummary[] {
  return readKeysFile(path).keys.map(({ hash: _hash, ...rest }) => ({ ...rest, state: keyState(rest as KeyRecord) }));
}

function findKey(data: KeysFile, id: string): KeyRecord {
  const record = data.keys.find((k) => k.id === id);
  if (!record) throw new Error(`no key ${id}`);
  return record;
}

/** Replaces a key by a new one (same owner, label, restrictions); the old one stops now or after `graceSeconds`. */
export async function rotateKey(path: string, id: string, graceSeconds = 0): Promise<{ key: string; record: KeyRecord }> {
  const data = readKeysFile(path);
  const old = findKey(data, id);
  if (keyState(old) !== 'active') throw new Error(`key ${id} is ${keyState(old)}`);
  const fresh = newKey();
  const record: KeyRecord = JSON.parse(JSON.stringify({ ...old, id: fresh.id, hash: await hashSecret(fresh.key), created: new Date().toISOString(), rotatedTo: undefined })) as KeyRecord;
  old.rotatedTo = fresh.id;
  if (graceSeconds > 0) old.expires = new Date(Date.now() + graceSeconds * 1000).toISOString();
  else old.revoked = new Date().toISOString();
  data.keys.push(record);
  writeKeysFile(path, data);
  return { key: fresh.key, record };
}

export function revokeKey(path: string, id: string): KeyRecord {
  const data = readKeysFile(path);
  const record = findKey(data, id);
  record.revoked ??= new Date().toISOString();
  writeKeysFile(path, data);
  return record;
}

/** Sets a user's Basic password (a generated one when none is given); returns it once. */
export async function setPassword(path: string, user: string, password = randomBytes(18).toString('base64url')): Promise<string> {
  if (!user || user.includes(':')) throw new Error('a user name cannot be empty nor contain ":"');
  if (password.length < 12) throw new Error('a password needs at least 12 characters');
  const data = readKeysFile(path);
  data.users[user] = { hash: await hashSecret(password), updated: new Date().toISOString() };
  writeKeysFile(path, data);
  return password;
}

export function removePassword(path: string, user: string): boolean {
  const data = readKeysFile(path);
  if (!data.users[user]) return false;
  delete data.users[user];
  writeKeysFile(path, data);
  return true;
}

// --- Lookup at request time ---------------------------------------------------------------------

/**
 * The keys file as the server reads it: re-read when it changes (checked at most every
 * `reloadMs`), so a revocation applies without a restart. Verified secrets are remembered by
 * their SHA-256 for a minute: scrypt is made to be slow, and would otherwise run per request.
 */
export class KeyStore {
  private data: KeysFile = emptyKeysFile();
  private stamp = '';
  private checked = 0;
  private verified = new Map<string, number>();

  /** `source`: keys shared by replicas (Redis); while it has none, the file is read. */
  constructor(private readonly path: string | undefined, private readonly reloadMs = 2000, private readonly source?: { current(): KeysFile | undefined }) {
    this.refresh(true);
  }

  private refresh(force = false): void {
    const shared = this.source?.current();
    if (shared) {
      if (shared !== this.data) { this.data = shared; this.stamp = 'shared'; this.verified.clear(); }
      return;
    }
    if (!this.path || (!force && Date.now() - this.checked < this.reloadMs)) return;
    this.checked = Date.now();
    let stamp = 'absent';
    try { const s = statSync(this.path); stamp = `${s.mtimeMs}:${s.size}:${s.ino}`; } catch { /* no file: no keys */ }
    if (stamp === this.stamp) return;
    this.data = stamp === 'absent' ? emptyKeysFile() : readKeysFile(this.path);
    this.stamp = stamp;
    this.verified.clear();
  }

  private async check(secret: string, hash: string): Promise<boolean> {
    const memo = createHash('sha256').update(hash).update('\0').update(secret).digest('base64url');
    const until = this.verified.get(memo);
    if (until !== undefined && until > Date.now()) return true;
    // Concurrent requests with one credential share one scrypt (a client opening 30 connections at once).
    let pending = this.verifying.get(memo);
    if (!pending) {
      pending = verifySecret(secret, hash).finally(() => this.verifying.delete(memo));
      this.verifying.set(memo, pending);
    }
    if (!(await pending)) return false;
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(memo, Date.now() + 60_000);
    return true;
  }
  private verifying = new Map<string, Promise<boolean>>();

  /** A miss costs one scrypt too, so timing does not tell unknown ids or users apart. */
  private async miss(secret: string): Promise<false> {
    this.dummy ??= hashSecret(randomBytes(16).toString('hex'));
    await verifySecret(secret, await this.dummy);
    return false;
  }
  private dummy?: Promise<string>;

  /** The active record of a presented key, or null. */
  async findKey(key: string): Promise<KeyRecord | null> {
    this.refresh();
    const parsed = parseKey(key);
    const record = parsed && this.data.keys.find((k) => k.id === parsed.id);
    if (!record || keyState(record) !== 'active') return this.miss(key).then(() => null);
    return (await this.check(key, record.hash)) ? record : null;
  }

  async checkPassword(user: string, password: string): Promise<boolean> {
    this.refresh();
    const entry = Object.hasOwn(this.data.users, user) ? this.data.users[user] : undefined;
    return entry ? this.check(password, entry.hash) : this.miss(password);
  }
}
