// Access configuration (YAML or JSON): which collections are public, the views derived from
// them, who may see the restricted ones, and how callers prove who they are.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ViewSpec } from '../views.js';

export type Access = 'public' | 'restricted';

export interface ViewConfig extends ViewSpec {
  /** The served collection the view is derived from. */
  from: string;
  access: Access;
}

export interface JwtConfig {
  /** JWKS file (absolute once loaded) or http(s) URL. */
  jwks: string;
  issuer?: string | string[];
  audience?: string | string[];
  algorithms?: string[];
  /** Claim naming the user (default `sub`). */
  userClaim: string;
  /** Claim listing the caller's communities (default `groups`); a string or an array. */
  communitiesClaim: string;
  clockToleranceSeconds: number;
}

export interface RateLimitConfig {
  windowMs: number;
  /** Requests per window and client address, every caller (0: no limit). */
  perIp: number;
  /** Requests per window and credential (key id or user), authenticated callers (0: no limit). */
  perKey: number;
}

export interface AccessConfig {
  /** Realm of the WWW-Authenticate challenges. */
  realm: string;
  /** Access of collections the file does not list: fail closed unless said otherwise. */
  defaultAccess: Access;
  collections: Record<string, Access>;
  views: ViewConfig[];
  /** Community → its members (user names). */
  communities: Record<string, string[]>;
  /** Collection or view ids granted, '*' meaning every restricted one. */
  permissions: { users: Record<string, string[]>; communities: Record<string, string[]> };
  /** Keys file (API keys, Basic passwords), absolute once loaded. */
  keysFile?: string;
  /** How often the keys file is checked for changes (revocations apply without restart). */
  keysReloadMs: number;
  jwt?: JwtConfig;
  cors: { origins: '*' | string[]; maxAgeSeconds: number };
  rateLimit: RateLimitConfig | null;
  /** Express `trust proxy` setting: which hops may set X-Forwarded-For (decides req.ip). */
  trustProxy?: boolean | number | string | string[];
}

export class AccessConfigError extends Error {}

const ID = /^[A-Za-z0-9_-]+$/;

type Raw = Record<string, unknown>;

function fail(where: string, message: string): never {
  throw new AccessConfigError(`${where}: ${message}`);
}

function object(value: unknown, where: string): Raw {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(where, 'a mapping is expected');
  return value as Raw;
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(where, 'a list of strings is expected');
  return value as string[];
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(where, 'a string is expected');
  return value;
}

function access(value: unknown, where: string): Access {
  if (value !== 'public' && value !== 'restricted') fail(where, `"public" or "restricted" expected, got ${JSON.stringify(value)}`);
  return value;
}

function count(value: unknown, fallback: number, where: string): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(where, 'a number ≥ 0 is expected');
  return value;
}

function checkId(id: string, where: string): string {
  if (!ID.test(id)) fail(where, `"${id}" is not a valid collection id (letters, digits, _ and -)`);
  return id;
}

function located(base: string, value: string): string {
  return /^https?:\/\//i.test(value) || isAbsolute(value) ? value : resolve(base, value);
}

