// Request logs (pino-http) with a request id: a sane incoming `X-Request-Id` (from nginx or a
// client) is kept, anything else is replaced by a fresh UUID; the id is returned in the response
// and written in every log line of the request.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** Printable token characters only, bounded: never a header or log injection. */
const SANE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value !== undefined && SANE_ID.test(value) ? value : randomUUID();
}

export function requestLogger(logger: Logger, enabled = true): RequestHandler {
  return pinoHttp({
    logger,
    autoLogging: enabled ? { ignore: (req) => req.url === '/metrics' } : false,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestId(req.headers['x-request-id']);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    // Credentials never reach the logs; the path without its query (an apikey may be there).
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0], remoteAddress: req.remoteAddress }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }) as unknown as RequestHandler;
}
