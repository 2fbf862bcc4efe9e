// HTTP for the harvest: a request-rate limit shared by every request, retries with exponential
// backoff on 429 and 5xx (and network errors), Retry-After honoured, and cancellation.
import { IngestError } from './errors.js';

export interface HubeauPage {
  count: number;
  next?: string | null;
  data: Record<string, unknown>[];
}

export interface ClientOptions {
  /** Requests per second at most (0: unlimited). */
  rate?: number;
  /** Attempts after the first, per request. */
  retries?: number;
  /** First backoff delay; doubled at each attempt, with ±20 % jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Longest Retry-After accepted; a longer one fails the request (better resume later). */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onRetry?: (info: { url: string; status: number | null; attempt: number; delayMs: number; reason: string }) => void;
  headers?: Record<string, string>;
}

export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const t = header.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const date = Date.parse(t);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason); return; }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const retryable = (status: number) => status === 429 || status >= 500;

export class HubeauClient {
  private nextSlot = 0;
  requests = 0;
  retried = 0;

  constructor(private options: ClientOptions = {}) {}

  /** Waits for the next request slot: starts are spaced by 1/rate seconds. */
  private async slot(): Promise<void> {
    const rate = this.options.rate ?? 0;
    if (rate <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + 1000 / rate;
    if (at > now) await sleep(at - now, this.options.signal);
  }

  async page(url: string): Promise<HubeauPage> {
    const o = this.options;
    const retries = o.retries ?? 8;
    for (let attempt = 0; ; attempt++) {
      await this.slot();
      this.requests++;
      let status: number | null = null;
      let reason: string;
      let wait: number | null = null;
      try {
        const signals = [AbortSignal.timeout(o.timeoutMs ?? 120_000), ...(o.signal ? [o.signal] : [])];
        const response = await fetch(url, { headers: { Accept: 'application/json', ...o.headers }, signal: AbortSignal.any(signals) });
        status = response.status;
        if (response.ok) {
          const body = await response.json() as HubeauPage;
          if (!body || !Array.isArray(body.data)) throw new IngestError(`${url} : réponse sans tableau « data »`);
          return body;
        }
        const text = await response.text().catch(() => '');
        if (!retryable(status)) throw new IngestError(`${url} : HTTP ${status} ${text.slice(0, 300)}`);
        reason = `HTTP ${status}`;
        wait = retryAfterMs(response.headers.get('retry-after'));
      } catch (error) {
        if (o.signal?.aborted) throw o.signal.reason;
        if (error instanceof IngestError) throw error;
        reason = (error as Error).message; // network error or timeout: worth another try
      }
      if (attempt >= retries) throw new IngestError(`${url} : échec après ${attempt + 1} tentatives (${reason})`);
      const backoff = Math.min((o.backoffMs ?? 1000) * 2 ** attempt, o.maxBackoffMs ?? 60_000) * (0.8 + 0.4 * Math.random());
      if (wait !== null && wait > (o.maxRetryAfterMs ?? 600_000)) {
        throw new IngestError(`${url} : le serveur demande d'attendre ${Math.round(wait / 1000)} s ; relancez plus tard (reprise au point de contrôle)`);
      }
      const delayMs = Math.round(wait ?? backoff);
      this.retried++;
      o.onRetry?.({ url, status, attempt: attempt + 1, delayMs, reason });
      await sleep(delayMs, o.signal);
      // A Retry-After also pushes back every later request, not only this one.
      if (wait !== null) this.nextSlot = Math.max(this.nextSlot, Date.now());
    }
  }
}
