// The served collections: definitions paired with an open provider. Swappable as a whole so a
// new data directory can replace the old one without a restart and without mixing versions.
import { watch, readFileSync, existsSync, statSync, type FSWatcher } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import type { CollectionDefinition, Provider } from './types.js';
import { FlatGeobufProvider } from './providers/flatgeobuf/provider.js';
import { DataFileError } from './providers/data-error.js';

export interface ServedCollection {
  definition: CollectionDefinition;
  provider: Provider;
}

/** A collection whose file could not be opened: left out of list(), answered 503 by id. */
export interface UnavailableCollection {
  definition: CollectionDefinition;
  /** The file (for logs only: never sent to clients). */
  file: string;
  /** Why, without the server's paths. */
  reason: string;
}

export class Catalog {
  private byId: Map<string, ServedCollection>;
  private down: Map<string, UnavailableCollection>;

  constructor(collections: ServedCollection[], unavailable: UnavailableCollection[] = []) {
    this.byId = new Map(collections.map((c) => [c.definition.id, c]));
    this.down = new Map(unavailable.map((u) => [u.definition.id, u]));
  }

  list(): ServedCollection[] { return [...this.byId.values()]; }
  get(id: string): ServedCollection | undefined { return this.byId.get(id); }
  /** Collections of the data that cannot be served now (bad or missing file). */
  unavailable(): UnavailableCollection[] { return [...this.down.values()]; }
  unavailableCollection(id: string): UnavailableCollection | undefined { return this.down.get(id); }

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

export interface OpenCatalogOptions {
  /** Told about each collection left unavailable (its file is missing, truncated or corrupt). */
  onUnavailable?: (collection: UnavailableCollection) => void;
}

/**
 * Opens one FlatGeobuf provider per definition from a data directory (or the URLs they name). A file
 * that fails its checks leaves that collection unavailable (see Catalog.unavailable), not the others.
 */
export async function openCatalog(dataDir: string, definitions: CollectionDefinition[], options: OpenCatalogOptions = {}): Promise<Catalog> {
  const opened: ServedCollection[] = [];
  const unavailable: UnavailableCollection[] = [];
  try {
    for (const definition of definitions) {
      const location = locate(dataDir, definition.source);
      let provider: FlatGeobufProvider;
      try {
        provider = await FlatGeobufProvider.open(location, {
          idProperties: definition.idProperties,
          jsonColumns: definition.properties.filter((p) => p.type === 'array').map((p) => p.name),
        });
      } catch (error) {
        if (!(error instanceof DataFileError)) throw error;
        const down = { definition, file: error.file, reason: publicReason(error) };
        unavailable.push(down);
        options.onUnavailable?.(down);
        continue;
      }
      // One build may draw a collection's areas as points, the next as polygons: the file says which.
      const stored = SERVED_GEOMETRY[provider.header.geometryType];
      const served = definition.geometryType && stored && stored !== definition.geometryType ? { ...definition, geometryType: stored } : definition;
      opened.push({ definition: served, provider });
    }
  } catch (error) {
    await Promise.all(opened.map((c) => c.provider.close()));
    throw error;
  }
  return new Catalog(opened, unavailable);
}

/** The reason without the server's paths (the file is named in the log, not to clients). */
function publicReason(error: DataFileError): string {
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  if (cause?.code === 'ENOENT') return 'data file missing';
  if (cause?.code) return `data file unreadable (${cause.code})`;
  return error.message.split(error.file).join('<file>');
}

/** size, mtime and inode of the local files a catalog reads: a change means a file was replaced or rewritten in place. */
export function fileSignature(dataDir: string, definitions: CollectionDefinition[]): string {
  const parts: string[] = [];
  for (const definition of definitions) {
    const location = locate(dataDir, definition.source);
    if (/^https?:\/\//i.test(location)) continue;
    for (const file of [location, `${location}.ids`]) {
      try {
        const info = statSync(file);
        parts.push(`${file}:${info.size}:${info.mtimeMs}:${info.ino}`);
      } catch {
        parts.push(`${file}:-`);
      }
    }
  }
  return parts.join('\n');
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

interface Generation { catalog: Catalog; dir: string; signature: string; inFlight: number; retiredAt: number | null; closing: boolean }

export interface ReloadOptions {
  /** Period of the stat fallback when fs.watch misses an event (network file systems). */
  pollMs?: number;
  /** Minimum time an old catalog stays open after a swap, for work not tracked by track(). */
  graceMs?: number;
  onSwap?: (from: string, to: string) => void;
  onError?: (error: unknown, target: string) => void;
  /** Told about each collection left unavailable, at start and whenever its files change. */
  onUnavailable?: (collection: UnavailableCollection) => void;
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
    const signature = fileSignature(dir, definitions);
    const catalog = await openCatalog(dir, definitions, { onUnavailable: options.onUnavailable });
    const first: Generation = { catalog, dir, signature, inFlight: 0, retiredAt: null, closing: false };
    const reloading = new ReloadingCatalog(root, definitions, options, first);
    reloading.start();
    return reloading;
  }

  private start(): void {
    try {
      // The pointer is renamed over: watch the directory, not the file (whose inode changes). Any
      // other name may be a served file replaced in place: check() compares their signature.
      this.watcher = watch(this.root, () => void this.check());
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

  /**
   * Swaps to the version the pointer names if it changed, or reopens the served one if one of its
   * files was replaced or rewritten in place (a bad file then makes its collection unavailable);
   * true when a swap happened.
   */
  check(): Promise<boolean> {
    this.checking ??= this.swapIfChanged().finally(() => { this.checking = null; });
    return this.checking;
  }

  private async swapIfChanged(): Promise<boolean> {
    let target: string;
    try { target = resolveDataDir(this.root); } catch (error) { this.report(error, join(this.root, POINTER_FILE)); return false; }
    const inPlace = target === this.active.dir;
    const signature = fileSignature(target, this.definitions);
    if (inPlace && signature === this.active.signature) return false;
    let catalog: Catalog;
    try {
      catalog = await openCatalog(target, this.definitions, { onUnavailable: this.options.onUnavailable });
    } catch (error) {
      this.report(error, target); // keep serving the old version
      return false;
    }
    const bad = catalog.unavailable();
    if (!inPlace && bad.length > 0) {
      // A new version with a bad file: the previous one, whole, is better than a part of it.
      await catalog.close().catch(() => undefined);
      this.report(new Error(`unavailable collections: ${bad.map((u) => `${u.definition.id} (${u.reason})`).join(', ')}`), target);
      return false;
    }
    this.failed = null;
    const old = this.active;
    this.active = { catalog, dir: target, signature, inFlight: 0, retiredAt: null, closing: false };
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
