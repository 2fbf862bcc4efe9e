// The request chain run before every route: CORS and the caller's context, per-address rate limit,
// authentication, per-credential rate limit, then the 401/403 guard on restricted collections.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { Catalog } from '../catalog.js';
import { OgcError } from '../errors.js';
import type { AccessConfig } from './config.js';
import type { KeysFile } from './keys.js';
import { accessStorage, ANONYMOUS, currentCaller, isAuthenticated, type AccessStore } from './context.js';
import { Authenticator, type Presented } from './credentials.js';
import { AccessPolicy, CatalogScoper, type ScopedCatalogOptions } from './scope.js';

/** pino-compatible. */
export interface AccessLogger { warn(details: object, message?: string): void }

export interface AccessOptions extends ScopedCatalogOptions {
  /** Scoper shared with the catalog getter: tells ids of the data apart from unknown ones. */
  scoper?: CatalogScoper;
  logger?: AccessLogger;
  /** Where the limiters count (default: this process's memory); serve's workers share the primary's. */
  rateLimitStore?: (name: 'ip' | 'credential') => Store;
  /** Keys shared by every replica (Redis); the keys file otherwise. */
  keysSource?: { current(): KeysFile | undefined };
}

const ALLOW_HEADERS = 'Authorization, X-API-Key, Accept, Content-Type, If-None-Match';
const EXPOSE_HEADERS = 'Content-Crs, ETag, Link, RateLimit, RateLimit-Policy, Retry-After, WWW-Authenticate';

function sendError(res: Response, status: number, code: string, description: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('application/json').send(JSON.stringify({ code, description }));
}

/** Shared caches must never keep an authenticated response: `public` and `s-maxage` become `private`. */
export function privatize(value: string | number | string[] | undefined): string {
  const directives = (Array.isArray(value) ? value.join(',') : String(value ?? '')).split(',').map((d) => d.trim())
    .filter((d) => d && !/^(public|private|s-maxage=.*)$/i.test(d));
  return ['private', ...directives].join(', ');
}

/** Names a response must vary on, whatever the route set: one caller's response is not another's. */
const VARY = ['Authorization', 'X-API-Key'];

/** Final say on caching headers, applied when the headers are written (routes set theirs before). */
function finalHeaders(res: Response, store: AccessStore): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    const vary = String(this.getHeader('Vary') ?? '');
    if (vary.trim() !== '*') {
      const present = new Set(vary.split(',').map((v) => v.trim().toLowerCase()).filter(Boolean));
      const missing = VARY.filter((name) => !present.has(name.toLowerCase()));
      if (missing.length) this.setHeader('Vary', [vary, ...missing].filter(Boolean).join(', '));
    }
    if (isAuthenticated(store.caller)) this.setHeader('Cache-Control', privatize(this.getHeader('Cache-Control')));
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
}

/** Removes every `apikey` from the URL (routes reject unknown parameters; logs and links must not show it). */
function takeApiKey(req: Request): Presented {
  const keys = new Set<string>();
  const header = req.get('x-api-key');
  if (header !== undefined) keys.add(header.trim());
  const strip = (url: string) => {
    const q = url.indexOf('?');
    if (q < 0) return url;
    const kept = url.slice(q + 1).split('&').filter((part) => {
      const [name, value = ''] = part.split('=');
      let decoded: string;
      try { decoded = decodeURIComponent(name.replace(/\+/g, ' ')); } catch { return true; }
      if (decoded !== 'apikey') return true;
      try { keys.add(decodeURIComponent(value.replace(/\+/g, ' ')).trim()); } catch { keys.add(value); }
      return false;
    });
    return kept.length ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q);
  };
  req.url = strip(req.url);
  req.originalUrl = strip(req.originalUrl);
  if (keys.size === 0) return {};
  return keys.size > 1 ? { conflicting: true } : { apiKey: [...keys][0] };
}

