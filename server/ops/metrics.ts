// Prometheus metrics (prom-client): requests by route template and status, latency histograms,
// storage requests and bytes, cache hits and misses, the data version, the Redis link. With
// node:cluster workers, `/metrics` asked of any worker answers the sum over all of them (the
// primary aggregates, prom-client's AggregatorRegistry).
import cluster from 'node:cluster';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';
import { opsStats, type StatsRegistry } from './stats.js';
import type { RedisLink } from './redis.js';

export const METRICS_PATH = '/metrics';
const PREFIX = 'prelevements_';
const TAG = 'prelevements:metrics';

/** The route template a request matched (`/collections/:collectionId/items`), never the raw path. */
export function routeOf(req: Request, status: number): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  if (status === 404) return 'unmatched';
  if (status === 401 || status === 403 || status === 429 || status === 204) return 'access';
  return 'other'; // static assets, answers given before routing
}

export interface Metrics {
  /** Counts and times every request except scrapes of /metrics; answers GET /metrics. */
  middleware: RequestHandler;
  fallback: Counter<'limiter'>;
}

let metrics: Metrics | undefined;

/** Once per process (prom-client's registry is global). */
export function createMetrics(stats: StatsRegistry = opsStats, link?: RedisLink): Metrics {
  if (metrics) return metrics;
  collectDefaultMetrics({ prefix: PREFIX });
  const requests = new Counter({ name: `${PREFIX}http_requests_total`, help: 'HTTP requests answered, by route template and status', labelNames: ['method', 'route', 'status'] });
  const duration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`, help: 'Time to the end of the response, by route template', labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  const fallback = new Counter({ name: `${PREFIX}rate_limit_local_fallback_total`, help: 'Rate-limit counts taken locally because Redis did not answer', labelNames: ['limiter'] });
  /** A metric whose values are read from elsewhere at each scrape. */
  const pulled = <T extends string>(name: string, help: string, labelNames: T[], read: (set: (labels: Partial<Record<T, string>>, value: number) => void) => void, type: 'counter' | 'gauge' = 'counter', aggregator: 'sum' | 'max' | 'min' | 'average' = 'sum') => {
    if (type === 'counter') {
      new Counter<T>({ name: `${PREFIX}${name}`, help, labelNames, collect(this: Counter<T>) { this.reset(); read((labels, value) => this.inc(labels, value)); } });
    } else {
      new Gauge<T>({ name: `${PREFIX}${name}`, help, labelNames, aggregator, collect(this: Gauge<T>) { this.reset(); read((labels, value) => this.set(labels, value)); } });
    }
  };
  pulled('storage_requests_total', 'Requests sent to the data storage (range reads)', ['storage'], (set) => { for (const [storage, read] of stats.storages) set({ storage }, read().requests); });
  pulled('storage_bytes_total', 'Bytes read from the data storage', ['storage'], (set) => { for (const [storage, read] of stats.storages) set({ storage }, read().bytes); });
  pulled('storage_errors_total', 'Failed requests to the data storage', ['storage'], (set) => { for (const [storage, read] of stats.storages) set({ storage }, read().errors ?? 0); });
  pulled('cache_hits_total', 'Cache hits (page, tile, block)', ['cache'], (set) => { for (const [cache, read] of stats.caches) set({ cache }, read().hits); });
  pulled('cache_misses_total', 'Cache misses (page, tile, block)', ['cache'], (set) => { for (const [cache, read] of stats.caches) set({ cache }, read().misses); });
  pulled('cache_hit_ratio', 'Hits over lookups since start (absent before any lookup)', ['cache'], (set) => {
    for (const [cache, read] of stats.caches) { const { hits, misses } = read(); if (hits + misses) set({ cache }, hits / (hits + misses)); }
  }, 'gauge', 'average');
  pulled('requests_in_flight', 'Requests admitted and not yet answered (admission control)', [], (set) => { if (stats.admission) set({}, stats.admission().active); }, 'gauge');
  pulled('requests_queued', 'Requests waiting for admission', [], (set) => { if (stats.admission) set({}, stats.admission().queued); }, 'gauge');
  pulled('requests_shed_total', 'Requests refused with 503 by admission control (queue full or waited too long)', [], (set) => { if (stats.admission) set({}, stats.admission().shed); });
  pulled('data_version_info', 'The data version served (label), value 1', ['version'], (set) => { const version = stats.dataVersion(); if (version) set({ version }, 1); }, 'gauge', 'max');
  pulled('redis_up', 'Redis reachable (1), unreachable (0); absent without --redis', [], (set) => { if (link) set({}, link.ready ? 1 : 0); }, 'gauge', 'min');
  pulled('redis_disconnections_total', 'Times Redis became unreachable since start', [], (set) => { if (link) set({}, link.downs); });

  const aggregate = cluster.isWorker ? new AggregatorRegistry() : undefined; // answers the primary's collection requests
  void aggregate;

  const middleware: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (req.path === METRICS_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      void exposition().then(({ text, type }) => {
        res.status(200).set({ 'Content-Type': type, 'Cache-Control': 'no-store' }).send(text);
      }, (error: unknown) => next(error));
      return;
    }
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = routeOf(req, res.statusCode);
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      duration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
  metrics = { middleware, fallback };
  return metrics;
}

/** This process's metrics, or every worker's summed when it is a cluster worker. */
async function exposition(): Promise<{ text: string; type: string }> {
  if (!cluster.isWorker || !process.send) return { text: await register.metrics(), type: register.contentType };
  const id = Math.random().toString(36).slice(2);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { process.off('message', listener); reject(new Error('metrics: the primary did not answer')); }, 5000);
    const listener = (message: { tag?: string; id?: string; text?: string; error?: string }) => {
      if (message?.tag !== TAG || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', listener);
      if (message.error !== undefined || message.text === undefined) reject(new Error(message.error ?? 'metrics: no answer'));
      else resolve({ text: message.text, type: register.contentType });
    };
    process.on('message', listener);
    process.send!({ tag: TAG, id });
  });
}

/** In the primary of `serve --workers N`: aggregates the workers' metrics for whichever worker asks. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { tag?: string; id?: string }) => {
    if (message?.tag !== TAG || typeof message.id !== 'string') return;
    aggregator.clusterMetrics().then(
      (text) => { if (worker.isConnected()) worker.send({ tag: TAG, id: message.id, text }); },
      (error: unknown) => { if (worker.isConnected()) worker.send({ tag: TAG, id: message.id, error: error instanceof Error ? error.message : String(error) }); },
    );
  });
}
