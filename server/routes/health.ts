// Probes for orchestrators: /healthz (the process answers) and /readyz (every readiness check
// passes). Checks are pluggable ({ name, check() }) so that storage, Redis… can be added beside
// the collections check. Mounted before authentication and rate limits: probes carry no key.
import { Router } from 'express';
import type { Catalog } from '../catalog.js';

export interface ReadinessResult {
  ok: boolean;
  /** Shown in the /readyz body: what is wrong (no secrets, no server paths). */
  detail?: unknown;
}

export interface ReadinessCheck {
  name: string;
  check(): Promise<ReadinessResult>;
}

export interface HealthOptions {
  /** A check that has not answered by then counts as failed (a hung backend must not hang the probe). */
  timeoutMs?: number;
}

/** Ready when every collection of the data is open; lists the unavailable ones and why. */
export function collectionsCheck(catalog: () => Catalog, options: { named?: (id: string) => boolean } = {}): ReadinessCheck {
  return {
    name: 'collections',
    async check() {
      const current = catalog();
      const down = current.unavailable();
      // Restricted collections are counted, not named, to anonymous probes.
      const named = down.filter((u) => options.named?.(u.definition.id) ?? true);
      const detail: Record<string, unknown> = { served: current.list().length, unavailable: named.map((u) => ({ id: u.definition.id, reason: u.reason })) };
      if (named.length < down.length) detail.unavailableRestricted = down.length - named.length;
      return { ok: down.length === 0, detail };
    },
  };
}

async function run(check: ReadinessCheck, timeoutMs: number): Promise<ReadinessResult & { name: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    const result = await Promise.race([check.check(), timeout]);
    return { name: check.name, ok: result.ok === true, ...(result.detail === undefined ? {} : { detail: result.detail }) };
  } catch (error) {
    return { name: check.name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter(checks: ReadinessCheck[], options: HealthOptions = {}): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(checks.map((c) => run(c, options.timeoutMs ?? 5000)));
    const failed = results.filter((r) => !r.ok).map((r) => r.name);
    res.set('Cache-Control', 'no-store');
    if (failed.length === 0) { res.json({ status: 'ready', checks: results }); return; }
    // Shaped as an OGC exception too, like every other error answer.
    res.status(503).json({ code: 'ServiceUnavailable', description: `Service non prêt : ${failed.join(', ')}`, status: 'unavailable', checks: results });
  });
  return router;
}
