// The served collections: definitions paired with an open provider. Swappable as a whole so a
// new data version can replace the old one without a restart and without mixing versions.
import { AsyncLocalStorage } from 'node:async_hooks';
import { watch, readFileSync, existsSync, statSync, type FSWatcher } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import type { CollectionDefinition, Provider } from './types.js';
import { FlatGeobufProvider } from './providers/flatgeobuf/provider.js';
import { DataFileError } from './providers/data-error.js';
import { isRemote, joinLocation } from './storage/location.js';
import { MANIFEST_FILE, parseManifest, readManifest, verifyManifest, type Manifest, type Verification } from './storage/manifest.js';
import { VersionGone } from './errors.js';

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
  return joinLocation(dataDir, source);
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
      let provider: FlatGeobufProvider;
      try {
        provider = await FlatGeobufProvider.open(locate(dataDir, definition.source), {
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
  if (isRemote(dataDir)) return '';
  const parts: string[] = [];
  for (const definition of definitions) {
    const location = locate(dataDir, definition.source);
    if (isRemote(location)) continue;
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

// --- Versioned data and hot reload ---------------------------------------------------------------
// A data location (local directory, http(s) base URL, s3://bucket/prefix) names the version to serve
// with a manifest `current.json` (storage/manifest.ts). A local directory may instead hold the older
// pointer file `current` (a version directory's path), or its files directly (no versions at all).

export const POINTER_FILE = 'current';

/** The directory to serve: the version current.json or `current` names, or `dataDir` itself. */
export function resolveDataDir(dataDir: string): string {
  const manifest = join(dataDir, MANIFEST_FILE);
  if (existsSync(manifest)) return resolve(dataDir, parseManifest(readFileSync(manifest, 'utf8'), manifest).base);
  const pointer = join(dataDir, POINTER_FILE);
  if (!existsSync(pointer)) return resolve(dataDir);
  const target = readFileSync(pointer, 'utf8').trim();
  if (!target) throw new Error(`${pointer} is empty`);
  return isAbsolute(target) ? target : resolve(dataDir, target);
}

/** What a data location says to serve now: files' location, version id (none for plain data) and manifest. */
export interface DataTarget { dir: string; version?: string; manifest?: Manifest }

export async function resolveTarget(root: string): Promise<DataTarget> {
  if (isRemote(root)) {
    const manifest = await readManifest(root);
    if (!manifest) throw new Error(`${joinLocation(root, MANIFEST_FILE)} not found: publish a version first (build-data or ingest --out, or publish)`);
    return { dir: joinLocation(root, manifest.base), version: manifest.version, manifest };
  }
  const manifest = await readManifest(root);
  if (manifest) return { dir: resolve(root, manifest.base), version: manifest.version, manifest };
  const dir = resolveDataDir(root);
  return { dir, version: dir === resolve(root) ? undefined : basename(dir) };
}

interface Generation { catalog: Catalog; dir: string; version?: string; signature: string; inFlight: number; retiredAt: number | null; closing: boolean }

export interface ReloadOptions {
  /** Period of the check for a new version (and of the stat fallback when fs.watch misses an event). */
  pollMs?: number;
  /** How long a replaced version stays readable (pinned paging links), in ms. Default 15 minutes. */
  graceMs?: number;
  /**
   * How a new manifest's files are checked before it is served. Default: sha256 for https/s3 (each
   * file streamed once), size for a local directory (written by this machine's own build).
   */
  verify?: Verification;
  onSwap?: (from: string, to: string, version?: string) => void;
  onError?: (error: unknown, target: string) => void;
  /** Told about each collection left unavailable, at start and whenever its files change. */
  onUnavailable?: (collection: UnavailableCollection) => void;
}

export const DEFAULT_GRACE_MS = 15 * 60_000;

/**
 * The current catalog of a data location, replaced when its manifest (or pointer) changes: the new
 * version is verified and opened fully before the swap. A request is bound to one version for its
 * whole life (pin); a replaced version stays readable for the grace period, then closes once the
 * requests on it have finished.
 */
export class ReloadingCatalog {
  private active: Generation;
  private retired = new Set<Generation>();
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<boolean> | null = null;
  private lastCheck = 0;
  private failed: string | null = null;
  private bound = new AsyncLocalStorage<Generation>();

  private constructor(private root: string, private definitions: CollectionDefinition[], private options: ReloadOptions, first: Generation) {
    this.active = first;
  }

  static async open(root: string, definitions: CollectionDefinition[], options: ReloadOptions = {}): Promise<ReloadingCatalog> {
    const location = isRemote(root) ? root : resolve(root);
    const target = await resolveTarget(location);
    const first = await ReloadingCatalog.openTarget(location, target, definitions, options);
    const reloading = new ReloadingCatalog(location, definitions, options, first);
    reloading.start();
    return reloading;
  }

  private static async openTarget(root: string, target: DataTarget, definitions: CollectionDefinition[], options: ReloadOptions): Promise<Generation> {
    if (target.manifest) await verifyManifest(root, target.manifest, definitions.map((d) => d.source), options.verify ?? (isRemote(root) ? 'sha256' : 'size'));
    const signature = fileSignature(target.dir, definitions);
    const catalog = await openCatalog(target.dir, definitions, { onUnavailable: options.onUnavailable });
    return { catalog, dir: target.dir, version: target.version, signature, inFlight: 0, retiredAt: null, closing: false };
  }

  private get graceMs(): number { return this.options.graceMs ?? DEFAULT_GRACE_MS; }

  private start(): void {
    if (!isRemote(this.root)) {
      try {
        // The manifest and pointer are renamed over: watch the directory, not the file (whose inode
        // changes). Any other name may be a served file replaced in place: check() compares signatures.
        this.watcher = watch(this.root, () => void this.check());
        this.watcher.on('error', () => { this.watcher?.close(); this.watcher = null; });
      } catch {
        this.watcher = null; // polling alone
      }
    }
    this.timer = setInterval(() => void this.check(), this.options.pollMs ?? 2000);
    this.timer.unref();
  }

  /** The catalog of the version this request is bound to (see pin), else the current one. */
  catalog(): Catalog { return (this.bound.getStore() ?? this.active).catalog; }
  /** Files' location of the current version. */
  get dataDir(): string { return this.active.dir; }
  /** Version id this request reads (bound or current); undefined for plain, unversioned data. */
  version(): string | undefined { return (this.bound.getStore() ?? this.active).version; }
  /** Version id currently served to new requests. */
  currentVersion(): string | undefined { return this.active.version; }
  /** Replaced versions still open (readable within the grace, or requests still running on them). */
  get retiredCount(): number { return this.retired.size; }
  /** Replaced versions still readable by a pinned link. */
  retiredVersions(): string[] { return [...this.retired].filter((g) => !g.closing && g.version).map((g) => g.version!); }

  /** Counts a request against the catalog current when it starts, until its response closes. */
  track(response: { once(event: 'close', listener: () => void): unknown }): void {
    this.hold(this.active, response);
  }

  private hold(generation: Generation, response: { once(event: 'close', listener: () => void): unknown }): void {
    generation.inFlight++;
    response.once('close', () => {
      generation.inFlight--;
      this.closeIfIdle(generation);
    });
  }

  private readable(version: string | undefined): Generation | undefined {
    if (version === undefined || version === this.active.version) return this.active;
    for (const g of this.retired) {
      if (g.version === version && !g.closing && g.retiredAt !== null && Date.now() - g.retiredAt < this.graceMs) return g;
    }
    return undefined;
  }

  /**
   * Binds a request to version `version` (a pinned link) or to the current one, until its response
   * closes, and runs `next` within. A version this replica has not seen yet triggers a check (another
   * replica may have switched first); one replaced longer ago than the grace is a VersionGone (410).
   */
  async pin(version: string | undefined, response: { once(event: 'close', listener: () => void): unknown }, next: () => void): Promise<void> {
    let generation = this.readable(version);
    if (!generation && Date.now() - this.lastCheck > 1000) {
      await this.check();
      generation = this.readable(version);
    }
    if (!generation) throw new VersionGone(version!, this.active.version);
    this.hold(generation, response);
    this.bound.run(generation, next);
  }

  /** Swaps to the version the manifest (or pointer) names if it changed; true when a swap happened. For a pub/sub notice. */
  checkNow(): Promise<boolean> { return this.check(); }

  check(): Promise<boolean> {
    this.checking ??= this.swapIfChanged().finally(() => { this.checking = null; this.lastCheck = Date.now(); });
    return this.checking;
  }

  private async swapIfChanged(): Promise<boolean> {
    let target: DataTarget;
    try { target = await resolveTarget(this.root); } catch (error) { const where = joinLocation(this.root, MANIFEST_FILE); this.report(error, where, where); return false; }
    // Same version: reopened only if one of its local files was replaced or rewritten in place (a bad
    // file then makes its collection unavailable, a good one again brings it back).
    const inPlace = target.dir === this.active.dir && target.version === this.active.version;
    if (inPlace && fileSignature(target.dir, this.definitions) === this.active.signature) return false;
    const key = `${target.version ?? ''}@${target.dir}${inPlace ? `#${fileSignature(target.dir, this.definitions)}` : ''}`;
    if (this.failed === key) return false; // refused already: not verified again at every poll
    let generation: Generation;
    try {
      generation = await ReloadingCatalog.openTarget(this.root, target, this.definitions, this.options);
    } catch (error) {
      this.report(error, key, target.dir); // keep serving the old version
      return false;
    }
    const bad = generation.catalog.unavailable();
    if (!inPlace && bad.length > 0) {
      // A new version with a bad file: the previous one, whole, is better than a part of it.
      await generation.catalog.close().catch(() => undefined);
      this.report(new Error(`unavailable collections: ${bad.map((u) => `${u.definition.id} (${u.reason})`).join(', ')}`), key, target.dir);
      return false;
    }
    this.failed = null;
    const old = this.active;
    this.active = generation;
    old.retiredAt = Date.now();
    this.retired.add(old);
    setTimeout(() => this.closeIfIdle(old), this.graceMs + 10).unref();
    this.options.onSwap?.(old.dir, target.dir, target.version);
    return true;
  }

  private report(error: unknown, key: string, target: string): void {
    if (this.failed === key) return; // said once per faulty target
    this.failed = key;
    this.options.onError?.(error, target);
  }

  private closeIfIdle(generation: Generation): void {
    if (generation.retiredAt === null || generation.closing || generation.inFlight > 0) return;
    if (Date.now() - generation.retiredAt < this.graceMs) return;
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
