#!/usr/bin/env node
// prelevements: serve the OGC API, build the default dataset, ingest Hub'Eau data.
import { writeColumnsSidecar } from './server/providers/flatgeobuf/columns-build.js';
import { Command, InvalidArgumentError } from 'commander';
import { MultiBar, SingleBar, Presets } from 'cli-progress';
import { basename, resolve } from 'node:path';
import { pino } from 'pino';
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { createApp, MAX_HEADER_SIZE } from './server/app.js';
import { domainParts } from './collections/parts.js';
import { collectionsCheck } from './server/routes/health.js';
import { checkBaseUrl } from './server/context.js';
import { hardenServer } from './server/security.js';
import { startLoopMonitor } from './server/loop-monitor.js';
import { ADMISSION_DEFAULTS } from './server/admission.js';
import { openCatalog, ReloadingCatalog, resolveDataDir, resolveTarget } from './server/catalog.js';
import { configureStorage, storageStats } from './server/storage/limits.js';
import { describeLocation, isRemote } from './server/storage/location.js';
import { activateVersion, publishDirectory, type Verification } from './server/storage/manifest.js';
import { publishBuild } from './collections/publish.js';
import { AccessConfigError, ClusterStore, loadAccessConfig, registerAccessCommands, serveClusterRateLimits, withAccess, type AccessConfig } from './server/auth/index.js';
import { rebuildTileSidecars, writeBuiltTiles, type BuildProgress } from './collections/build.js';
import { buildDefaultDataset, datasetPresent } from './collections/dataset.js';
import { collections } from './collections/definitions/index.js';
import { SERVICE_INFO } from './collections/service.js';
import { opsStats, serveClusterMetrics, startOps, storageCheck } from './server/ops/index.js';
import { asProbe } from './server/ops/readiness.js';
import { announceDataVersion, redisKeysSync } from './server/ops/cli-hooks.js';
import { basemap } from './collections/style.js';
import { basemapSources, parseOnlineBasemap, type OnlineBasemap } from './server/routes/basemap.js';
import { formatSummary, HUBEAU_BASE_URL, IngestError, ingestFromApi, ingestFromFiles, type IngestSummary } from './collections/ingest/index.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

