// Data versions seen by the engine: every request reads exactly one version, and paging links pin
// it with `v=<id>` so a sequence of pages started on one version ends on it (no duplicate, no gap).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { InvalidParameterValue } from './errors.js';

export interface DataVersions {
  /** Version id this request reads; undefined for unversioned data (then links carry no `v`). */
  version(): string | undefined;
  /** Runs `next` bound to version `v` (or the current one); rejects with VersionGone (410). */
  pin(v: string | undefined, res: Response, next: () => void): Promise<void>;
}

export const VERSION_PARAMETER = 'v';
const VERSION_VALUE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Takes `v` out of the query (the routes never see it, so every route accepts it) and binds the
 * request to that version. The rest of the query string is kept byte for byte.
 */
export function pinVersions(versions: DataVersions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // Static files read no data, and their `v` is a cache-buster (MapLibre's worker: `?v=6.17.0`).
    if (req.path.startsWith('/assets/')) { next(); return; }
    const q = req.url.indexOf('?');
    let version: string | undefined;
    if (q >= 0) {
      const kept: string[] = [];
      let found = 0;
      for (const part of req.url.slice(q + 1).split('&')) {
        const eq = part.indexOf('=');
        let name: string;
        try { name = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' ')); } catch { name = part; }
        if (name !== VERSION_PARAMETER) { kept.push(part); continue; }
        found++;
        try { version = decodeURIComponent((eq < 0 ? '' : part.slice(eq + 1)).replace(/\+/g, ' ')); } catch { version = ''; }
      }
      if (found > 1) throw new InvalidParameterValue(VERSION_PARAMETER, 'donné plusieurs fois');
      if (found === 1) {
        if (!VERSION_VALUE.test(version!)) throw new InvalidParameterValue(VERSION_PARAMETER, 'identifiant de version attendu (lettres, chiffres, . _ -)');
        req.url = req.url.slice(0, q) + (kept.length ? `?${kept.join('&')}` : '');
      }
    }
    versions.pin(version, res, next).catch(next);
  };
}
