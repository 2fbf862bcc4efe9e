// Headers and limits every response gets, whatever the route: a Content-Security-Policy that
// allows only the server's own scripts (no inline code: the pages' data sits in JSON blocks),
// no MIME sniffing, a referrer policy, and a cap on the URL length (before any parsing).
import type { RequestHandler } from 'express';
import type { Server } from 'node:http';

/** Against slow clients (slowloris, a reader that stops reading): every wait of a connection is bounded. */
export const SERVER_TIMEOUTS = {
  /** The request line and headers must arrive within this time. */
  headersTimeout: 20_000,
  /** The whole request (no bodies here: GET only) within this time. */
  requestTimeout: 30_000,
  /** An idle kept-alive connection is closed after this; longer than common proxies' idle timeouts. */
  keepAliveTimeout: 65_000,
  /** A connection where nothing moves either way (a client that stopped reading an export) is closed. */
  socketTimeout: 120_000,
};

export function hardenServer(server: Server, timeouts = SERVER_TIMEOUTS): Server {
  server.headersTimeout = timeouts.headersTimeout;
  server.requestTimeout = timeouts.requestTimeout;
  server.keepAliveTimeout = timeouts.keepAliveTimeout;
  server.setTimeout(timeouts.socketTimeout, (socket) => socket.destroy());
  // Errors of the HTTP parser itself (headers over maxHeaderSize, malformed request): an OGC body too.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (error as { code?: string }).code === 'ECONNRESET') { socket.destroy(); return; }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify(tooLarge
      ? { code: 'RequestHeaderFieldsTooLarge', description: 'Requête trop longue : ligne de requête et en-têtes dépassent la taille acceptée' }
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? { code: 'RequestTimeout', description: 'Requête trop lente : en-têtes non reçus à temps' }
        : { code: 'BadRequest', description: 'Requête HTTP mal formée' });
    const status = tooLarge ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  return server;
}

/** Longest request target accepted (CQL2 filters travel in the URL; the filter itself is capped lower). */
export const MAX_URL_LENGTH = 192 * 1024;

/**
 * `extraOrigin`: the origin of a configured base URL, when pages load their assets from it.
 * MapLibre builds its workers from blob: URLs; Leaflet and MapLibre draw images from data:/blob:;
 * Swagger UI and the pages set inline styles (style-src 'unsafe-inline', scripts stay strict).
 */
/** `mapSources`: where an online basemap configured by the operator loads its images and data from. */
export function contentSecurityPolicy(extraOrigin?: string, mapSources: string[] = []): string {
  const self = extraOrigin ? `'self' ${extraOrigin}` : "'self'";
  const maps = mapSources.length ? ` ${mapSources.join(' ')}` : '';
  return [
    "default-src 'self'", `script-src ${self}`, `style-src ${self} 'unsafe-inline'`, `img-src ${self} data: blob:${maps}`, `font-src ${self} data:`,
    `connect-src ${self}${maps}`, `worker-src ${self} blob:`, 'child-src blob:', "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", `form-action ${self}`,
  ].join('; ');
}

export function securityHeaders(baseUrl?: string, mapSources: string[] = []): RequestHandler {
  let origin: string | undefined;
  try { origin = baseUrl ? new URL(baseUrl).origin : undefined; } catch { origin = undefined; }
  const headers = {
    'Content-Security-Policy': contentSecurityPolicy(origin, mapSources),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
  };
  return (req, res, next) => {
    res.set(headers);
    if (req.originalUrl.length > MAX_URL_LENGTH) {
      res.status(414).type('application/json').send(JSON.stringify({
        code: 'URITooLong', description: `URL trop longue : ${req.originalUrl.length} caractères, au plus ${MAX_URL_LENGTH} (un long filtre CQL2 peut être écrit plus court, ou découpé)`,
      }));
      return;
    }
    next();
  };
}