function number(name: string, min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${name} must be a number ≥ ${min}`);
    return n;
  };
}

function progressBar(): BuildProgress {
  let bar: SingleBar | null = null;
  return {
    start(collection, total) {
      if (!process.stderr.isTTY) { logger.info({ collection, estimate: total }, 'building'); return; }
      bar = new SingleBar({ format: `${collection.padEnd(20)} [{bar}] {percentage}% {value}/{total} {eta_formatted}`, stream: process.stderr }, Presets.shades_classic);
      bar.start(Math.max(total, 1), 0);
    },
    tick(count) { if (bar) { if (count > bar.getTotal()) bar.setTotal(count); bar.update(count); } },
    stop() { bar?.stop(); bar = null; },
  };
}

async function build(out: string, scale: number): Promise<void> {
  const started = Date.now();
  const counts = await buildDefaultDataset(out, scale, progressBar());
  logger.info({ out, scale, counts, seconds: (Date.now() - started) / 1000 }, 'dataset built');
}

const program = new Command('prelevements').description("Serveur OGC API des prélèvements en eau (BNPE / Hub'Eau)");

program.command('serve')
  .description('serve the OGC API (builds the default dataset first when the data directory lacks it)')
  .option('-p, --port <n>', 'port', number('port', 0), Number(process.env.PORT ?? 8080))
  .option('-H, --host <host>', 'address to listen on', process.env.HOST ?? '0.0.0.0')
  .option('-d, --data <location>', 'data: a directory, an https:// base URL or s3://bucket/prefix (holding current.json)', process.env.DATA_DIR ?? 'data')
  .option('--scale <s>', 'scale of the default dataset built when missing', number('scale', 0.0001), Number(process.env.SCALE ?? 1))
  .option('--base-url <url>', 'public base URL (behind a proxy)', process.env.BASE_URL)
  .option('-w, --workers <n>', 'worker processes sharing the port (default: one per CPU core)', number('workers', 1), Number(process.env.WORKERS ?? availableParallelism()))
  .option('--hubeau-size <n>', "Hub'Eau-compatible API: default page size", number('hubeau size', 1), Number(process.env.HUBEAU_SIZE ?? 1000))
  .option('--hubeau-max-size <n>', "Hub'Eau-compatible API: largest page size", number('hubeau max size', 1), Number(process.env.HUBEAU_MAX_SIZE ?? 20000))
  .option('--hubeau-max-depth <n>', "Hub'Eau-compatible API: page × size limit, as Hub'Eau (0: none; cursor paging never has one)", number('hubeau max depth', 0), Number(process.env.HUBEAU_MAX_DEPTH ?? 20000))
  .option('--count-limit <features>', 'items leave numberMatched out when counting would test more features than this (indexed conditions are always counted)', number('count limit', 0), Number(process.env.COUNT_LIMIT ?? 3_000_000))
  .option('--page-cache <MiB>', 'GeoJSON pages kept in memory per worker, served again without reading the data (0: none)', number('page cache', 0), Number(process.env.PAGE_CACHE_MIB ?? 64))
  .option('--no-compression', 'never compress answers (when a proxy in front compresses); or COMPRESSION=off')
  .option('--basemap <url>', 'online basemap of the maps instead of the offline one: a MapLibre style URL, or an XYZ raster template with {z}/{x}/{y}', process.env.BASEMAP)
  .option('--basemap-attribution <text>', 'attribution shown with the online basemap', process.env.BASEMAP_ATTRIBUTION)
  .option('-c, --config <file>', 'access configuration, YAML or JSON: restricted collections, views, credentials (without it everything is public)', process.env.ACCESS_CONFIG)
  .option('--storage-timeout <ms>', 'deadline of one storage request (range read, manifest): past it the request answers 504', number('storage timeout', 1), Number(process.env.STORAGE_TIMEOUT_MS ?? 10_000))
  .option('--poll <s>', 'seconds between two checks of the manifest for a new version (default 2 for a directory, 10 for https/s3)', number('poll', 0.01), process.env.DATA_POLL_SECONDS ? Number(process.env.DATA_POLL_SECONDS) : undefined)
  .option('--grace <s>', 'seconds a replaced version stays readable by pinned paging links (then 410)', number('grace', 0), Number(process.env.DATA_GRACE_SECONDS ?? 900))
  .option('--verify <mode>', 'check of a new version\'s files before serving it: sha256 (reads each file once; default for https/s3) or size (default for a directory)', verification, process.env.DATA_VERIFY as Verification | undefined)
  .option('--redis <url>', 'Redis shared by the replicas: rate-limit counters, API keys, data-version notices (redis://host:6379)', process.env.REDIS_URL)
  .option('--shutdown-timeout <s>', 'seconds the requests in flight get to finish on SIGTERM', number('shutdown timeout', 0), Number(process.env.SHUTDOWN_TIMEOUT ?? 25))
  .option('--max-inflight <n>', 'requests served at once per worker; the others wait in arrival order (admission control)', number('max inflight', 1), Number(process.env.MAX_INFLIGHT ?? ADMISSION_DEFAULTS.concurrency))
  .option('--max-queued <n>', 'requests allowed to wait per worker; beyond, or after --max-wait, 503 with Retry-After', number('max queued', 0), Number(process.env.MAX_QUEUED ?? ADMISSION_DEFAULTS.queue))
  .option('--max-wait <s>', 'seconds a request may wait for admission before a 503', number('max wait', 0.1), Number(process.env.MAX_WAIT_SECONDS ?? ADMISSION_DEFAULTS.maxWaitMs / 1000))
  .option('--no-access-log', 'no log line per request (default: one JSON line per request, level info)')
  .action(async (options) => {
    const remote = isRemote(options.data);
    const dataDir: string = remote ? options.data : resolve(options.data);
    configureStorage({ timeoutMs: options.storageTimeout });
    // Read first: a mistake in it stops the start before any dataset is built.
    const accessConfig = options.config ? loadAccessConfig(options.config) : undefined;
    // Checked before anything starts: a wrong URL is the operator's to fix.
    let online: OnlineBasemap | undefined;
    try { online = options.basemap ? parseOnlineBasemap(options.basemap, options.basemapAttribution) : undefined; } catch (error) { process.stderr.write(`prelevements serve: ${(error as Error).message}\n`); process.exit(2); }
    if (options.baseUrl) options.baseUrl = checkBaseUrl(options.baseUrl);
    if (cluster.isPrimary && !remote && !datasetPresent(dataDir)) {
      logger.info({ dataDir, scale: options.scale }, 'no dataset found: building the default (synthetic) dataset');
      await build(dataDir, options.scale);
    }
    if (cluster.isPrimary && options.workers > 1) {
      // Checked here once: a view or JWKS a worker cannot load would have it restarted forever.
      if (accessConfig) { await checkAccess(accessConfig, dataDir); serveClusterRateLimits(); }
      serveClusterMetrics(); // /metrics of any worker answers for all
      // Node serves on one core per process: as many workers as cores, each with its own
      // bounded caches, the kernel spreading connections between them.
      let stopping = false;
      const fork = () => cluster.fork().on('exit', (code) => {
        if (!stopping) { logger.warn({ code }, 'worker exited: starting another'); fork(); }
      });
      for (let i = 0; i < Math.floor(options.workers); i++) fork();
      const stopAll = (signal: NodeJS.Signals) => {
        stopping = true;
        // The signal itself, not worker.kill(): that disconnects first, and a worker with nothing in
        // flight could then exit before its signal came, unlogged. Each drains (up to the deadline) and exits; the primary follows the last.
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
        setTimeout(() => process.exit(0), options.shutdownTimeout * 1000 + 2000).unref();
        cluster.on('exit', () => { if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0); });
      };
      process.on('SIGTERM', () => stopAll('SIGTERM'));
      process.on('SIGINT', () => stopAll('SIGINT'));
      return;
    }
    // Hot reload: a new version published under dataDir (current.json, or the pointer `current`) replaces the served one.
    const catalog = await ReloadingCatalog.open(dataDir, collections, {
      pollMs: (options.poll ?? (remote ? 10 : 2)) * 1000, graceMs: options.grace * 1000, verify: options.verify,
      onSwap: (from, to, version) => logger.info({ from: describeLocation(from), to: describeLocation(to), version }, 'new data version served'),
      onError: (error, target) => logger.error({ err: error, target: describeLocation(target) }, 'new data version refused or unreadable: still serving the previous one'),
      onUnavailable: ({ definition, file, reason }) => logger.error({ collection: definition.id, file, reason }, 'collection unavailable: its data file failed its checks'),
    });
    // Redis (shared limits, keys, data notices), metrics, request logs, graceful stop.
    const local = cluster.isWorker ? (name: 'ip' | 'credential') => new ClusterStore(name) : undefined; // one count for all workers
    const ops = startOps({ logger, redis: options.redis, accessLog: options.accessLog, localRateLimitStore: local });
    ops.onDataNotice((notice) => { logger.info(notice, 'data notice'); void catalog.checkNow(); });
    for (const [kind, counters] of Object.entries(storageStats)) {
      opsStats.registerStorage(kind, () => ({ requests: counters.requests, bytes: counters.bytes, errors: counters.failures + counters.timeouts }));
    }
    opsStats.registerDataVersion(() => catalog.currentVersion());
    // Storage reachable: the manifest (or pointer) of the data location can be read.
    const storage = storageCheck(() => dataDir, async (where) => { await resolveTarget(where); return true; });
    opsStats.registerDataVersion(() => basename(catalog.dataDir));
    // Per caller: the collections and views it may see, and the guard answering 401/403.
    const access = accessConfig && withAccess(accessConfig, () => catalog.catalog(), {
      logger, rateLimitStore: ops.rateLimitStore ?? local, keysSource: ops.keysSource,
    });
    const app = createApp({
      observe: ops.observe,
      info: { ...SERVICE_INFO, baseUrl: options.baseUrl }, catalog: access ? access.catalog : () => catalog.catalog(), logger,
      parts: domainParts({ hubeau: { defaultSize: options.hubeauSize, maxSize: options.hubeauMaxSize, maxDepth: options.hubeauMaxDepth }, pageCacheBytes: options.pageCache * 1024 * 1024, basemap: basemap(online) }), before: access?.before, pageCacheBytes: options.pageCache * 1024 * 1024, countLimit: options.countLimit, trustProxy: accessConfig?.trustProxy,
      compression: options.compression !== false && process.env.COMPRESSION !== 'off',
      mapSources: basemapSources(online),
      // Readiness on the whole data; restricted collections are counted, not named.
      readiness: [
        collectionsCheck(() => catalog.catalog(), { named: (id) => !access || access.scoper.policy.accessOf(id) === 'public' }),
        ...[storage, ...ops.readiness].map(asProbe),
      ],
      admission: { concurrency: options.maxInflight, queue: options.maxQueued, maxWaitMs: options.maxWait * 1000 },
      versions: catalog, // each request bound to one version; a swapped-out one closes after the requests on it
    });
    const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app).listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      logger.info({ url: `http://localhost:${port}`, dataDir: describeLocation(catalog.dataDir), version: catalog.currentVersion(), access: options.config ? resolve(options.config) : 'public', worker: cluster.isWorker ? cluster.worker?.id : undefined }, 'serving');
    });
    hardenServer(server); // headers, request, keep-alive and idle-socket timeouts (server/security.ts)
    const loop = startLoopMonitor();
    // A worker whose primary is gone is disconnected and exits at once: report then, while the log still flows.
    if (cluster.isWorker) process.once('disconnect', () => logger.info({ eventLoop: loop.report(), worker: cluster.worker?.id }, 'disconnected: event-loop delay and peak memory'));
    ops.shutdown.install(server, { deadlineMs: options.shutdownTimeout * 1000, logger, cleanup: async () => {
      logger.info({ eventLoop: loop.stop(), worker: cluster.isWorker ? cluster.worker?.id : undefined }, 'stopping: event-loop delay and peak memory');
      await catalog.close();
      await ops.close();
    } });
  });

