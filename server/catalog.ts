// The served collections: definitions paired with an open provider. Swappable as a whole so a
// new data directory can replace the old one without a restart and without mixing versions.
import { join } from 'node:path';
import type { CollectionDefinition, Provider } from './types.js';
import { FlatGeobufProvider } from './providers/flatgeobuf/provider.js';

export interface ServedCollection {
  definition: CollectionDefinition;
  provider: Provider;
}

export class Catalog {
  private byId: Map<string, ServedCollection>;

  constructor(collections: ServedCollection[]) {
    this.byId = new Map(collections.map((c) => [c.definition.id, c]));
  }

  list(): ServedCollection[] { return [...this.byId.values()]; }
  get(id: string): ServedCollection | undefined { return this.byId.get(id); }

  async close(): Promise<void> {
    await Promise.all(this.list().map((c) => c.provider.close()));
  }
}

export function locate(dataDir: string, source: string): string {
  return /^https?:\/\//i.test(source) ? source : join(dataDir, source);
}

/** Opens one FlatGeobuf provider per definition from a data directory (or the URLs they name). */
export async function openCatalog(dataDir: string, definitions: CollectionDefinition[]): Promise<Catalog> {
  const opened: ServedCollection[] = [];
  try {
    for (const definition of definitions) {
      const provider = await FlatGeobufProvider.open(locate(dataDir, definition.source), {
        idProperties: definition.idProperties,
        jsonColumns: definition.properties.filter((p) => p.type === 'array').map((p) => p.name),
      });
      opened.push({ definition, provider });
    }
  } catch (error) {
    await Promise.all(opened.map((c) => c.provider.close()));
    throw error;
  }
  return new Catalog(opened);
}
