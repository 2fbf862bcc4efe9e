#!/usr/bin/env node
// prelevements: serve the OGC API, build the default dataset.
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { resolve } from 'node:path';
import { pino } from 'pino';
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { createApp, defaultParts, MAX_HEADER_SIZE } from './server/app.js';
import { openCatalog } from './server/catalog.js';
import type { BuildProgress } from './collections/build.js';
import { buildDefaultDataset, datasetPresent } from './collections/dataset.js';
import { collections } from './collections/definitions/index.js';
import { SERVICE_INFO, TILES_OPTIONS } from './collections/service.js';

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
  .action(async (options) => {
    const dataDir = resolve(options.data);
    if (cluster.isPrimary && !datasetPresent(dataDir)) {
      logger.info({ dataDir, scale: options.scale }, 'no dataset found: building the default (synthetic) dataset');
      await build(dataDir, options.scale);
    }
    if (cluster.isPrimary && options.workers > 1) {
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
    const catalog = await openCatalog(dataDir, collections);
    const app = createApp({ info: { ...SERVICE_INFO, baseUrl: options.baseUrl }, catalog: () => catalog, logger, parts: defaultParts(TILES_OPTIONS) });
    const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app).listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      logger.info({ url: `http://localhost:${port}`, dataDir, worker: cluster.isWorker ? cluster.worker?.id : undefined }, 'serving');
    });
    // Longer than common proxies' idle timeouts, so a reused connection is never closed under a client.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    const stop = () => { server.close(() => void catalog.close().then(() => process.exit(0))); setTimeout(() => process.exit(0), 5000).unref(); };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });

program.command('build-data')
  .description('build the default synthetic dataset (FlatGeobuf files)')
  .option('-s, --scale <s>', 'scale: 1 matches the real BNPE (~130,000 ouvrages, ~1.2 M chroniques)', number('scale', 0.0001), 1)
  .option('-o, --out <dir>', 'output directory', 'data')
  .action(async (options) => build(resolve(options.out), options.scale));

program.parseAsync().catch((error) => {
  logger.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