/** Builds the views and reads the JWKS of the configuration on the current data, then lets them go. */
async function checkAccess(config: AccessConfig, dataDir: string): Promise<void> {
  const catalog = await openCatalog((await resolveTarget(dataDir)).dir, collections);
  try { withAccess(config, () => catalog, { logger }); } finally { await catalog.close(); }
}

registerAccessCommands(program, undefined, redisKeysSync);

program.command('build-data')
  .description('build the default synthetic dataset (FlatGeobuf files)')
  .option('-s, --scale <s>', 'scale: 1 matches the real BNPE (~130,000 ouvrages, ~1.2 M chroniques)', number('scale', 0.0001), 1)
  .option('-o, --out <location>', 'output directory, or s3://bucket/prefix (published as a new version: files, then current.json)', 'data')
  .option('--redis <url>', 'announce the new version to the replicas subscribed to this Redis', process.env.REDIS_URL)
  .action(async (options) => {
    let version: string;
    if (!isRemote(options.out)) {
      await build(resolve(options.out), options.scale);
      version = resolveDataDir(resolve(options.out));
    } else version = (await publishBuild(options.out, (dir) => build(dir, options.scale), logger)).version;
    if (options.redis) await announceDataVersion(options.redis, version, logger);
  });

program.command('build-columns')
  .description('write (or rewrite) the column sidecar <file>.cols of FlatGeobuf files: counts and selective filters read it instead of the file')
  .argument('<files...>', 'local .fgb files')
  .action(async (files: string[]) => {
    for (const file of files) {
      const started = performance.now();
      const { columns, features } = await writeColumnsSidecar(resolve(file));
      logger.info({ file, features, columns: columns.length, seconds: Math.round(performance.now() - started) / 1000 }, 'column sidecar written');
    }
  });

