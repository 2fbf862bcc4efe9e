// Readiness checks for the health routes (/readyz): each answers whether one dependency is usable.
// `critical: false` ones are reported but do not make the replica unready (Redis down: the
// server keeps serving with local limits).
import { access } from 'node:fs/promises';
import type { RedisLink } from './redis.js';
import type { Shutdown } from './shutdown.js';

export interface ReadinessCheck {
  name: string;
  critical: boolean;
  /** Resolves true when usable; never rejects (a failure is false). */
  check(): Promise<boolean>;
}

const within = (ms: number, work: Promise<boolean>) =>
  Promise.race([work.catch(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);

export function redisCheck(link: RedisLink): ReadinessCheck {
  return { name: 'redis', critical: false, check: () => within(1000, link.ping()) };
}

/** Not ready once SIGTERM came: the load balancer stops sending new requests while in-flight ones finish. */
export function drainingCheck(shutdown: Shutdown): ReadinessCheck {
  return { name: 'accepting', critical: true, check: () => Promise.resolve(!shutdown.draining) };
}

/**
 * The data storage answers: a local directory exists, an http(s) location answers a HEAD (any
 * status below 500), or a probe of the storage's own (`s3://`: the storage module's, e.g. reading
 * the manifest) passed as `probe`.
 */
export function storageCheck(location: () => string, probe?: (location: string) => Promise<boolean>, timeoutMs = 2000): ReadinessCheck {
  return {
    name: 'storage', critical: true,
    check: () => within(timeoutMs, (async () => {
      const where = location();
      if (probe) return probe(where);
      if (/^https?:\/\//i.test(where)) {
        const res = await fetch(where, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
        return res.status < 500;
      }
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(where)) return false; // a scheme without a probe: unknown, not ready
      await access(where);
      return true;
    })()),
  };
}

/** Runs every check: `ready` is false when a critical one failed. */
export async function runChecks(checks: ReadinessCheck[]): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
  const results = await Promise.all(checks.map(async (c) => [c, await c.check()] as const));
  return { ready: results.every(([c, ok]) => ok || !c.critical), checks: Object.fromEntries(results.map(([c, ok]) => [c.name, ok])) };
}

/**
 * The same checks in the shape /readyz takes (server/routes/health.ts): a non-critical one that
 * fails (Redis: rate limits fall back to local) is reported, but does not make the replica unready.
 */
export function asProbe(check: ReadinessCheck): { name: string; check(): Promise<{ ok: boolean; detail?: unknown }> } {
  return {
    name: check.name,
    check: async () => {
      const up = await check.check();
      return up || check.critical ? { ok: up } : { ok: true, detail: 'down (non-critical)' };
    },
  };
}
