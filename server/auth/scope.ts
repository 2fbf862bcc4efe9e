// Per-caller catalogs: the base collections plus the configured views, less what the caller may
// not see. Routes only ever ask the catalog getter, so anything they list or serve (landing page,
// /collections, /api, queryables, tiles, HTML) is scoped without touching them.
import { Catalog, type ServedCollection } from '../catalog.js';
import { batchesOf, type FeaturePredicate, type Provider, type ProviderQuery, type ProviderResult, type ProviderStats, type Rect, type Feature, type ScanOptions } from '../types.js';
import { createView, ViewError } from '../views.js';
import type { Access, AccessConfig } from './config.js';
import { currentCaller, type Caller } from './context.js';

/** Who may see which collection or view id. */
export class AccessPolicy {
  private views: Map<string, AccessConfig['views'][number]>;

  constructor(readonly config: AccessConfig) {
    this.views = new Map(config.views.map((v) => [v.id, v]));
  }

  accessOf(id: string): Access {
    return this.views.get(id)?.access ?? this.config.collections[id] ?? this.config.defaultAccess;
  }

  /** Ids granted to the caller (its user and communities); '*' grants every restricted one. */
  granted(caller: Caller): Set<string> {
    const out = new Set<string>();
    if (!caller.user) return out;
    const { users, communities } = this.config.permissions;
    const lists = [Object.hasOwn(users, caller.user) ? users[caller.user] : [], ...caller.communities.map((c) => (Object.hasOwn(communities, c) ? communities[c] : []))];
    for (const list of lists) for (const id of list) out.add(id);
    return out;
  }

  visible(id: string, granted: Set<string>): boolean {
    return this.accessOf(id) === 'public' || granted.has('*') || granted.has(id);
  }
}

/**
 * A provider whose version names its collection. Caches keyed by the versions of several
 * collections (dataset tile ETags) could otherwise hand one scope a tile rendered for another when
 * two collections report the same version (remote files sharing a Last-Modified second).
 */
class TaggedProvider implements Provider {
  readonly readAt?: (indices: Uint32Array) => AsyncIterable<Feature>;
  constructor(private readonly inner: Provider, private readonly id: string) {
    this.readAt = inner.readAt?.bind(inner);
  }
  async stats(): Promise<ProviderStats> {
    const stats = await this.inner.stats();
    return { ...stats, version: `${this.id}@${stats.version}` };
  }
  query(query: ProviderQuery): Promise<ProviderResult> { return this.inner.query(query); }
  scan(bbox?: Rect, predicate?: FeaturePredicate, options?: ScanOptions): AsyncIterable<Feature> { return this.inner.scan(bbox, predicate, options); }
  scanBatches(bbox?: Rect, predicate?: FeaturePredicate, options?: ScanOptions): AsyncIterable<Feature[]> { return batchesOf(this.inner, bbox, predicate, options); }
  get(id: string): Promise<Feature | null> { return this.inner.get(id); }
  /** The base catalog closes the real provider. */
  async close(): Promise<void> {}
}

interface Scoped {
  all: ServedCollection[];
  ids: Set<string>;
  classes: Map<string, Catalog>;
}

/** Each view right after its source; a view whose source is absent from this data is left out. */
export function withViews(base: Catalog, config: AccessConfig, onError?: (error: ViewError) => void): ServedCollection[] {
  const out: ServedCollection[] = [];
  for (const served of base.list()) {
    out.push(served);
    for (const spec of config.views.filter((v) => v.from === served.definition.id)) {
      try {
        if (base.get(spec.id)) throw new ViewError(`view ${spec.id}: a collection already has this id`);
        out.push(createView(served, spec));
      } catch (error) {
        if (!(error instanceof ViewError) || !onError) throw error;
        onError(error);
      }
    }
  }
  return out;
}

export interface ScopedCatalogOptions {
  /** Told about a view that cannot be built on a new data version (it is left out). */
  onViewError?: (error: ViewError) => void;
}

/** The scoped catalogs of one base catalog, rebuilt when the base is swapped (hot reload). */
export class CatalogScoper {
  readonly policy: AccessPolicy;
  private cache = new WeakMap<Catalog, Scoped>();

  constructor(private readonly getBase: () => Catalog, readonly config: AccessConfig, private readonly options: ScopedCatalogOptions = {}) {
    this.policy = new AccessPolicy(config);
  }

  private scoped(): Scoped {
    const base = this.getBase();
    let scoped = this.cache.get(base);
    if (!scoped) {
      const all = withViews(base, this.config, this.options.onViewError ?? (() => undefined))
        .map((c) => ({ definition: c.definition, provider: new TaggedProvider(c.provider, c.definition.id) }));
      scoped = { all, ids: new Set(all.map((c) => c.definition.id)), classes: new Map() };
      this.cache.set(base, scoped);
    }
    return scoped;
  }

  /** Whether the id names a collection or view of the current data, visible or not. */
  exists(id: string): boolean {
    return this.scoped().ids.has(id);
  }

  visibleTo(caller: Caller, id: string): boolean {
    return this.policy.visible(id, this.policy.granted(caller));
  }

  /** The catalog this caller may see; one per set of grants, shared by every caller holding it. */
  catalogFor(caller: Caller): Catalog {
    const scoped = this.scoped();
    const granted = this.policy.granted(caller);
    const key = [...granted].sort().join('\n');
    let catalog = scoped.classes.get(key);
    if (!catalog) {
      if (scoped.classes.size >= 256) scoped.classes.clear(); // bounded even if claims vary wildly
      const base = this.getBase().unavailable().filter((u) => this.policy.visible(u.definition.id, granted));
      catalog = new Catalog(scoped.all.filter((c) => this.policy.visible(c.definition.id, granted)), base);
      scoped.classes.set(key, catalog);
    }
    return catalog;
  }

  /** The getter for createApp: reads the caller of the current request. */
  getter(): () => Catalog {
    return () => this.catalogFor(currentCaller());
  }

  /** Builds views on the current data now, so a bad filter or property list fails at start. */
  validate(): string[] {
    const base = this.getBase();
    withViews(base, this.config);
    const known = new Set([...base.list().map((c) => c.definition.id), ...this.config.views.map((v) => v.id)]);
    const warnings: string[] = [];
    for (const v of this.config.views) if (!base.get(v.from)) warnings.push(`view ${v.id}: source collection ${v.from} is not in the data`);
    for (const id of Object.keys(this.config.collections)) if (!known.has(id)) warnings.push(`collections.${id}: not in the data`);
    for (const [kind, grants] of Object.entries(this.config.permissions)) {
      for (const [name, ids] of Object.entries(grants)) {
        for (const id of ids) {
          if (id !== '*' && !known.has(id)) warnings.push(`permissions.${kind}.${name}: ${id} is not in the data`);
          else if (id !== '*' && this.policy.accessOf(id) === 'public') warnings.push(`permissions.${kind}.${name}: ${id} is public already`);
        }
      }
    }
    return warnings;
  }
}

/** A catalog getter returning, per caller, only the collections and views it may see. */
export function scopedCatalog(getBase: () => Catalog, config: AccessConfig, options?: ScopedCatalogOptions): () => Catalog {
  return new CatalogScoper(getBase, config, options).getter();
}