program.command('build-tiles')
  .description('write (or rewrite) the tile pre-aggregates <file>.tiles (and <file>.tiles-<property>-<value> of the latest value) of point collection files, and the low-zoom tiles <file>.tiles-mvt of line and polygon ones')
  .argument('<files...>', 'local .fgb files of the collections (found by file name)')
  .action(async (files: string[]) => {
    for (const file of files) {
      const definition = collections.find((c) => c.source === basename(file));
      if (!definition) throw new Error(`${file}: no collection has this file name`);
      const started = performance.now();
      const points = await rebuildTileSidecars(resolve(file), definition);
      const built = await writeBuiltTiles(resolve(file), definition);
      logger.info({ file, points, built, seconds: Math.round(performance.now() - started) / 1000 }, points || built ? 'tile sidecars written' : 'no tile sidecars for this collection');
    }
  });

program.command('publish')
  .description('publish a local data directory (its files, or the version it serves) as a new version of a data location')
  .argument('<dir>', 'local data directory')
  .requiredOption('-o, --out <location>', 'directory or s3://bucket/prefix: files go to versions/<id>/, then current.json is replaced')
  .option('--id <id>', 'version id (default: a UTC timestamp)')
  .action(async (dir: string, options) => {
    const { dir: source } = await resolveTarget(resolve(dir));
    const manifest = await publishDirectory(source, isRemote(options.out) ? options.out : resolve(options.out), options.id, { onFile: (name) => logger.info({ name }, 'uploaded') });
    logger.info({ out: describeLocation(options.out), version: manifest.version, files: manifest.files.length }, 'version published');
  });

