// One Redis connection per process for shared state (rate limits, keys, data notices). Never in a
// request's way: commands fail fast while Redis is down (no offline queue), the client reconnects
// by itself, and every user of the link falls back to local behaviour in the meantime.
import { Redis } from 'ioredis';

export type RedisState = 'connecting' | 'ready' | 'down';

export interface OpsLogger {
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
  error(details: object, message?: string): void;
}

export interface RedisLinkOptions {
  /** Milliseconds a command may take before it counts as failed (default 500). */
  commandTimeoutMs?: number;
  /** Prefix of every key and channel (default `prelevements:`), to share a Redis between services. */
  prefix?: string;
  logger?: OpsLogger;
}

/** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS); anything else is refused. */
export function checkRedisUrl(url: string): string {
  let parsed: URL;
  try { parsed = new URL(url); } catch { throw new Error(`--redis: not a URL: ${url}`); }
  if (!/^rediss?:$/.test(parsed.protocol)) throw new Error(`--redis: redis:// or rediss:// expected, not ${parsed.protocol}`);
  return url;
}

/** Redis URL without its password, for logs. */
export function redactUrl(url: string): string {
  try { const u = new URL(url); if (u.password) u.password = '***'; return u.toString(); } catch { return 'redis://?'; }
}

export class RedisLink {
  readonly client: Redis;
  readonly prefix: string;
  private stateValue: RedisState = 'connecting';
  private listeners = new Set<(state: RedisState) => void>();
  /** Times the link went down since start (metrics). */
  downs = 0;

  constructor(readonly url: string, private readonly options: RedisLinkOptions = {}) {
    this.prefix = options.prefix ?? 'prelevements:';
    this.client = this.connect(true);
  }

  /** A new connection with the link's settings (a subscriber needs its own). */
  connect(main = false): Redis {
    const client = new Redis(checkRedisUrl(this.url), {
      enableOfflineQueue: false, // a command while down fails at once: the caller falls back
      maxRetriesPerRequest: 0,
      commandTimeout: this.options.commandTimeoutMs ?? 500,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * times, 1000), // reconnect forever, at most every second
      lazyConnect: false,
    });
    if (main) {
      client.on('ready', () => this.set('ready'));
      client.on('end', () => this.set('down'));
      client.on('close', () => this.set('down'));
    }
    client.on('error', () => undefined); // reported through the state, not once per retry
    return client;
  }

  get state(): RedisState { return this.stateValue; }
  get ready(): boolean { return this.stateValue === 'ready'; }

  private set(state: RedisState): void {
    if (state === this.stateValue) return;
    const before = this.stateValue;
    this.stateValue = state;
    if (state === 'down') this.downs++;
    if (state === 'ready') this.options.logger?.info({ redis: redactUrl(this.url), before }, 'redis connected: shared state in use');
    else if (state === 'down' && before === 'ready') this.options.logger?.warn({ redis: redactUrl(this.url) }, 'redis unreachable: falling back to local rate limits and the last keys seen');
    for (const listener of this.listeners) listener(state);
  }

  onState(listener: (state: RedisState) => void): void { this.listeners.add(listener); }

  key(name: string): string { return `${this.prefix}${name}`; }

  /** Readiness check: true when a PING answers. */
  async ping(): Promise<boolean> {
    try { return (await this.client.ping()) === 'PONG'; } catch { return false; }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    try { await this.client.quit(); } catch { this.client.disconnect(); }
  }
}
