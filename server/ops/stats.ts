// Counters other modules expose to the metrics, without depending on prom-client: storage
// requests and bytes (object storage, HTTP, file), cache hits and misses, the served data version.
// A module either registers a reader (pulled at each scrape) or pushes through a CacheCounter.

export interface StorageStats {
  /** Requests (range reads) sent to the storage since start. */
  requests: number;
  /** Bytes received from it since start. */
  bytes: number;
  /** Failed requests since start. */
  errors?: number;
}

export interface CacheStats { hits: number; misses: number }

/** Admission control (server/admission.ts): requests running, waiting, refused since start. */
export interface AdmissionCounts { active: number; queued: number; shed: number }

/** Push style, for caches that count as they answer. */
export class CacheCounter implements CacheStats {
  hits = 0;
  misses = 0;
  record(hit: boolean): void { if (hit) this.hits++; else this.misses++; }
}

export class StatsRegistry {
  readonly storages = new Map<string, () => StorageStats>();
  readonly caches = new Map<string, () => CacheStats>();
  private counters = new Map<string, CacheCounter>();
  private version: () => string | undefined = () => undefined;
  admission?: () => AdmissionCounts;

  /** `name`: a label such as `s3`, `http` or `file`; `read` is called at each scrape. */
  registerStorage(name: string, read: () => StorageStats): void { this.storages.set(name, read); }
  registerCache(name: string, read: () => CacheStats): void { this.caches.set(name, read); }

  /** A counter registered under `name` (the same one on every call). */
  cache(name: string): CacheCounter {
    let counter = this.counters.get(name);
    if (!counter) {
      this.counters.set(name, (counter = new CacheCounter()));
      const c = counter;
      this.registerCache(name, () => c);
    }
    return counter;
  }

  registerAdmission(read: () => AdmissionCounts): void { this.admission = read; }

  /** The data version served (a manifest id, a version directory). */
  registerDataVersion(read: () => string | undefined): void { this.version = read; }
  dataVersion(): string | undefined { return this.version(); }
}

/** The process's registry: modules of the engine record here, the metrics endpoint reads here. */
export const opsStats = new StatsRegistry();
