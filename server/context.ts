// What every router receives: the current catalog (swappable), service metadata, extension hooks.
import type { Request } from 'express';
import type { Catalog, ServedCollection } from './catalog.js';
import { NotFound, UnknownParameter } from './errors.js';

export interface ServiceInfo {
  title: string;
  description: string;
  /** Public base URL; derived from each request when absent. */
  baseUrl?: string;
}

export interface ServerContext {
  info: ServiceInfo;
  catalog: () => Catalog;
  conformance: Set<string>;
  /** Version id of the data this request reads, when the data is versioned (pins paging links, ETags). */
  dataVersion?: () => string | undefined;
}

export function baseUrl(ctx: ServerContext, req: Request): string {
  if (ctx.info.baseUrl) return ctx.info.baseUrl.replace(/\/$/, '');
  return `${req.protocol}://${req.get('host')}${req.baseUrl}`;
}

export function collectionOr404(ctx: ServerContext, id: string): ServedCollection {
  const collection = ctx.catalog().get(id);
  if (!collection) throw new NotFound(`Collection « ${id} » inconnue ; voir /collections`);
  return collection;
}

/** Flattens query parameters to strings; a repeated parameter is an error naming it. */
export function queryStrings(req: Request, allowed: Iterable<string>): Record<string, string> {
  const allow = new Set(allowed);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (!allow.has(key)) throw new UnknownParameter(key, [...allow]);
    if (typeof value !== 'string') throw new UnknownParameter(key, [...allow]);
    out[key] = value;
  }
  return out;
}
