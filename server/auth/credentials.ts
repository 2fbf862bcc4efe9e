// Credentials → caller: API key (X-API-Key, ?apikey=, or as a Bearer token), HTTP Basic, OAuth2
// bearer JWT checked against a JWKS. A presented credential that does not verify is an error,
// never a fallback to anonymous: a typo must not silently show less data.
import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import type { Request } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AccessConfig } from './config.js';
import type { Caller } from './context.js';
import { KeyStore, parseKey, type KeyRecord, type KeyRestrictions, type KeysFile } from './keys.js';

export type AuthResult =
  | { ok: true; caller: Caller }
  /** `reason` goes to logs only; the client gets one generic message. */
  | { ok: false; scheme: 'apikey' | 'basic' | 'bearer'; reason: string };

export interface Presented {
  /** From X-API-Key or ?apikey= (the latter removed from the URL beforehand). */
  apiKey?: string;
  /** Two different keys presented at once. */
  conflicting?: boolean;
}

/** `::ffff:10.0.0.1` is the IPv4 address 10.0.0.1 as a dual-stack socket reports it. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}

/** Throws for a malformed range, so `keys create --ip` refuses it up front. */
export function ipRanges(ranges: string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const [address, bits] = range.trim().split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`"${range}" is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) { list.addAddress(address, type); continue; }
    const prefix = Number(bits);
    if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`"${range}": bad prefix length`);
    list.addSubnet(address, prefix, type);
  }
  return list;
}

export function ipAllowed(ranges: BlockList, ip: string | undefined): boolean {
  if (!ip) return false;
  const address = normalizeIp(ip);
  const family = isIP(address);
  return family !== 0 && ranges.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** `*` matches any run of characters; everything else literally; whole value, case-insensitive. */
export function globMatcher(patterns: string[]): (value: string | undefined) => boolean {
  const regexps = patterns.map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i'));
  return (value) => value !== undefined && regexps.some((r) => r.test(value));
}

interface CompiledRestrictions { ips?: BlockList; referer?: (v: string | undefined) => boolean; userAgent?: (v: string | undefined) => boolean }

function compileRestrictions(r: KeyRestrictions | undefined): CompiledRestrictions | null {
  try {
    return {
      ips: r?.ips?.length ? ipRanges(r.ips) : undefined,
      referer: r?.referers?.length ? globMatcher(r.referers) : undefined,
      userAgent: r?.userAgents?.length ? globMatcher(r.userAgents) : undefined,
    };
  } catch {
    return null; // a hand-edited, malformed restriction denies rather than allows
  }
}

function claimList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export class Authenticator {
  readonly keys: KeyStore;
  private memberOf = new Map<string, string[]>();
  private restrictions = new WeakMap<KeyRecord, CompiledRestrictions | null>();
  private jwks?: JWTVerifyGetKey;

  /** `keysSource`: keys shared by replicas (see KeyStore). */
  constructor(private readonly config: AccessConfig, keysSource?: { current(): KeysFile | undefined }) {
    this.keys = new KeyStore(config.keysFile, config.keysReloadMs, keysSource);
    for (const [community, members] of Object.entries(config.communities)) {
      for (const user of members) this.memberOf.set(user, [...(this.memberOf.get(user) ?? []), community]);
    }
    const jwks = config.jwt?.jwks;
    if (jwks) {
      try {
        this.jwks = /^https?:\/\//i.test(jwks)
          ? createRemoteJWKSet(new URL(jwks), { cacheMaxAge: 10 * 60_000 })
          : createLocalJWKSet(JSON.parse(readFileSync(jwks, 'utf8')) as JSONWebKeySet);
      } catch (error) {
        throw new Error(`jwt.jwks ${jwks}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
  }

  private caller(method: Caller['method'], user: string, extra: string[] = [], keyId?: string): Caller {
    const communities = [...new Set([...(this.memberOf.get(user) ?? []), ...extra])].sort();
    return { method, user, communities, ...(keyId ? { keyId } : {}) };
  }

  /** Anonymous when nothing is presented; an error when something is presented and fails. */
  async authenticate(req: Request, presented: Presented): Promise<AuthResult> {
    if (presented.conflicting) return { ok: false, scheme: 'apikey', reason: 'two different API keys' };
    if (presented.apiKey !== undefined) return this.apiKey(req, presented.apiKey);
    const header = req.headers.authorization;
    if (!header) return { ok: true, caller: { method: 'anonymous', communities: [] } };
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme === 'basic') return this.basic(value);
    if (scheme === 'bearer') return parseKey(value) ? this.apiKey(req, value) : this.bearer(value);
    return { ok: false, scheme: 'basic', reason: `unsupported scheme ${scheme}` };
  }

  private async apiKey(req: Request, key: string): Promise<AuthResult> {
    const record = await this.keys.findKey(key);
    if (!record) return { ok: false, scheme: 'apikey', reason: 'unknown, revoked or expired key' };
    let compiled = this.restrictions.get(record);
    if (compiled === undefined) this.restrictions.set(record, (compiled = compileRestrictions(record.restrictions)));
    if (!compiled) return { ok: false, scheme: 'apikey', reason: `key ${record.id}: malformed restrictions` };
    if (compiled.ips && !ipAllowed(compiled.ips, req.ip)) return { ok: false, scheme: 'apikey', reason: `key ${record.id}: address ${req.ip} not allowed` };
    if (compiled.referer && !compiled.referer(req.get('referer'))) return { ok: false, scheme: 'apikey', reason: `key ${record.id}: referer not allowed` };
    if (compiled.userAgent && !compiled.userAgent(req.get('user-agent'))) return { ok: false, scheme: 'apikey', reason: `key ${record.id}: user agent not allowed` };
    return { ok: true, caller: this.caller('apikey', record.user, [], record.id) };
  }

  private async basic(value: string): Promise<AuthResult> {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { ok: false, scheme: 'basic', reason: 'malformed Basic credentials' };
    const user = decoded.slice(0, colon);
    if (!(await this.keys.checkPassword(user, decoded.slice(colon + 1)))) return { ok: false, scheme: 'basic', reason: `wrong password for ${user}` };
    return { ok: true, caller: this.caller('basic', user) };
  }

  private async bearer(token: string): Promise<AuthResult> {
    const jwt = this.config.jwt;
    if (!jwt || !this.jwks) return { ok: false, scheme: 'bearer', reason: 'no JWKS configured' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: jwt.issuer, audience: jwt.audience, algorithms: jwt.algorithms,
        clockTolerance: jwt.clockToleranceSeconds, requiredClaims: ['exp'],
      }));
    } catch (error) {
      const reason = error instanceof joseErrors.JOSEError ? `${error.code}: ${error.message}` : String(error);
      return { ok: false, scheme: 'bearer', reason };
    }
    const user = payload[jwt.userClaim];
    if (typeof user !== 'string' || !user) return { ok: false, scheme: 'bearer', reason: `no ${jwt.userClaim} claim` };
    return { ok: true, caller: this.caller('jwt', user, claimList(payload[jwt.communitiesClaim])) };
  }
}
