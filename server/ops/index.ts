// Operations of a served replica: Redis shared state, metrics, request logs, readiness checks,
// graceful stop. `startOps` gives serve what to plug in; without `redis` everything stays local.
import type { RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import { subscribeDataNotices, type DataNotice } from './data-notice.js';
import { RedisKeysSource, type KeysSource } from './keys-sync.js';
import { createMetrics } from './metrics.js';
import { FallbackStore } from './rate-limit.js';
import { drainingCheck, redisCheck, type ReadinessCheck } from './readiness.js';
import { RedisLink, redactUrl } from './redis.js';
import { requestLogger } from './request-log.js';
import { Shutdown } from './shutdown.js';
import { opsStats } from './stats.js';

export { CacheCounter, opsStats, StatsRegistry, type CacheStats, type StorageStats } from './stats.js';
export { publishDataNotice, subscribeDataNotices, type DataNotice } from './data-notice.js';
export { withRedisKeys, RedisKeysSource, type KeysSource } from './keys-sync.js';
export { serveClusterMetrics, METRICS_PATH } from './metrics.js';
export { redisCheck, storageCheck, drainingCheck, runChecks, type ReadinessCheck } from './readiness.js';
export { RedisLink, checkRedisUrl, redactUrl } from './redis.js';
export { Shutdown } from './shutdown.js';

export interface OpsOptions {
  logger: Logger;
  /** Redis URL: shared rate limits, keys and data notices. */
  redis?: string;
  /** One log line per request (default true). */
  accessLog?: boolean;
  /** Local store the rate limits fall back to while Redis is down (default: process memory). */
  localRateLimitStore?: (name: 'ip' | 'credential') => Store;
}

export interface Ops {
  link?: RedisLink;
  /** Request id + log, metrics and /metrics, drain: the first middleware of the app. */
  observe: RequestHandler[];
  /** For withAccess: Redis-shared counters with a local fallback; undefined without Redis. */
  rateLimitStore?: (name: 'ip' | 'credential') => Store;
  /** For withAccess: keys shared through Redis; undefined without Redis. */
  keysSource?: KeysSource;
  shutdown: Shutdown;
  /** For the health routes: Redis (not critical) and accepting (false once stopping). */
  readiness: ReadinessCheck[];
  /** Called with each data notice heard on Redis (connect it to the catalog's check). */
  onDataNotice(listener: (notice: DataNotice) => void): void;
  close(): Promise<void>;
}

export function startOps(options: OpsOptions): Ops {
  const { logger } = options;
  const link = options.redis ? new RedisLink(options.redis, { logger }) : undefined;
  const metrics = createMetrics(opsStats, link);
  const shutdown = new Shutdown();
  const closers: (() => void | Promise<void>)[] = [];
  let rateLimitStore: Ops['rateLimitStore'];
  let keysSource: RedisKeysSource | undefined;
  const readiness = [drainingCheck(shutdown)];
  if (link) {
    logger.info({ redis: redactUrl(link.url) }, 'shared state in Redis');
    let warned = 0;
    rateLimitStore = (name) => new FallbackStore(link, name, options.localRateLimitStore?.(name), {
      onFallback: (limiter) => {
        metrics.fallback.inc({ limiter });
        if (Date.now() - warned > 60_000) { warned = Date.now(); logger.warn({ limiter }, 'rate limit counted locally: Redis unreachable'); }
      },
    });
    keysSource = new RedisKeysSource(link, 1000, (error) => logger.warn({ err: error }, 'keys in Redis unreadable: keeping the last ones'));
    const source = keysSource;
    closers.push(() => source.close());
    readiness.push(redisCheck(link));
  }
  return {
    link, rateLimitStore, keysSource, shutdown, readiness,
    observe: [requestLogger(logger, options.accessLog ?? true), shutdown.middleware, metrics.middleware],
    onDataNotice(listener) {
      if (link) closers.push(subscribeDataNotices(link, listener));
    },
    async close() {
      for (const close of closers) await close();
      await link?.close();
    },
  };
}
