// Admission control: a bounded number of requests run at once per process, the rest wait in
// arrival order. Without it, 100 requests in flight share one event loop in turns: each takes
// ~100× its own time, and a request needing many turns (a count, a page of a restricted view)
// starves behind the others. With it, a request's wait is the queue ahead of it, then its own time.
// Past the queue's bound (or its longest wait), a quick 503 with Retry-After sheds the excess
// instead of letting clients time out.
import type { Request, RequestHandler, Response } from 'express';
import pLimit from 'p-limit';

export interface AdmissionOptions {
  /** Requests served at once (default 16: enough to overlap storage waits, few enough for turns to stay short). */
  concurrency?: number;
  /** Requests allowed to wait (default 2048); beyond, 503 at once. */
  queue?: number;
  /** Longest wait in the queue in ms (default 20 s, below common client timeouts); then 503. */
  maxWaitMs?: number;
  /** Requests that never wait (probes, static assets). */
  exempt?: (req: Request) => boolean;
}

export interface AdmissionStats { active: number; queued: number; shed: number }

export interface Admission { middleware: RequestHandler; stats(): AdmissionStats }

export const ADMISSION_DEFAULTS = { concurrency: 16, queue: 2048, maxWaitMs: 20_000 };

function overloaded(res: Response, retryAfter: number): void {
  res.status(503).set({ 'Retry-After': String(retryAfter), 'Cache-Control': 'no-store' }).type('application/json')
    .send(JSON.stringify({ code: 'ServiceUnavailable', description: 'Serveur surchargé : trop de requêtes en attente, réessayez plus tard' }));
}

export function admission(options: AdmissionOptions = {}): Admission {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? ADMISSION_DEFAULTS.concurrency));
  const queue = Math.max(0, Math.floor(options.queue ?? ADMISSION_DEFAULTS.queue));
  const maxWaitMs = options.maxWaitMs ?? ADMISSION_DEFAULTS.maxWaitMs;
  const limit = pLimit(concurrency);
  let shed = 0;
  // Seconds a client should wait: about the time the queue ahead takes to drain, at least 1.
  const retryAfter = () => Math.max(1, Math.min(60, Math.ceil(maxWaitMs / 1000 / 2)));

  const middleware: RequestHandler = (req, res, next) => {
    if (options.exempt?.(req)) { next(); return; }
    if (limit.activeCount >= concurrency && limit.pendingCount >= queue) { shed++; overloaded(res, retryAfter()); return; }
    const arrived = performance.now();
    void limit(() => new Promise<void>((release) => {
      // The client left while waiting: nothing to serve.
      if (res.writableEnded || res.destroyed || req.socket.destroyed) { release(); return; }
      if (performance.now() - arrived > maxWaitMs) { shed++; overloaded(res, retryAfter()); release(); return; }
      // 'close' fires once the answer is sent or the connection is gone, whichever comes first.
      res.once('close', () => release());
      next();
    }));
  };
  return { middleware, stats: () => ({ active: limit.activeCount, queued: limit.pendingCount, shed }) };
}
