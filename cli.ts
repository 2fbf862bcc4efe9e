#!/usr/bin/env node
// prelevements: serve the OGC API, build the default dataset, ingest Hub'Eau data.
import { Command, InvalidArgumentError } from 'commander';
import { MultiBar, SingleBar, Presets } from 'cli-progress';
import { resolve } from 'node:path';
import { pino } from 'pino';
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { createApp, defaultParts, MAX_HEADER_SIZE } from './server/app.js';
import { openCatalog, ReloadingCatalog, resolveDataDir } from './server/catalog.js';
import { AccessConfigError, ClusterStore, loadAccessConfig, registerAccessCommands, serveClusterRateLimits, withAccess, type AccessConfig } from './server/auth/index.js';
import type { BuildProgress } from './collections/build.js';
import { buildDefaultDataset, datasetPresent } from './collections/dataset.js';
import { collections } from './collections/definitions/index.js';
import { SERVICE_INFO, TILES_OPTIONS } from './collections/service.js';
import { basemap } from './collections/style.js';
import { parseOnlineBasemap, type OnlineBasemap } from './server/routes/basemap.js';
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
  .option('-d, --data <dir>', 'data directory', process.env.DATA_DIR ?? 'data')
  .option('--scale <s>', 'scale of the default dataset built when missing', number('scale', 0.0001), Number(process.env.SCALE ?? 1))
  .option('--base-url <url>', 'public base URL (behind a proxy)', process.env.BASE_URL)
  .option('-w, --workers <n>', 'worker processes sharing the port (default: one per CPU core)', number('workers', 1), Number(process.env.WORKERS ?? availableParallelism()))
  .option('--page-cache <MiB>', 'GeoJSON pages kept in memory per worker, served again without reading the data (0: none)', number('page cache', 0), Number(process.env.PAGE_CACHE_MIB ?? 64))
  .option('--basemap <url>', 'online basemap of the maps instead of the offline one: a MapLibre style URL, or an XYZ raster template with {z}/{x}/{y}', process.env.BASEMAP)
  .option('--basemap-attribution <text>', 'attribution shown with the online basemap', process.env.BASEMAP_ATTRIBUTION)
  .option('-c, --config <file>', 'access configuration, YAML or JSON: restricted collections, views, credentials (without it everything is public)', process.env.ACCESS_CONFIG)
  .action(async (options) => {
    const dataDir = resolve(options.data);
    // Read first: a mistake in it stops the start before any dataset is built.
    const accessConfig = options.config ? loadAccessConfig(options.config) : undefined;
    // Checked before anything starts: a wrong URL is the operator's to fix.
    let online: OnlineBasemap | undefined;
    try { online = options.basemap ? parseOnlineBasemap(options.basemap, options.basemapAttribution) : undefined; } catch (error) { process.stderr.write(`prelevements serve: ${(error as Error).message}\n`); process.exit(2); }
    if (cluster.isPrimary && !datasetPresent(dataDir)) {
      logger.info({ dataDir, scale: options.scale }, 'no dataset found: building the default (synthetic) dataset');
      await build(dataDir, options.scale);
    }
    if (cluster.isPrimary && options.workers > 1) {
      // Checked here once: a view or JWKS a worker cannot load would have it restarted forever.
      if (accessConfig) { await checkAccess(accessConfig, dataDir); serveClusterRateLimits(); }
      // Node serves on one core per process: as many workers as cores, each with its own
      // bounded caches, the kernel spreading connections between them.
      let stopping = false;
      const fork = () => cluster.fork().on('exit', (code) => {
        if (!stopping) { logger.warn({ code }, 'worker exited: starting another'); fork(); }
      });
      for (let i = 0; i < Math.floor(options.workers); i++) fork();
      const stopAll = () => {
        stopping = true;
        for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
        setTimeout(() => process.exit(0), 6000).unref();
        cluster.on('exit', () => { if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0); });
      };
      process.on('SIGTERM', stopAll);
      process.on('SIGINT', stopAll);
      return;
    }
    // Hot reload: a new version published under dataDir (pointer `current`) replaces the served one.
    const catalog = await ReloadingCatalog.open(dataDir, collections, {
      onSwap: (from, to) => logger.info({ from, to }, 'new data version served'),
      onError: (error, target) => logger.error({ err: error, target }, 'new data version could not be opened: still serving the previous one'),
    });
    // Per caller: the collections and views it may see, and the guard answering 401/403.
    const access = accessConfig && withAccess(accessConfig, () => catalog.catalog(), {
      logger, rateLimitStore: cluster.isWorker ? (name) => new ClusterStore(name) : undefined, // one count for all workers
    });
    const app = createApp({
      info: { ...SERVICE_INFO, baseUrl: options.baseUrl }, catalog: access ? access.catalog : () => catalog.catalog(), logger,
      parts: defaultParts({ ...TILES_OPTIONS, basemap: basemap(online) }), before: access?.before, pageCacheBytes: options.pageCache * 1024 * 1024,
    });
    const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, (req, res) => {
      catalog.track(res); // a swapped-out catalog is closed only after the requests begun before the swap
      app(req, res);
    }).listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      logger.info({ url: `http://localhost:${port}`, dataDir: catalog.dataDir, access: options.config ? resolve(options.config) : 'public', worker: cluster.isWorker ? cluster.worker?.id : undefined }, 'serving');
    });
    // Longer than common proxies' idle timeouts, so a reused connection is never closed under a client.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    const stop = () => { server.close(() => void catalog.close().then(() => process.exit(0))); setTimeout(() => process.exit(0), 5000).unref(); };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });

/** Builds the views and reads the JWKS of the configuration on the current data, then lets them go. */
async function checkAccess(config: AccessConfig, dataDir: string): Promise<void> {
  const catalog = await openCatalog(resolveDataDir(dataDir), collections);
  try { withAccess(config, () => catalog, { logger }); } finally { await catalog.close(); }
}

registerAccessCommands(program);

program.command('build-data')
  .description('build the default synthetic dataset (FlatGeobuf files)')
  .option('-s, --scale <s>', 'scale: 1 matches the real BNPE (~130,000 ouvrages, ~1.2 M chroniques)', number('scale', 0.0001), 1)
  .option('-o, --out <dir>', 'output directory', 'data')
  .action(async (options) => build(resolve(options.out), options.scale));

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
  .requiredOption('-o, --out <dir>', 'data directory: versions/, pointer current, rejects.ndjson, .ingest/ spools')
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
  .action(async (options) => {
    if (Boolean(options.fromApi) === Boolean(options.fromFiles)) throw new InvalidArgumentError('give exactly one of --from-api or --from-files');
    const out = resolve(options.out);
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
    logger.info({ out, version: summary.version, seconds: (Date.now() - started) / 1000 }, 'ingest done');
  });

program.parseAsync().catch((error) => {
  // A data problem is the user's to fix: said plainly on stderr, naming the file or URL.
  if (error instanceof IngestError) process.stderr.write(`prelevements ingest: ${error.message}\n`);
  else if (error instanceof AccessConfigError) process.stderr.write(`prelevements serve: ${error.message}\n`);
  else logger.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
