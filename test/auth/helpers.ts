// Access-control fixture made by code in a temp dir: two collections (one public, one restricted),
// a public and a restricted view, a YAML config, a keys file, a JWKS and tokens.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { stringify } from 'yaml';
import { buildCollections } from '../../collections/build.js';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { loadAccessConfig, type AccessConfig } from '../../server/auth/config.js';
import { createKey, setPassword } from '../../server/auth/keys.js';
import { withAccess, type Access } from '../../server/auth/middleware.js';
import type { CollectionDefinition } from '../../server/types.js';

export const lieux: CollectionDefinition = {
  id: 'lieux', title: 'Lieux publics', description: 'Collection publique de test', source: 'lieux.fgb', idProperties: ['code'], geometryType: 'Point',
  properties: [{ name: 'code', type: 'string', title: 'Code' }, { name: 'commune', type: 'string', title: 'Commune' }],
};

/** Restricted: its id, title and `montant_confidentiel` must never reach other callers. */
export const secrets: CollectionDefinition = {
  id: 'secrets', title: 'Registre Zeta', description: 'Registre Zeta restreint', source: 'secrets.fgb', idProperties: ['code'], geometryType: 'Point',
  properties: [
    { name: 'code', type: 'string', title: 'Code', sortable: true },
    { name: 'nom', type: 'string', title: 'Nom' },
    { name: 'agence', type: 'string', title: 'Agence' },
    { name: 'montant_confidentiel', type: 'number', title: 'Montant Zeta', sortable: true },
  ],
};

export interface SecretRecord { code: string; nom: string; agence: string; montant_confidentiel: number; lon: number; lat: number }

/** 24 points over France; every third one belongs to AELB. */
export function secretRecords(): SecretRecord[] {
  return Array.from({ length: 24 }, (_, i) => ({
    code: `S${String(i).padStart(3, '0')}`, nom: `Site ${i}`, agence: i % 3 === 0 ? 'AELB' : 'AERMC', montant_confidentiel: 1000 + i, lon: -1 + (i % 8), lat: 44 + Math.floor(i / 8),
  }));
}

/** Anything that would tell an outsider about the restricted data. */
export const LEAK = /secrets(?!_ouverts)|montant_confidentiel|Zeta/;

export const ISSUER = 'https://idp.test/realms/eau';
export const AUDIENCE = 'prelevements-test';

export interface Fixture {
  dir: string;
  configPath: string;
  keysPath: string;
  config: AccessConfig;
  catalog: Catalog;
  access: Access;
  app: Express;
  keys: { alice: string; carol: string; ipLimited: string; referer: string; bob: string };
  passwords: { alice: string; carol: string };
  jwt: (claims: Record<string, unknown>, expiresIn?: string | number) => Promise<string>;
  /** Another app over the same data with config overrides (rate limits, CORS…). */
  appWith: (overrides: Record<string, unknown>) => { app: Express; access: Access };
}

export function baseConfig(): Record<string, unknown> {
  return {
    realm: 'Test eau',
    default: 'restricted',
    collections: { lieux: 'public', secrets: 'restricted' },
    views: {
      secrets_ouverts: { from: 'secrets', access: 'public', title: 'Sites ouverts', description: 'Vue publique', exclude: ['montant_confidentiel'] },
      secrets_aelb: { from: 'secrets', access: 'restricted', title: 'Sites AELB', description: 'Vue AELB', filter: "agence = 'AELB'" },
    },
    communities: { partenaires: ['alice'], aelb: [] },
    permissions: { communities: { partenaires: ['secrets', 'secrets_aelb'], aelb: ['secrets_aelb'] }, users: { bob: ['secrets_aelb'] } },
    keys: 'keys.json',
    keysReloadMs: 0,
    jwt: { jwks: 'jwks.json', issuer: ISSUER, audience: AUDIENCE },
    rateLimit: false,
    trustProxy: 'loopback', // supertest's client is the proxy whose X-Forwarded-For the tests set
  };
}

export async function buildAccessFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ogc-access-'));
  await buildCollections(dir, [
    { definition: lieux, records: Array.from({ length: 6 }, (_, i) => ({ properties: { code: `L${i}`, commune: `Commune ${i}` }, lon: 2 + i / 10, lat: 47 })) },
    { definition: secrets, records: secretRecords().map(({ lon, lat, ...properties }) => ({ properties, lon, lat })) },
  ]);
  const catalog = await openCatalog(dir, [lieux, secrets]);

  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'test', alg: 'ES256', use: 'sig' }] }));
  const jwt = (claims: Record<string, unknown>, expiresIn: string | number = '1h') => sign(privateKey, claims, expiresIn);

  const keysPath = join(dir, 'keys.json');
  const keys = {
    alice: (await createKey(keysPath, { user: 'alice' })).key,
    carol: (await createKey(keysPath, { user: 'carol' })).key,
    bob: (await createKey(keysPath, { user: 'bob' })).key,
    ipLimited: (await createKey(keysPath, { user: 'alice', restrictions: { ips: ['10.0.0.0/8', '2001:db8::/32'] } })).key,
    referer: (await createKey(keysPath, { user: 'alice', restrictions: { referers: ['https://*.example.org/*'], userAgents: ['QGIS/*'] } })).key,
  };
  const passwords = { alice: await setPassword(keysPath, 'alice', 'correct horse battery'), carol: await setPassword(keysPath, 'carol') };

  const configPath = join(dir, 'access.yaml');
  writeFileSync(configPath, stringify(baseConfig()));
  const config = loadAccessConfig(configPath);
  const make = (cfg: AccessConfig) => {
    const access = withAccess(cfg, () => catalog);
    const app = createApp({ info: { title: 'Test', description: 'Service de test' }, catalog: access.catalog, before: access.before, trustProxy: cfg.trustProxy });
    return { app, access };
  };
  const { app, access } = make(config);
  const appWith = (overrides: Record<string, unknown>) => {
    const path = join(dir, `access-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, stringify({ ...baseConfig(), ...overrides }));
    return make(loadAccessConfig(path));
  };
  return { dir, configPath, keysPath, config, catalog, access, app, keys, passwords, jwt, appWith };
}

function sign(key: CryptoKey, claims: Record<string, unknown>, expiresIn: string | number): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'test' }).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime(expiresIn).sign(key);
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function withQuery(url: string, name: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}
