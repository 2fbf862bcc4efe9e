// Builds straight to object storage: into a local temporary directory, then published as a new
// version (files under versions/<id>/, then current.json); the temporary directory is removed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { describeLocation } from '../server/storage/location.js';
import { publishDirectory, type Manifest } from '../server/storage/manifest.js';

export async function publishBuild(target: string, build: (dir: string) => Promise<void>, logger?: Logger, id?: string): Promise<Manifest> {
  const dir = mkdtempSync(join(tmpdir(), 'prelevements-publish-'));
  try {
    await build(dir);
    const manifest = await publishDirectory(dir, target, id, { onFile: (name) => logger?.info({ name }, 'uploaded') });
    logger?.info({ out: describeLocation(target), version: manifest.version, files: manifest.files.length }, 'version published');
    return manifest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
