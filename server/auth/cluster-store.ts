// Rate-limit counters shared by the workers of `serve --workers N`: each worker's limiter asks the
// primary, which holds the one count per window and key. Without it every worker would count on
// its own, and the kernel spreading connections would multiply every limit by N.
import cluster from 'node:cluster';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

const TAG = 'prelevements:rate-limit';

type Op = 'increment' | 'decrement' | 'reset';
interface Ask { tag: typeof TAG; id: number; op: Op; name: string; key: string; windowMs: number }
interface Answer { tag: typeof TAG; id: number; totalHits: number; resetTime: number }

/** Fixed windows per limiter name and key, as express-rate-limit's memory store counts them. */
export class WindowCounters {
  private windows = new Map<string, { hits: number; reset: number }>();
  private ops = 0;

  apply(op: Op, name: string, key: string, windowMs: number, now = Date.now()): { totalHits: number; resetTime: number } {
    const id = `${name}\0${key}`;
    let w = this.windows.get(id);
    if (!w || w.reset <= now) w = { hits: 0, reset: now + windowMs };
    if (op === 'increment') w.hits++;
    else if (op === 'decrement') w.hits = Math.max(0, w.hits - 1);
    else w.hits = 0;
    this.windows.set(id, w);
    if (++this.ops % 10_000 === 0) this.sweep(now); // bounded however many addresses pass by
    return { totalHits: w.hits, resetTime: w.reset };
  }

  private sweep(now: number): void {
    for (const [id, w] of this.windows) if (w.reset <= now) this.windows.delete(id);
  }

  get size(): number { return this.windows.size; }
}

/** In the primary: answers the workers' limiters. */
export function serveClusterRateLimits(counters = new WindowCounters()): void {
  cluster.on('message', (worker, message: Partial<Ask>) => {
    if (message?.tag !== TAG || typeof message.key !== 'string' || typeof message.name !== 'string') return;
    const result = counters.apply(message.op ?? 'increment', message.name, message.key, Number(message.windowMs) || 60_000);
    if (worker.isConnected()) worker.send({ tag: TAG, id: Number(message.id), ...result } satisfies Answer);
  });
}

/** Where a worker's store sends its questions (the IPC channel; tests pass their own). */
export interface Channel {
  send(message: Ask): void;
  onMessage(listener: (message: unknown) => void): void;
}

const ipc: Channel = {
  send: (message) => { process.send?.(message); },
  onMessage: (listener) => { process.on('message', listener); },
};

/** In a worker: an express-rate-limit store whose counts live in the primary. */
export class ClusterStore implements Store {
  private windowMs = 60_000;
  private next = 0;
  private waiting = new Map<number, (answer: Answer) => void>();

  constructor(private readonly name: string, private readonly channel: Channel = ipc) {
    channel.onMessage((message) => {
      const answer = message as Partial<Answer>;
      if (answer?.tag !== TAG || typeof answer.id !== 'number') return;
      this.waiting.get(answer.id)?.(answer as Answer);
      this.waiting.delete(answer.id);
    });
  }

  init(options: Options): void { this.windowMs = options.windowMs; }

  private ask(op: Op, key: string): Promise<ClientRateLimitInfo> {
    // Draining after SIGTERM, the primary has let go of this worker: no answer would ever come.
    if (this.channel === ipc && !process.connected) return Promise.resolve({ totalHits: 0, resetTime: new Date(Date.now() + this.windowMs) });
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, (a) => resolve({ totalHits: a.totalHits, resetTime: new Date(a.resetTime) }));
      this.channel.send({ tag: TAG, id, op, name: this.name, key, windowMs: this.windowMs });
    });
  }

  increment(key: string): Promise<ClientRateLimitInfo> { return this.ask('increment', key); }
  async decrement(key: string): Promise<void> { await this.ask('decrement', key); }
  async resetKey(key: string): Promise<void> { await this.ask('reset', key); }
}
