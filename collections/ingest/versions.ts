// Versioned data directories: each build goes into DIR/versions/<timestamp>/, and the pointer
// DIR/current is switched (temp file + rename, atomic) only once the whole build has succeeded.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { POINTER_FILE, resolveDataDir } from '../../server/catalog.js';
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

/** Points DIR/current at `versionDir` atomically: readers see the old or the new name, never half. */
export function publishVersion(root: string, versionDir: string): void {
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
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  publishVersion(root, dir);
  pruneVersions(root, Math.max(keep, 2));
  return { dir, counts };
}
