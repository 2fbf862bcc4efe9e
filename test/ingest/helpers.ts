// Shared by the ingest tests: temporary directories, the generator's records as Hub'Eau would
// serve them, and reading back what a build served.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDataDir } from '../../server/catalog.js';
import { FlatGeobufProvider } from '../../server/providers/flatgeobuf/provider.js';
import type { CollectionDefinition, Feature } from '../../server/types.js';
import type { Reject } from '../../collections/ingest/rejects.js';

export function tempDir(prefix = 'prelevements-ingest-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every feature of a served collection (current version of `root`), in file order. */
export async function servedFeatures(root: string, definition: CollectionDefinition): Promise<Feature[]> {
  const provider = await FlatGeobufProvider.open(join(resolveDataDir(root), definition.source), {
    idProperties: definition.idProperties,
    jsonColumns: definition.properties.filter((p) => p.type === 'array').map((p) => p.name),
  });
  try {
    const out: Feature[] = [];
    for await (const f of provider.scan()) out.push(f);
    return out;
  } finally {
    await provider.close();
  }
}

export function readRejects(root: string): Reject[] {
  return readFileSync(join(root, 'rejects.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

export const sortedIds = (features: Feature[]) => features.map((f) => f.id).sort();