export function accessMiddleware(config: AccessConfig, options: AccessOptions = {}): RequestHandler[] {
  const authenticator = new Authenticator(config, options.keysSource);
  const policy = options.scoper?.policy ?? new AccessPolicy(config);
  const listed = new Set([...Object.keys(config.collections), ...config.views.map((v) => v.id)]);
  const exists = (id: string) => (options.scoper ? options.scoper.exists(id) : listed.has(id));
  const presented = new WeakMap<Request, Presented>();
  const configured = new WeakSet<object>();
  // Header values are ASCII: accents dropped (Prélèvements → Prelevements), quotes removed.
  const realm = config.realm.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]|["\\]/g, '');

  const challenge = (res: Response, invalidToken: boolean, description: string) => {
    res.set('WWW-Authenticate', [`Basic realm="${realm}", charset="UTF-8"`, `Bearer realm="${realm}"${invalidToken ? ', error="invalid_token"' : ''}`]);
    sendError(res, 401, 'Unauthorized', description);
  };

  const context: RequestHandler = (req, res, next) => {
    if (config.trustProxy !== undefined && !configured.has(req.app)) {
      req.app.set('trust proxy', config.trustProxy); // decides req.ip, hence IP restrictions and limits
      configured.add(req.app);
    }
    const origin = req.get('origin');
    if (config.cors.origins === '*') res.set('Access-Control-Allow-Origin', '*');
    else {
      res.vary('Origin');
      if (origin && config.cors.origins.includes(origin)) res.set('Access-Control-Allow-Origin', origin);
    }
    res.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      // Preflights carry no credentials: answered before authentication.
      res.set({ 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS', 'Access-Control-Allow-Headers': ALLOW_HEADERS, 'Access-Control-Max-Age': String(config.cors.maxAgeSeconds) });
      res.status(204).end();
      return;
    }
    presented.set(req, takeApiKey(req));
    const store: AccessStore = { caller: ANONYMOUS, denial: (id) => denial(id, store.caller) };
    finalHeaders(res, store);
    // run(store, next): every later middleware and route, sync or async, sees this store.
    accessStorage.run(store, next);
  };

  const authenticate: RequestHandler = async (req, res, next) => {
    const store = accessStorage.getStore();
    if (!store) throw new Error('access context missing: the access middleware must run in order');
    const result = await authenticator.authenticate(req, presented.get(req) ?? {});
    if (!result.ok) {
      options.logger?.warn({ scheme: result.scheme, reason: result.reason, ip: req.ip, path: req.path }, 'credentials refused');
      challenge(res, result.scheme === 'bearer', 'Identifiants invalides, expirés ou non autorisés pour cette origine');
      return;
    }
    store.caller = result.caller;
    next();
  };

  /** The collection or view a request is about: its path, the style's `collection` parameter, a WFS TYPENAMES. */
  const target = (req: Request): string | undefined => {
    const m = /^\/collections\/([^/]+)/i.exec(req.path);
    if (m) { try { return decodeURIComponent(m[1]); } catch { return undefined; } }
    // WFS names its type in a parameter (any case, maybe prefixed or in a list): the first one.
    if (/^\/wfs\/?$/i.test(req.path)) {
      const names = Object.entries(req.query).find(([k]) => /^typenames?$/i.test(k))?.[1];
      if (typeof names !== 'string') return undefined;
      const first = names.replace(/[()]/g, '').split(',')[0].trim();
      return first.slice(first.lastIndexOf(':') + 1) || undefined;
    }
    const style = /^\/styles\/default\/?$/i.test(req.path) ? req.query.collection : undefined;
    return typeof style === 'string' ? style : undefined;
  };

  /** The same answers as the guard's, as an error a route can throw (see assertVisible). */
  const denial = (id: string, caller: AccessStore['caller']): OgcError | undefined => {
    if (!exists(id) || policy.visible(id, policy.granted(caller))) return undefined;
    if (isAuthenticated(caller)) return new OgcError(403, 'Forbidden', "Ces identifiants ne donnent pas accès à cette ressource", { 'Cache-Control': 'no-store' });
    return new OgcError(401, 'Unauthorized', 'Authentification requise pour cette ressource', {
      'Cache-Control': 'no-store', 'WWW-Authenticate': [`Basic realm="${realm}", charset="UTF-8"`, `Bearer realm="${realm}"`],
    });
  };

  const guard: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const id = target(req);
    if (id === undefined) { next(); return; }
    const caller = currentCaller();
    // Unknown ids fall through to the routes' 404; so do visible ones, to be served.
    if (!exists(id) || policy.visible(id, policy.granted(caller))) { next(); return; }
    if (!isAuthenticated(caller)) challenge(res, false, 'Authentification requise pour cette ressource');
    else sendError(res, 403, 'Forbidden', "Ces identifiants ne donnent pas accès à cette ressource");
  };

  const limits: { ip: RequestHandler[]; key: RequestHandler[] } = { ip: [], key: [] };
  const rl = config.rateLimit;
  if (rl) {
    const common = {
      windowMs: rl.windowMs, standardHeaders: 'draft-7' as const, legacyHeaders: false,
      handler: (_req: Request, res: Response) => sendError(res, 429, 'TooManyRequests', 'Trop de requêtes : réessayez après le délai indiqué par Retry-After'),
    };
    const store = (name: 'ip' | 'credential') => (options.rateLimitStore ? { store: options.rateLimitStore(name) } : {});
    if (rl.perIp > 0) limits.ip.push(rateLimit({ ...common, ...store('ip'), limit: rl.perIp, identifier: 'ip', keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown') }));
    if (rl.perKey > 0) {
      limits.key.push(rateLimit({
        ...common, ...store('credential'), limit: rl.perKey, identifier: 'credential',
        skip: () => !isAuthenticated(currentCaller()),
        keyGenerator: () => { const c = currentCaller(); return `${c.method}:${c.keyId ?? c.user}`; },
      }));
    }
  }
  // The address limit comes first: it bounds the scrypt work bad credentials can cause.
  return [context, ...limits.ip, authenticate, ...limits.key, guard];
}

export interface Access {
  /** For createApp({ before }). */
  before: RequestHandler[];
  /** For createApp({ catalog }). */
  catalog: () => Catalog;
  scoper: CatalogScoper;
  /** Grants or listed ids that do not match the data (typos?), told once at start. */
  warnings: string[];
}

/** Everything the server needs from one configuration; throws now for a view that cannot be built. */
export function withAccess(config: AccessConfig, baseCatalog: () => Catalog, options: Omit<AccessOptions, 'scoper'> = {}): Access {
  const scoper = new CatalogScoper(baseCatalog, config, {
    onViewError: options.onViewError ?? ((error) => options.logger?.warn({ err: error.message }, 'view left out of this data version')),
  });
  const warnings = scoper.validate();
  for (const warning of warnings) options.logger?.warn({ warning }, 'access configuration');
  return { before: accessMiddleware(config, { ...options, scoper }), catalog: scoper.getter(), scoper, warnings };
}
