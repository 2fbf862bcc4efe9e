// Rate-limit counters shared by every replica through Redis (rate-limit-redis), with a local store
// taking over while Redis is unreachable: limits then hold per process (or per host, with the
// workers' cluster store) instead of failing requests. When Redis answers again, shared counts resume.
import { MemoryStore, type ClientRateLimitInfo, type Options, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { RedisLink } from './redis.js';

export interface FallbackEvents {
  /** Called for each count taken locally because Redis failed (metrics). */
  onFallback?: (name: string) => void;
}

export class FallbackStore implements Store {
  private redis: RedisStore;
  private options?: Options;
  private initialised: Promise<void> | null = null;
  readonly prefix: string;

  constructor(private readonly link: RedisLink, private readonly name: string, private readonly local: Store = new MemoryStore(), private readonly events: FallbackEvents = {}) {
    this.prefix = link.key(`rl:${name}:`);
    this.redis = new RedisStore({
      prefix: this.prefix,
      sendCommand: (...args: string[]) => link.client.call(args[0], ...args.slice(1)) as Promise<RedisReply>,
    });
    // Scripts are loaded again on each reconnection (a restarted Redis has lost them).
    link.onState((state) => { if (state === 'ready') this.initialised = null; });
  }

  init(options: Options): void {
    this.options = options;
    void this.local.init?.(options);
  }

  private async shared(): Promise<RedisStore | null> {
    if (!this.link.ready || !this.options) return null;
    this.initialised ??= this.redis.init(this.options);
    try {
      await this.initialised;
      return this.redis;
    } catch {
      this.initialised = null;
      return null;
    }
  }

  private fallback(): void { this.events.onFallback?.(this.name); }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const store = await this.shared();
    if (store) {
      try { return await store.increment(key); } catch { /* Redis failed mid-way: count locally */ }
    }
    this.fallback();
    return this.local.increment(key);
  }

  async decrement(key: string): Promise<void> {
    const store = await this.shared();
    if (store) {
      try { await store.decrement(key); return; } catch { /* local below */ }
    }
    await this.local.decrement(key);
  }

  async resetKey(key: string): Promise<void> {
    const store = await this.shared();
    if (store) await store.resetKey(key).catch(() => undefined);
    await this.local.resetKey(key);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const store = await this.shared();
    if (store) {
      try { return await store.get(key); } catch { /* local below */ }
    }
    return this.local.get?.(key);
  }

  async shutdown(): Promise<void> { await this.local.shutdown?.(); }
}
