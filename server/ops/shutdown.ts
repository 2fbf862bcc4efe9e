// SIGTERM (and SIGINT): stop accepting connections, let the requests in flight finish, close
// keep-alive connections as they fall idle, then exit 0. Past the deadline the remaining
// connections are cut and the process exits anyway (still 0: the orchestrator asked for it).
import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import type { OpsLogger } from './redis.js';

export interface ShutdownOptions {
  /** Milliseconds the requests in flight get to finish (default 25,000: under Kubernetes' 30 s grace). */
  deadlineMs?: number;
  /** Closes what the server holds (catalog, Redis) once the last connection is gone. */
  cleanup?: () => Promise<void>;
  logger?: OpsLogger;
  exit?: (code: number) => void;
}

export class Shutdown {
  private stopping = false;
  private inFlight = 0;

  /** True once a stop was asked: readiness fails, responses close their connection. */
  get draining(): boolean { return this.stopping; }

  /** Counts requests and asks keep-alive clients to reconnect elsewhere once draining. */
  readonly middleware: RequestHandler = (_req, res, next) => {
    this.inFlight++;
    res.once('close', () => { this.inFlight--; });
    if (this.stopping) res.setHeader('Connection', 'close');
    next();
  };

  get active(): number { return this.inFlight; }

  /** Drains `server` then exits; safe to call more than once. */
  stop(server: Server, options: ShutdownOptions = {}, signal = 'SIGTERM'): void {
    if (this.stopping) return;
    this.stopping = true;
    const exit = options.exit ?? ((code: number) => process.exit(code));
    const deadline = options.deadlineMs ?? 25_000;
    options.logger?.info({ signal, inFlight: this.inFlight, deadlineMs: deadline }, 'stopping: finishing the requests in flight');
    let done = false;
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearInterval(idle);
      if (timedOut) options.logger?.warn({ inFlight: this.inFlight }, 'stop deadline reached: closing the remaining connections');
      void (options.cleanup?.() ?? Promise.resolve()).catch(() => undefined).finally(() => exit(0));
    };
    server.close(() => finish(false));
    // Keep-alive connections do not end by themselves: close each as soon as it is idle.
    server.closeIdleConnections();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    setTimeout(() => { server.closeAllConnections(); finish(true); }, deadline).unref();
  }

  /** Installs the handlers on SIGTERM and SIGINT. */
  install(server: Server, options: ShutdownOptions = {}): void {
    process.on('SIGTERM', () => this.stop(server, options, 'SIGTERM'));
    process.on('SIGINT', () => this.stop(server, options, 'SIGINT'));
  }
}
