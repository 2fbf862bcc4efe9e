// Versioned data directories: each build goes into DIR/versions/<timestamp>/ with its manifest
// (files, sizes, SHA-256), and DIR/current.json (plus the older pointer DIR/current) is switched
// (temp file + rename, atomic) only once the whole build has succeeded.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { POINTER_FILE, resolveDataDir } from '../../server/catalog.js';
import { MANIFEST_FILE, manifestOf, VERSION_MANIFEST_FILE } from '../../server/storage/manifest.js';
import { buildCollections, type BuildInput, type BuildProgress } from '../build.js';

export const VERSIONS_DIR = 'versions';

export function hasPointer(root: string): boolean {
  return existsSync(join(root, POINTER_FILE));
}

/** A new, empty version directory; names sort in build order. */
export function newVersionDir(root: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
  const base = join(root, VERSIONS_DIR, stamp);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  mkdirSync(dir, { recursive: true });
  return dir;
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try { writeSync(fd, text); fsyncSync(fd); } finally { closeSync(fd); }
  renameSync(tmp, path);
}

/** Writes the version's own manifest (versions/<id>/manifest.json), published by publishVersion. */
export async function writeVersionManifest(versionDir: string): Promise<void> {
  const manifest = await manifestOf(versionDir, basename(versionDir));
  writeFileSync(join(versionDir, VERSION_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Points DIR at `versionDir` atomically: current.json becomes the version's manifest (when it has
 * one) and the pointer DIR/current names it; readers see the old or the new version, never half.
 */
export function publishVersion(root: string, versionDir: string): void {
  const own = join(versionDir, VERSION_MANIFEST_FILE);
  if (existsSync(own)) writeAtomically(join(root, MANIFEST_FILE), readFileSync(own, 'utf8'));
  else rmSync(join(root, MANIFEST_FILE), { force: true }); // a version without manifest: the pointer alone decides
  const tmp = join(root, `.${POINTER_FILE}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${relative(resolve(root), resolve(versionDir))}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(root, POINTER_FILE));
}

/** Removes old versions, keeping the `keep` newest and whatever the pointer names. */
export function pruneVersions(root: string, keep: number): string[] {
  const dir = join(root, VERSIONS_DIR);
  if (!existsSync(dir)) return [];
  const current = hasPointer(root) ? resolveDataDir(root) : null;
  const names = readdirSync(dir).sort();
  const removed: string[] = [];
  for (const name of names.slice(0, Math.max(0, names.length - keep))) {
    const path = resolve(dir, name);
    if (path === current) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

export interface VersionBuild { dir: string; counts: Record<string, number> }

/**
 * Builds every input into a new version, then publishes it. On any error the new version is
 * removed and the pointer is left as it was, so the served data never changes half-way.
 */
export async function buildVersion(root: string, inputs: BuildInput[], progress?: BuildProgress, keep = 3): Promise<VersionBuild> {
  const dir = newVersionDir(root);
  let counts: Record<string, number>;
  try {
    counts = await buildCollections(dir, inputs, progress);
    await writeVersionManifest(dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  publishVersion(root, dir);
  pruneVersions(root, Math.max(keep, 2));
  return { dir, counts };
}
