// The published data version: one small manifest `current.json` at the root of a data location
// names an immutable prefix `versions/<id>/` and every file in it with its size and SHA-256.
// Publishing writes every file first and replaces the manifest last (one atomic write).
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { joinLocation } from './location.js';
import { openStore, type ObjectStore } from './store.js';

export const MANIFEST_FILE = 'current.json';
/** Each version keeps its own copy, so rolling back is copying it over current.json. */
export const VERSION_MANIFEST_FILE = 'manifest.json';
export const VERSIONS_PREFIX = 'versions';

export interface ManifestFile { name: string; size: number; sha256: string }
export interface Manifest {
  version: string;
  /** Prefix of the version's files, relative to the data location (`versions/<id>/`). */
  base: string;
  created: string;
  files: ManifestFile[];
}

const VERSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function validVersionId(id: string): boolean {
  return VERSION_ID.test(id);
}

export class ManifestError extends Error {}

/** Parses and checks the shape of a manifest; names are plain (no `..`, no absolute paths). */
export function parseManifest(text: string, where: string): Manifest {
  let data: unknown;
  try { data = JSON.parse(text); } catch (error) { throw new ManifestError(`${where}: not JSON (${(error as Error).message})`); }
  const m = data as Partial<Manifest>;
  if (typeof m?.version !== 'string' || !validVersionId(m.version)) throw new ManifestError(`${where}: "version" missing or not a plain identifier`);
  const base = m.base ?? `${VERSIONS_PREFIX}/${m.version}/`;
  if (typeof base !== 'string' || base.split('/').some((part) => part === '..') || base.startsWith('/') || /^[a-z]+:/i.test(base)) throw new ManifestError(`${where}: "base" must be a relative prefix`);
  if (!Array.isArray(m.files) || m.files.length === 0) throw new ManifestError(`${where}: "files" missing or empty`);
  for (const f of m.files) {
    if (typeof f?.name !== 'string' || !FILE_NAME.test(f.name)) throw new ManifestError(`${where}: bad file name ${JSON.stringify(f?.name)}`);
    if (!Number.isSafeInteger(f.size) || f.size < 0) throw new ManifestError(`${where}: bad size for ${f.name}`);
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) throw new ManifestError(`${where}: bad sha256 for ${f.name}`);
  }
  return { version: m.version, base: base.endsWith('/') ? base : `${base}/`, created: String(m.created ?? ''), files: m.files };
}

/** The manifest at a data location, or null when it has none. */
export async function readManifest(location: string, store: ObjectStore = openStore(location)): Promise<Manifest | null> {
  const text = await store.readText(MANIFEST_FILE);
  return text === null ? null : parseManifest(text, joinLocation(location, MANIFEST_FILE));
}

export type Verification = 'sha256' | 'size';

/**
 * Refuses a manifest whose files are missing, of another size or (with 'sha256') of other
 * content, or that lacks a file the collections need. Hashing reads each file once, as a stream.
 */
export async function verifyManifest(location: string, manifest: Manifest, required: string[], mode: Verification = 'sha256', store: ObjectStore = openStore(location)): Promise<void> {
  const listed = new Set(manifest.files.map((f) => f.name));
  const absent = required.filter((name) => !listed.has(name));
  if (absent.length) throw new ManifestError(`version ${manifest.version}: the manifest lacks ${absent.join(', ')}`);
  for (const file of manifest.files) {
    const key = `${manifest.base}${file.name}`;
    const size = await store.size(key);
    if (size === null) throw new ManifestError(`version ${manifest.version}: ${key} is missing`);
    if (size !== file.size) throw new ManifestError(`version ${manifest.version}: ${key} has ${size} bytes, the manifest says ${file.size}`);
    if (mode === 'sha256') {
      const sum = await store.sha256(key);
      if (sum !== file.sha256) throw new ManifestError(`version ${manifest.version}: ${key} checksum mismatch (sha256 ${sum}, the manifest says ${file.sha256})`);
    }
  }
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (chunk) => hash.update(chunk)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
  });
}

/** A manifest describing the (non-hidden) files of a local directory, as version `id`. */
export async function manifestOf(dir: string, id: string): Promise<Manifest> {
  if (!validVersionId(id)) throw new ManifestError(`version id ${JSON.stringify(id)} is not a plain identifier`);
  const names = readdirSync(dir).filter((n) => !n.startsWith('.') && n !== VERSION_MANIFEST_FILE && statSync(join(dir, n)).isFile()).sort();
  const files: ManifestFile[] = [];
  for (const name of names) files.push({ name, size: statSync(join(dir, name)).size, sha256: await sha256File(join(dir, name)) });
  return { version: id, base: `${VERSIONS_PREFIX}/${id}/`, created: new Date().toISOString(), files };
}

/** A new version id; names sort in build order. */
export function newVersionId(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
}

export interface PublishOptions { onFile?: (name: string) => void }

/**
 * Publishes a local directory as a new version of `location`: every file under versions/<id>/,
 * the version's own manifest, and last current.json. A failure before the end leaves current.json
 * as it was (the partial version prefix is unreferenced).
 */
export async function publishDirectory(dir: string, location: string, id = newVersionId(), options: PublishOptions = {}): Promise<Manifest> {
  const store = openStore(location);
  if (!store.writable) throw new ManifestError(`${location} cannot be published to (read-only)`);
  const manifest = await manifestOf(dir, id);
  for (const file of manifest.files) {
    await store.putFile(`${manifest.base}${file.name}`, join(dir, file.name));
    options.onFile?.(file.name);
  }
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  await store.putText(`${manifest.base}${VERSION_MANIFEST_FILE}`, text);
  await store.putText(MANIFEST_FILE, text);
  return manifest;
}

/** Makes an already published version current again (roll back or forward): its manifest is copied over current.json. */
export async function activateVersion(location: string, id: string): Promise<Manifest> {
  if (!validVersionId(id)) throw new ManifestError(`version id ${JSON.stringify(id)} is not a plain identifier`);
  const store = openStore(location);
  const key = `${VERSIONS_PREFIX}/${id}/${VERSION_MANIFEST_FILE}`;
  const text = await store.readText(key);
  if (text === null) throw new ManifestError(`${joinLocation(location, key)} not found: no such published version`);
  const manifest = parseManifest(text, joinLocation(location, key));
  await store.putText(MANIFEST_FILE, text);
  return manifest;
}