program.command('rollout')
  .description('make an already published version current again (roll back or forward): copies versions/<id>/manifest.json over current.json')
  .argument('<id>', 'version id')
  .requiredOption('-d, --data <location>', 'directory or s3://bucket/prefix')
  .action(async (id: string, options) => {
    const manifest = await activateVersion(isRemote(options.data) ? options.data : resolve(options.data), id);
    logger.info({ data: describeLocation(options.data), version: manifest.version }, 'version made current');
  });

function verification(value: string): Verification {
  if (value !== 'sha256' && value !== 'size') throw new InvalidArgumentError('verify must be sha256 or size');
  return value;
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function years(value: string): [number, number] {
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('years must be YYYY or YYYY-YYYY');
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

/** One bar per endpoint while harvesting (records fetched of those the API announced). */
function harvestBars() {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const multi = new MultiBar({ format: '{endpoint} [{bar}] {percentage}% {value}/{total} {eta_formatted}', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  const bars = new Map<string, SingleBar>();
  return {
    update(e: { endpoint: string; records: number; expected: number | null }) {
      let bar = bars.get(e.endpoint);
      if (!bar) bars.set(e.endpoint, (bar = multi.create(Math.max(1, e.expected ?? 1), 0, { endpoint: e.endpoint.padEnd(20) })));
      if (e.expected !== null && e.expected !== bar.getTotal()) bar.setTotal(Math.max(e.expected, e.records, 1));
      bar.update(e.records, { endpoint: e.endpoint.padEnd(20) });
    },
    stop: () => multi.stop(),
  };
}

program.command('ingest')
  .description("ingest Hub'Eau data (API harvest or downloaded files) into a new version of a data directory, switched atomically")
  .option('--from-api', "harvest the Hub'Eau \"Prélèvements en eau\" API (resumable)")
  .option('--from-files <files...>', "JSON pages, GeoJSON or CSV files (or directories) downloaded from Hub'Eau")
  .requiredOption('-o, --out <location>', 'data directory (versions/, current.json, rejects.ndjson, .ingest/ spools), or s3://bucket/prefix (built in --work, then published)')
  .option('--work <dir>', 'with an s3:// --out: local directory the ingest builds in and resumes from', '.ingest-work')
  .option('--base-url <url>', 'API base URL', HUBEAU_BASE_URL)
  .option('--rate <n>', 'requests per second at most (0: no limit)', number('rate', 0), 5)
  .option('--checkpoint <file>', 'checkpoint file (default: DIR/.ingest/checkpoint.json)')
  .option('--fresh', 'ignore an existing checkpoint and harvest from the start')
  .option('--page-size <n>', 'records per API page (page × size ≤ 20000)', number('page size', 1), 5000)
  .option('--retries <n>', 'retries per request on 429, 5xx and network errors', number('retries', 0), 8)
  .option('--departements <codes>', 'only these départements (comma-separated)', list)
  .option('--years <range>', 'years the chroniques are split by, e.g. 2008-2023', years)
  .option('--boundaries <files...>', 'GeoJSON limits with an INSEE `code` (files, directories or level=path) for the volumes_* polygons')
  .option('--keep <n>', 'versions kept, the new one included (at least 2)', number('keep', 2), 3)
  .option('--redis <url>', 'announce the new version to the replicas subscribed to this Redis', process.env.REDIS_URL)
  .action(async (options) => {
    if (Boolean(options.fromApi) === Boolean(options.fromFiles)) throw new InvalidArgumentError('give exactly one of --from-api or --from-files');
    const target: string | null = isRemote(options.out) ? options.out : null;
    const out = resolve(target ? options.work : options.out);
    const started = Date.now();
    const common = { out, boundaries: options.boundaries, keep: options.keep, progress: progressBar() };
    let summary: IngestSummary;
    if (options.fromFiles) {
      summary = await ingestFromFiles({ ...common, files: options.fromFiles });
    } else {
      const controller = new AbortController();
      const interrupt = () => controller.abort(new Error('interrompu : relancez la même commande pour reprendre au point de contrôle'));
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      const bars = harvestBars();
      try {
        summary = await ingestFromApi({
          ...common, baseUrl: options.baseUrl, rate: options.rate, checkpointFile: options.checkpoint && resolve(options.checkpoint),
          fresh: options.fresh, pageSize: options.pageSize, retries: options.retries, departements: options.departements, years: options.years,
          signal: controller.signal, onProgress: (e) => bars.update(e),
          onRetry: (r) => logger.warn(r, 'retrying'),
        });
      } finally {
        bars.stop();
      }
    }
    process.stdout.write(`${formatSummary(summary)}\n`);
    if (target && summary.version) {
      const built = (await resolveTarget(out)).dir;
      const manifest = await publishDirectory(built, target, basename(built)); // same id here and there
      logger.info({ out: describeLocation(target), version: manifest.version }, 'version published');
    }
    if (options.redis) await announceDataVersion(options.redis, resolveDataDir(out), logger);
    logger.info({ out, version: summary.version, seconds: (Date.now() - started) / 1000 }, 'ingest done');
  });

program.parseAsync().catch((error) => {
  // A data problem is the user's to fix: said plainly on stderr, naming the file or URL.
  if (error instanceof IngestError) process.stderr.write(`prelevements ingest: ${error.message}\n`);
  else if (error instanceof AccessConfigError) process.stderr.write(`prelevements serve: ${error.message}\n`);
  else logger.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
