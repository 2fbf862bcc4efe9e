// The served collections: definitions paired with an open provider. Swappable as a whole so a
// new data directory can replace the old one without a restart and without mixing versions.
import { watch, readFileSync, existsSync, type FSWatcher } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
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

const SERVED_GEOMETRY: Partial<Record<GeometryType, CollectionDefinition['geometryType']>> = {
  [GeometryType.Point]: 'Point', [GeometryType.Polygon]: 'Polygon', [GeometryType.MultiPolygon]: 'MultiPolygon',
};

/** Opens one FlatGeobuf provider per definition from a data directory (or the URLs they name). */
export async function openCatalog(dataDir: string, definitions: CollectionDefinition[]): Promise<Catalog> {
  const opened: ServedCollection[] = [];
  try {
    for (const definition of definitions) {
      const provider = await FlatGeobufProvider.open(locate(dataDir, definition.source), {
        idProperties: definition.idProperties,
        jsonColumns: definition.properties.filter((p) => p.type === 'array').map((p) => p.name),
      });
      // One build may draw a collection's areas as points, the next as polygons: the file says which.
      const stored = SERVED_GEOMETRY[provider.header.geometryType];
      const served = definition.geometryType && stored && stored !== definition.geometryType ? { ...definition, geometryType: stored } : definition;
      opened.push({ definition: served, provider });
    }
  } catch (error) {
    await Promise.all(opened.map((c) => c.provider.close()));
    throw error;
  }
  return new Catalog(opened);
}

// --- Versioned data directories and hot reload ---------------------------------------------------
// A data directory may hold its files directly, or versions (e.g. versions/<timestamp>/) and a
// small pointer file `current` naming the one to serve, replaced atomically (write + rename).

export const POINTER_FILE = 'current';

/** The directory to serve: the version `current` points to, or `dataDir` itself when it has none. */
export function resolveDataDir(dataDir: string): string {
  const pointer = join(dataDir, POINTER_FILE);
  if (!existsSync(pointer)) return resolve(dataDir);
  const target = readFileSync(pointer, 'utf8').trim();
  if (!target) throw new Error(`${pointer} is empty`);
  return isAbsolute(target) ? target : resolve(dataDir, target);
}

interface Generation { catalog: Catalog; dir: string; inFlight: number; retiredAt: number | null; closing: boolean }

export interface ReloadOptions {
  /** Period of the stat fallback when fs.watch misses an event (network file systems). */
  pollMs?: number;
  /** Minimum time an old catalog stays open after a swap, for work not tracked by track(). */
  graceMs?: number;
  onSwap?: (from: string, to: string) => void;
  onError?: (error: unknown, target: string) => void;
}

/**
 * The current catalog of a data directory, replaced when its pointer changes: the new version is
 * opened fully before the swap; the old one is closed once the requests that started before the
 * swap have finished (see track) and the grace period has passed.
 */
export class ReloadingCatalog {
  private active: Generation;
  private retired = new Set<Generation>();
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<boolean> | null = null;
  private failed: string | null = null;

  private constructor(private root: string, private definitions: CollectionDefinition[], private options: ReloadOptions, first: Generation) {
    this.active = first;
  }

  static async open(root: string, definitions: CollectionDefinition[], options: ReloadOptions = {}): Promise<ReloadingCatalog> {
    const dir = resolveDataDir(root);
    const first: Generation = { catalog: await openCatalog(dir, definitions), dir, inFlight: 0, retiredAt: null, closing: false };
    const reloading = new ReloadingCatalog(root, definitions, options, first);
    reloading.start();
    return reloading;
  }

  private start(): void {
    try {
      // The pointer is renamed over: watch the directory, not the file (whose inode changes).
      this.watcher = watch(this.root, (_event, name) => { if (!name || name === POINTER_FILE) void this.check(); });
      this.watcher.on('error', () => { this.watcher?.close(); this.watcher = null; });
    } catch {
      this.watcher = null; // polling alone
    }
    this.timer = setInterval(() => void this.check(), this.options.pollMs ?? 2000);
    this.timer.unref();
  }

  catalog(): Catalog { return this.active.catalog; }
  get dataDir(): string { return this.active.dir; }
  /** Swapped-out catalogs not closed yet (requests still running on them, or within the grace). */
  get retiredCount(): number { return this.retired.size; }

  /** Counts a request against the catalog current when it starts, until its response closes. */
  track(response: { once(event: 'close', listener: () => void): unknown }): void {
    const generation = this.active;
    generation.inFlight++;
    response.once('close', () => {
      generation.inFlight--;
      this.closeIfIdle(generation);
    });
  }

  /** Swaps to the version the pointer names if it changed; true when a swap happened. */
  check(): Promise<boolean> {
    this.checking ??= this.swapIfChanged().finally(() => { this.checking = null; });
    return this.checking;
  }

  private async swapIfChanged(): Promise<boolean> {
    let target: string;
    try { target = resolveDataDir(this.root); } catch (error) { this.report(error, join(this.root, POINTER_FILE)); return false; }
    if (target === this.active.dir) return false;
    let catalog: Catalog;
    try {
      catalog = await openCatalog(target, this.definitions);
    } catch (error) {
      this.report(error, target); // keep serving the old version
      return false;
    }
    this.failed = null;
    const old = this.active;
    this.active = { catalog, dir: target, inFlight: 0, retiredAt: null, closing: false };
    old.retiredAt = Date.now();
    this.retired.add(old);
    const grace = this.options.graceMs ?? 5000;
    setTimeout(() => this.closeIfIdle(old), grace + 10).unref();
    this.options.onSwap?.(old.dir, target);
    return true;
  }

  private report(error: unknown, target: string): void {
    if (this.failed === target) return; // said once per faulty target
    this.failed = target;
    this.options.onError?.(error, target);
  }

  private closeIfIdle(generation: Generation): void {
    if (generation.retiredAt === null || generation.closing || generation.inFlight > 0) return;
    if (Date.now() - generation.retiredAt < (this.options.graceMs ?? 5000)) return;
    generation.closing = true;
    this.retired.delete(generation);
    void generation.catalog.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await this.checking?.catch(() => undefined);
    await Promise.all([this.active, ...this.retired].map((g) => g.catalog.close().catch(() => undefined)));
    this.retired.clear();
  }
}