/** Validates a parsed configuration; relative file paths are resolved against `baseDir`. */
export function parseAccessConfig(input: unknown, baseDir = process.cwd()): AccessConfig {
  const raw = object(input, 'configuration');
  const known = ['realm', 'default', 'collections', 'views', 'communities', 'permissions', 'keys', 'keysReloadMs', 'jwt', 'cors', 'rateLimit', 'trustProxy'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) fail(key, `unknown setting (known: ${known.join(', ')})`);

  const collections: Record<string, Access> = {};
  for (const [id, value] of Object.entries(object(raw.collections, 'collections'))) collections[checkId(id, 'collections')] = access(value, `collections.${id}`);

  const views: ViewConfig[] = [];
  for (const [id, value] of Object.entries(object(raw.views, 'views'))) {
    const where = `views.${checkId(id, 'views')}`;
    const v = object(value, where);
    for (const key of Object.keys(v)) if (!['from', 'access', 'title', 'description', 'filter', 'properties', 'exclude'].includes(key)) fail(`${where}.${key}`, 'unknown setting');
    if (collections[id]) fail(where, 'a view cannot have the id of a collection');
    const from = optionalString(v.from, `${where}.from`) ?? fail(`${where}.from`, 'the source collection is required');
    if (v.properties !== undefined && v.exclude !== undefined) fail(where, 'give properties or exclude, not both');
    if (v.filter !== undefined && typeof v.filter !== 'string' && (typeof v.filter !== 'object' || v.filter === null)) fail(`${where}.filter`, 'CQL2 text or CQL2 JSON expected');
    views.push({
      id, from: checkId(from, `${where}.from`), access: access(v.access ?? 'restricted', `${where}.access`),
      title: optionalString(v.title, `${where}.title`), description: optionalString(v.description, `${where}.description`),
      filter: v.filter as ViewConfig['filter'],
      properties: v.properties === undefined ? undefined : strings(v.properties, `${where}.properties`),
      exclude: v.exclude === undefined ? undefined : strings(v.exclude, `${where}.exclude`),
    });
  }
  const viewIds = new Set(views.map((v) => v.id));
  for (const v of views) if (viewIds.has(v.from)) fail(`views.${v.id}.from`, 'a view is derived from a collection, not from another view');

  const communities: Record<string, string[]> = {};
  for (const [name, members] of Object.entries(object(raw.communities, 'communities'))) communities[name] = strings(members, `communities.${name}`);

  const perms = object(raw.permissions, 'permissions');
  for (const key of Object.keys(perms)) if (key !== 'users' && key !== 'communities') fail(`permissions.${key}`, 'users or communities expected');
  const grants = (kind: 'users' | 'communities') => {
    const out: Record<string, string[]> = {};
    for (const [name, ids] of Object.entries(object(perms[kind], `permissions.${kind}`))) {
      out[name] = strings(ids, `permissions.${kind}.${name}`).map((id) => (id === '*' ? id : checkId(id, `permissions.${kind}.${name}`)));
    }
    return out;
  };
  const permissions = { users: grants('users'), communities: grants('communities') };
  for (const name of Object.keys(permissions.communities)) {
    if (!communities[name]) fail(`permissions.communities.${name}`, 'unknown community (declare it under communities, possibly with no members when a JWT claim fills it)');
  }

  let jwt: JwtConfig | undefined;
  if (raw.jwt !== undefined && raw.jwt !== null) {
    const j = object(raw.jwt, 'jwt');
    const jwks = optionalString(j.jwks, 'jwt.jwks') ?? fail('jwt.jwks', 'a JWKS file or URL is required');
    const list = (value: unknown, where: string) => (value === undefined ? undefined : typeof value === 'string' ? value : strings(value, where));
    jwt = {
      jwks: located(baseDir, jwks),
      issuer: list(j.issuer, 'jwt.issuer'),
      audience: list(j.audience, 'jwt.audience'),
      algorithms: j.algorithms === undefined ? undefined : strings(j.algorithms, 'jwt.algorithms'),
      userClaim: optionalString(j.userClaim, 'jwt.userClaim') ?? 'sub',
      communitiesClaim: optionalString(j.communitiesClaim, 'jwt.communitiesClaim') ?? 'groups',
      clockToleranceSeconds: count(j.clockToleranceSeconds, 30, 'jwt.clockToleranceSeconds'),
    };
  }

  const cors = object(raw.cors, 'cors');
  const origins = cors.origins === undefined || cors.origins === '*' ? '*' : strings(cors.origins, 'cors.origins');
  let rateLimit: RateLimitConfig | null = { windowMs: 60_000, perIp: 600, perKey: 3000 };
  if (raw.rateLimit === false) rateLimit = null;
  else if (raw.rateLimit !== undefined) {
    const r = object(raw.rateLimit, 'rateLimit');
    rateLimit = { windowMs: count(r.windowMs, 60_000, 'rateLimit.windowMs') || 60_000, perIp: count(r.perIp, 600, 'rateLimit.perIp'), perKey: count(r.perKey, 3000, 'rateLimit.perKey') };
  }
  const trustProxy = raw.trustProxy as AccessConfig['trustProxy'];
  if (trustProxy !== undefined && !['boolean', 'number', 'string'].includes(typeof trustProxy) && !Array.isArray(trustProxy)) fail('trustProxy', 'true, a hop count, or addresses / CIDR ranges expected');

  const keys = optionalString(raw.keys, 'keys');
  return {
    realm: optionalString(raw.realm, 'realm') ?? 'prelevements',
    defaultAccess: raw.default === undefined ? 'restricted' : access(raw.default, 'default'),
    collections, views, communities, permissions,
    keysFile: keys === undefined ? undefined : located(baseDir, keys),
    keysReloadMs: count(raw.keysReloadMs, 2000, 'keysReloadMs'),
    jwt,
    cors: { origins: origins === '*' || origins.includes('*') ? '*' : origins, maxAgeSeconds: count(cors.maxAgeSeconds, 600, 'cors.maxAgeSeconds') },
    rateLimit, trustProxy,
  };
}

/** Reads a YAML or JSON access configuration; paths inside are relative to the file. */
export function loadAccessConfig(path: string): AccessConfig {
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = parse(text); // YAML 1.2 reads JSON as well
  } catch (error) {
    throw new AccessConfigError(`${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    return parseAccessConfig(parsed, dirname(resolve(path)));
  } catch (error) {
    if (error instanceof AccessConfigError) throw new AccessConfigError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}
